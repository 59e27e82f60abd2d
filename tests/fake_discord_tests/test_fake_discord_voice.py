"""Voice in the fake: voice channels, voice states (VOICE_STATE_UPDATE, GUILD_CREATE's voice_states),
and what Discord (or its client) refuses."""

from __future__ import annotations

import asyncio

import discord
import pytest

from fake_discord import VOICE, FakeDiscord, Perm

from .conftest import ProbeBot, run_bot


async def test_voice_states_reach_the_bot_and_follow_members(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild_id, alice, bob = world["guild"].id, world["alice"], world["bob"]
    lounge = fake.add_voice_channel(guild_id, "Lounge")
    other = fake.add_voice_channel(guild_id, "Other")
    await fake.wait_for(lambda: bot.get_channel(other.id) is not None)
    assert isinstance(bot.get_channel(lounge.id), discord.VoiceChannel)

    fake.join_voice(guild_id, alice.id, lounge.id)
    fake.join_voice(guild_id, bob.id, lounge.id)
    fake.join_voice(guild_id, alice.id, other.id)  # a move: one event, from one channel to the other
    fake.leave_voice(guild_id, bob.id)
    await fake.wait_for(lambda: len(bot.voice_events) == 4, description="four voice events")
    # (discord.py hands its handlers one live VoiceState per member: compare what the gateway sent.)
    sent = [
        (int(e.data["user_id"]), e.data["channel_id"] and int(e.data["channel_id"]))
        for e in fake.events
        if e.name == "VOICE_STATE_UPDATE"
    ]
    assert sent == [(alice.id, lounge.id), (bob.id, lounge.id), (alice.id, other.id), (bob.id, None)]
    assert [user for user, _, _ in bot.voice_events] == [alice.id, bob.id, alice.id, bob.id]
    guild = bot.get_guild(guild_id)
    assert guild.get_member(alice.id).voice.channel.id == other.id
    assert guild.get_member(bob.id).voice is None
    assert fake.voice_state(guild_id, alice.id).channel_id == other.id

    # Deleting a voice channel disconnects whoever was in it; leaving the server too.
    fake.delete_channel(other.id)
    await fake.wait_for(lambda: bot.get_guild(guild_id).get_member(alice.id).voice is None, description="disconnected")
    assert fake.voice_state(guild_id, alice.id) is None


async def test_a_restarted_bot_finds_the_voice_states_in_guild_create(fake: FakeDiscord, world) -> None:
    guild_id, alice = world["guild"].id, world["alice"]
    lounge = fake.add_voice_channel(guild_id, "Lounge")
    fake.join_voice(guild_id, alice.id, lounge.id)  # before the bot connects
    client = ProbeBot()
    async with run_bot(fake, client):
        await asyncio.wait_for(client.ready_event.wait(), 10)
        member = client.get_guild(guild_id).get_member(alice.id)
        assert member.voice is not None and member.voice.channel.id == lounge.id
    # Without the voice-states intent: no voice states, no events.
    deaf = ProbeBot(voice=False)
    async with run_bot(fake, deaf):
        await asyncio.wait_for(deaf.ready_event.wait(), 10)
        assert deaf.get_guild(guild_id).get_member(alice.id).voice is None
        fake.leave_voice(guild_id, alice.id)
        await asyncio.sleep(0.2)
        assert deaf.voice_events == []
    assert not any(e.name == "VOICE_STATE_UPDATE" and e.session_id == fake.sessions[-1].id for e in fake.events)


async def test_what_the_client_does_not_let_a_member_join(fake: FakeDiscord, world) -> None:
    guild_id, alice, bob = world["guild"].id, world["alice"], world["bob"]
    private = fake.add_voice_channel(guild_id, "Private", overwrites={guild_id: (0, Perm.VIEW_CHANNEL)})
    muted = fake.add_voice_channel(guild_id, "No connect", overwrites={guild_id: (0, Perm.CONNECT)})
    small = fake.add_voice_channel(guild_id, "Small", user_limit=1)
    with pytest.raises(AssertionError, match="not a voice channel"):
        fake.join_voice(guild_id, alice.id, world["general"].id)
    for channel in (private, muted):
        with pytest.raises(AssertionError, match="cannot connect"):
            fake.join_voice(guild_id, alice.id, channel.id)
    fake.join_voice(guild_id, alice.id, small.id)
    with pytest.raises(AssertionError, match="full"):
        fake.join_voice(guild_id, bob.id, small.id)


async def test_the_bot_creates_private_voice_channels_as_discord_allows(fake: FakeDiscord, world, bot: ProbeBot):
    guild = bot.get_guild(world["guild"].id)
    alice = guild.get_member(world["alice"].id)
    category = guild.get_channel(world["category"].id)
    overwrites = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        guild.me: discord.PermissionOverwrite(view_channel=True, manage_channels=True),
        alice: discord.PermissionOverwrite(view_channel=True),
    }
    room = await guild.create_voice_channel("alice voice", category=category, overwrites=overwrites)
    assert isinstance(room, discord.VoiceChannel) and room.bitrate == 64000 and room.user_limit == 0
    stored = fake.channel(room.id)
    assert stored.type == VOICE and stored.parent_id == category.id and stored.name == "alice voice"
    assert fake.can_view(room.id, alice.id) and not fake.can_view(room.id, world["bob"].id)
    # Discord's bounds for a server without boosts.
    for field, value in (("bitrate", 384000), ("bitrate", 100), ("user_limit", 100)):
        with pytest.raises(discord.HTTPException) as refused:
            await guild.create_voice_channel("too much", **{field: value})
        assert refused.value.status == 400 and refused.value.code == 50035 and field in str(refused.value)
    # Granting a permission the bot does not have (Move Members) is refused, as on Discord.
    with pytest.raises(discord.Forbidden):
        await guild.create_voice_channel("grant", overwrites={alice: discord.PermissionOverwrite(move_members=True)})
    assert fake.response_problems == []
