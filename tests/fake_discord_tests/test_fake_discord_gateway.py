"""Connection flow: login, READY, GUILD_CREATE, member chunks, intents, resume."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from fake_discord import FakeDiscord

from .conftest import ProbeBot, run_bot


async def test_login_ready_and_cache(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild = bot.get_guild(world["guild"].id)
    assert guild is not None
    assert guild.preferred_locale is discord.Locale.french
    assert guild.me.id == fake.bot_user.id
    assert guild.default_role.id == guild.id
    assert {m.id for m in guild.members} >= {world["alice"].id, world["bob"].id, fake.bot_user.id}
    assert guild.get_channel(world["general"].id).name == "general"
    assert bot.application_id == fake.application_id
    session = fake.sessions[0]
    assert session.chunked_guilds == {guild.id}
    names = [e.name for e in fake.events]
    assert names[:2] == ["READY", "GUILD_CREATE"] and "GUILD_MEMBERS_CHUNK" in names
    assert all(r.status < 400 for r in fake.requests), fake.describe()


async def _raw_identify(fake: FakeDiscord, token: str, intents: int) -> int | None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json())["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": token, "intents": intents, "properties": {}, "compress": True}})
        message = await ws.receive()
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        return ws.close_code


async def test_identify_token_and_privileged_intents(fake: FakeDiscord) -> None:
    assert await _raw_identify(fake, "wrong", 1) == 4004
    assert await _raw_identify(fake, fake.token, 1 | (1 << 15)) == 4014  # message content not enabled
    assert fake.gateway.close_codes == [4004, 4014]


async def test_privileged_intents_required(world) -> None:
    async with FakeDiscord(privileged_intents=set()) as strict:
        strict.add_guild("Test")
        client = ProbeBot()
        async with run_bot(strict, client) as task:
            with pytest.raises(discord.PrivilegedIntentsRequired):
                await asyncio.wait_for(task, 10)


async def test_intents_filter_member_events(fake: FakeDiscord, world) -> None:
    client = ProbeBot(members=False)
    async with run_bot(fake, client):
        await fake.wait_until_ready()
        await asyncio.wait_for(client.ready_event.wait(), 10)
        fake.add_member(world["guild"].id, name="dave")
        channel = fake.add_text_channel(world["guild"].id, "news")
        await fake.wait_for(lambda: client.get_channel(channel.id))
        assert "GUILD_MEMBER_ADD" not in [e.name for e in fake.events]
        assert not fake.sessions[0].chunk_requests


async def test_resume_replays_missed_events(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_resumed)
    await fake.disconnect_gateway(4000)
    await fake.wait_for(lambda: not fake.connected, timeout=5)
    carol = fake.add_member(world["guild"].id, name="carol")  # while the bot is away
    await asyncio.wait_for(resumed.wait(), 10)
    await fake.wait_for(lambda: ("join", carol.id) in bot.member_events, timeout=5)
    assert fake.gateway.identify_count == 1 and fake.sessions[0].resumes == 1
    assert [r for r in fake.requests if r.status >= 400] == []


async def test_invalidated_session_identifies_again(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    await fake.disconnect_gateway(4000, invalidate=True)
    await fake.wait_for(lambda: fake.gateway.identify_count == 2, timeout=15)
    await fake.wait_until_ready()


async def test_guild_added_after_ready(fake: FakeDiscord, bot: ProbeBot) -> None:
    joined = asyncio.Event()

    async def on_guild_join(guild: discord.Guild) -> None:
        joined.set()

    bot.add_listener(on_guild_join)
    guild = fake.add_guild("Second")
    fake.add_member(guild.id, name="erin")
    await asyncio.wait_for(joined.wait(), 10)
    await fake.wait_until_ready()
    assert len(bot.get_guild(guild.id).members) >= 2
