"""REST rules: Content-Type, auth, DMs, channel limits, permissions, message limits, pins, faults."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from fake_discord import FakeDiscord, Perm

from .conftest import ProbeBot


async def test_content_type_and_auth(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(
            fake.api_base_url + "/users/@me", headers={"Authorization": f"Bot {fake.token}"}
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["bot"] is True
        async with session.get(fake.api_base_url + "/users/@me", headers={"Authorization": "Bot nope"}) as response:
            assert response.status == 401
        async with session.get(fake.api_base_url + "/nowhere") as response:
            assert response.status == 404 and (await response.json())["code"] == 0
    assert fake.stats.failed == 2


async def test_dm_closed_is_forbidden(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    alice, bob = world["alice"], world["bob"]
    user = await bot.fetch_user(alice.id)
    await user.send("welcome")
    assert [m.content for m in fake.dms(alice.id)] == ["welcome"]
    fake.close_dms(bob.id)
    with pytest.raises(discord.Forbidden) as info:
        await (await bot.fetch_user(bob.id)).send("hi")
    assert info.value.code == 50007 and fake.dms(bob.id) == []


async def test_category_and_guild_channel_limits(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild = bot.get_guild(world["guild"].id)
    category = guild.get_channel(world["category"].id)
    for i in range(49):
        fake.add_text_channel(guild.id, f"pair-{i}", parent_id=category.id)
    created = await guild.create_text_channel("Pair Alice Bob", category=category)
    assert created.name == "pair-alice-bob" and created.category_id == category.id
    await fake.wait_for(lambda: guild.get_channel(created.id))  # CHANNEL_CREATE reached the client
    with pytest.raises(discord.HTTPException) as info:
        await guild.create_text_channel("pair-51", category=category)
    assert info.value.code == 50035 and "Maximum number of channels in category reached (50)" in info.value.text
    fake.rules.max_guild_channels = len(fake.channels(guild.id))
    with pytest.raises(discord.HTTPException) as info:
        await guild.create_text_channel("one-too-many")
    assert info.value.code == 30013


async def test_permissions(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild = bot.get_guild(world["guild"].id)
    alice = guild.get_member(world["alice"].id)
    overwrites = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        alice: discord.PermissionOverwrite(view_channel=True, send_messages=True),
    }
    private = await guild.create_text_channel("private", overwrites=overwrites)
    assert fake.can_view(private.id, alice.id) and not fake.can_view(private.id, world["bob"].id)
    with pytest.raises(discord.Forbidden) as info:  # the bot denied itself view_channel
        await private.send("hello")
    assert info.value.code == 50001
    with pytest.raises(discord.Forbidden) as info:  # locked out of its own channel
        await private.set_permissions(guild.me, view_channel=True)
    assert info.value.code == 50001
    fake.set_overwrite(private.id, fake.bot_user.id, allow=Perm.VIEW_CHANNEL, deny=Perm.SEND_MESSAGES)  # a moderator
    with pytest.raises(discord.Forbidden) as info:
        await private.send("hello")
    assert info.value.code == 50013
    await private.set_permissions(guild.me, view_channel=True, send_messages=True)
    await private.send("hello")
    assert fake.channel(private.id).overwrites[fake.bot_user.id].allow & Perm.SEND_MESSAGES
    fake.set_bot_permissions(guild.id, Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as info:
        await guild.create_text_channel("nope")
    assert info.value.code == 50013
    with pytest.raises(discord.Forbidden):  # cannot grant what it does not have
        await private.set_permissions(alice, manage_messages=True)


async def test_message_limits_pins_and_history(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    channel = bot.get_channel(world["general"].id)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.code == 50035
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
    with pytest.raises(discord.HTTPException) as info:  # discord.py checks this one itself: go raw
        await bot.http.request(route, json={"embeds": [{"title": str(i)} for i in range(11)]})
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.request(route, json={"content": ""})
    assert info.value.code == 50006
    message = await channel.send("charter", allowed_mentions=discord.AllowedMentions.none())
    await message.pin()
    assert [m.id for m in fake.pins(channel.id)] == [message.id]
    assert [p.id async for p in channel.pins()] == [message.id]
    assert fake.messages(channel.id) == [fake.message(message.id)]
    assert fake.messages(channel.id)[0].allowed_mentions == {"parse": []}
    assert len(fake.messages(channel.id, system=True)) == 2  # "pinned a message"
    edited = await message.edit(content="charter v2")
    assert edited.content == "charter v2" and fake.message(message.id).history[0]["content"] == "charter"
    history = [m.content async for m in channel.history(limit=10)]
    assert history[-1] == "charter v2"
    await message.delete()
    assert fake.messages(channel.id) == [] and fake.pins(channel.id) == []


async def test_fail_next_and_manual_events(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    channel = bot.get_channel(world["general"].id)
    fake.fail_next("POST", "/channels/*/messages", 403, 50013, "Missing Permissions")
    with pytest.raises(discord.Forbidden):
        await channel.send("a")
    await channel.send("b")
    assert [m.content for m in fake.messages(channel.id)] == ["b"] and fake.stats.injected == 1
    carol = fake.add_member(world["guild"].id, name="carol")
    fake.remove_member(world["guild"].id, world["bob"].id)
    fake.delete_channel(world["category"].id)
    await fake.wait_for(lambda: len(bot.member_events) == 2 and bot.channel_events)
    assert bot.member_events == [("join", carol.id), ("remove", world["bob"].id)]
    assert bot.channel_events == [("delete", world["category"].id)]


async def test_channel_in_category_syncs_overwrites_and_moves(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild_id = world["guild"].id
    private = fake.add_category(
        guild_id,
        "Private pairs",
        overwrites={guild_id: (0, Perm.VIEW_CHANNEL), fake.bot_user.id: (Perm.VIEW_CHANNEL | Perm.MANAGE_ROLES, 0)},
    )
    guild = bot.get_guild(guild_id)
    await fake.wait_for(lambda: guild.get_channel(private.id))
    created = await guild.create_text_channel("pair", category=guild.get_channel(private.id))
    assert fake.channel(created.id).overwrites == fake.channel(private.id).overwrites
    assert not fake.can_view(created.id, world["alice"].id)
    await created.edit(category=None)
    await created.edit(position=0)
    assert fake.channel(created.id).parent_id is None


async def test_wait_for_timeout_describes_what_happened(fake: FakeDiscord) -> None:
    with pytest.raises(AssertionError, match=r"(?s)timed out after 0.1s waiting for nothing.*last 15 requests"):
        await fake.wait_for(lambda: False, timeout=0.1, description="waiting for nothing")
