"""Interactions: slash commands, deferred replies, buttons, selects, modals, Discord's ack rules."""

from __future__ import annotations

import asyncio
import json

import discord
import pytest

from fake_discord import FakeDiscord, Perm

from .conftest import ConfirmView, ProbeBot


async def _synced(fake: FakeDiscord, bot: ProbeBot) -> None:
    await bot.tree.sync()
    assert fake.command_put_count["global"] == 1


async def test_tree_sync_records_localizations(fake: FakeDiscord, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    command = fake.command("mentoring")
    assert command["id"].isdigit() and fake.command("admin-ping")["default_member_permissions"] == "32"
    assert command["name_localizations"] == {"fr": "mentorat"}
    assert command["description_localizations"] == {"fr": "Programme de mentorat"}
    join = next(o for o in command["options"] if o["name"] == "join")
    assert join["name_localizations"] == {"fr": "rejoindre"}
    assert [o["name"] for o in join["options"]] == ["skill", "years", "buddy"]
    fetched = {c.name: c for c in await bot.tree.fetch_commands()}
    assert fetched["mentoring"].id == int(command["id"])


async def test_slash_command_deferred_ephemeral(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    alice, bob = world["alice"], world["bob"]
    interaction = await fake.slash_command(
        world["guild"].id,
        alice.id,
        "mentoring",
        subcommand="join",
        options={"skill": "python", "years": 3, "buddy": bob},
    )
    callback = await interaction.response()
    assert callback.type == 5 and callback.ephemeral
    message = await interaction.final_message()
    assert message.content == f"joined python 3 {bob.name} fr"
    assert message.ephemeral and not message.loading
    assert interaction.latency is not None and 0 <= interaction.latency < 3
    assert fake.messages(world["general"].id) == []  # ephemeral: nobody else sees it
    assert fake.messages(world["general"].id, ephemeral=True) == [message]


async def test_unknown_option_is_refused_before_sending(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    with pytest.raises(AssertionError, match="no option 'level'"):
        await fake.slash_command(
            world["guild"].id, world["alice"].id, "mentoring", subcommand="join", options={"skill": "x", "level": 2}
        )
    with pytest.raises(AssertionError, match="required option"):
        await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="join")


async def test_button_on_send_message_view(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    alice = world["alice"]
    interaction = await fake.slash_command(world["guild"].id, alice.id, "mentoring", subcommand="hello")
    message = await interaction.final_message()
    assert message.content == "Hello!" and not message.ephemeral
    assert interaction.custom_ids() == ["confirm", "skill"]
    assert fake.messages(world["general"].id) == [message]
    with pytest.raises(AssertionError, match="no component 'nope'"):
        await fake.click(message, "nope", alice.id)
    click = await fake.click(message, "confirm", alice.id)
    assert (await click.response()).type == 7
    updated = await click.final_message()
    assert updated.id == message.id
    assert updated.content == f"confirmed by {alice.id}" and updated.components == []


async def test_select_menu(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    interaction = await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="hello")
    await interaction.final_message()
    with pytest.raises(AssertionError, match="not options"):
        await fake.select(interaction, "skill", ["cooking"], world["bob"].id)
    picked = await fake.select(interaction, "skill", ["sales"], world["bob"].id)
    reply = await picked.final_message()
    assert reply.content == "picked sales" and reply.ephemeral


async def test_modal_round_trip(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    opener = await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="profile")
    modal = (await opener.response()).data
    assert (await opener.response()).type == 9 and modal["title"] == "Profile"
    assert opener.custom_ids() == ["bio", "city"]
    with pytest.raises(AssertionError, match="required"):
        await fake.submit_modal(opener, {"city": "Paris"})
    submitted = await fake.submit_modal(opener, {"bio": "I teach Python"})
    reply = await submitted.final_message()
    assert reply.content == "bio=I teach Python city=Lyon" and reply.ephemeral


async def test_late_acknowledgement_is_unknown_interaction(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    fake.rules.interaction_deadline = 0.2
    bot.sleep_before_answer = 0.4
    interaction = await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="slow")
    await fake.wait_for(lambda: bot.errors, timeout=5)
    [error] = bot.errors
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert interaction.callback is None and interaction.rejected == [(404, 10062)]


async def test_double_acknowledgement(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    interaction = await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="twice")
    await fake.wait_for(lambda: bot.errors, timeout=5)
    [error] = bot.errors
    assert isinstance(error, discord.HTTPException) and error.code == 40060
    assert interaction.content == "once" and interaction.rejected == [(400, 40060)]


async def test_followup_with_file(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await _synced(fake, bot)
    interaction = await fake.slash_command(world["guild"].id, world["alice"].id, "mentoring", subcommand="export")
    followup = await interaction.wait_for_followup()
    assert followup.content == "your data" and followup.ephemeral
    [attachment] = followup.attachments
    assert attachment.filename == "data.json" and attachment.json() == {"a": 1}
    # after a deferred reply the first followup replaces the "thinking" message
    assert (await interaction.final_message()).id == followup.id
    request = fake.find_requests("POST", "/webhooks/*")[-1]
    assert request.files == 1 and json.dumps(request.payload)


async def test_dm_interaction_and_guild_command_routing(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild = world["guild"]
    bot.tree.copy_global_to(guild=discord.Object(guild.id))
    await bot.tree.sync(guild=discord.Object(guild.id))
    assert fake.command_put_count[guild.id] == 1 and fake.commands(guild.id)[0]["guild_id"] == str(guild.id)
    interaction = await fake.slash_command(guild.id, world["bob"].id, "mentoring", subcommand="hello")
    assert interaction.data["guild_id"] == str(guild.id)
    assert (await interaction.final_message()).content == "Hello!"
    await asyncio.sleep(0)


async def test_command_permissions_and_contexts(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await bot.tree.sync()
    guild = world["guild"]
    with pytest.raises(AssertionError, match="would not let alice"):
        await fake.slash_command(guild.id, world["alice"].id, "admin-ping")
    moderator = fake.add_member(guild.id, name="mod", permissions=Perm.MANAGE_GUILD)
    reply = await (await fake.slash_command(guild.id, moderator.id, "admin-ping")).final_message()
    assert reply.content == "pong"
    with pytest.raises(AssertionError, match="cannot be used in DMs"):
        await fake.slash_command(None, moderator.id, "admin-ping")


async def test_dm_command_and_button_in_dm(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await bot.tree.sync()
    alice = world["alice"]
    interaction = await fake.slash_command(None, alice.id, "mentoring", subcommand="hello")
    assert "user" in interaction.payload and "member" not in interaction.payload
    message = await interaction.final_message()
    assert message.channel_id == fake.dm_channel(alice.id).id
    user = await bot.fetch_user(alice.id)
    sent = await user.send("Choose", view=ConfirmView())
    assert [m.content for m in fake.dms(alice.id)] == ["Hello!", "Choose"]
    click = await fake.click(sent.id, "confirm", alice.id)
    assert (await click.final_message()).content == f"confirmed by {alice.id}"
    with pytest.raises(AssertionError, match="cannot see the DM"):
        await fake.click(sent.id, "confirm", world["bob"].id)


async def test_autocomplete(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await bot.tree.sync()
    interaction = await fake.autocomplete(
        world["guild"].id, world["alice"].id, "mentoring", "skill", "py", subcommand="join"
    )
    callback = await interaction.response()
    assert callback.type == 8 and callback.data["choices"] == [{"name": "python", "value": "python"}]
