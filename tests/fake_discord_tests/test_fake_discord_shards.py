"""Sharding: GET /gateway/bot, IDENTIFY's shard honoured, each guild's events on its own shard only,
interactions delivered once, and the identify limit per bucket (op 9 when broken)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from fake_discord import FakeDiscord
from fake_discord.shards import shard_of

from .conftest import run_bot


async def _identify(fake: FakeDiscord, shard: list[Any] | None, intents: int = 1 | (1 << 9)) -> tuple[Any, list]:
    """A raw IDENTIFY: (close code or None, the frames received after it, up to the guilds' GUILD_CREATEs)."""
    frames: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
        assert (await ws.receive_json())["op"] == 10
        identify: dict[str, Any] = {"token": fake.token, "intents": intents, "properties": {}}
        if shard is not None:
            identify["shard"] = shard
        await ws.send_json({"op": 2, "d": identify})
        while True:
            try:
                message = await ws.receive(timeout=0.5)
            except TimeoutError:
                return None, frames
            if message.type != aiohttp.WSMsgType.TEXT:
                return ws.close_code, frames
            frames.append(message.json())
            if frames[-1]["op"] == 9:
                return None, frames


def _guilds_on_shards(fake: FakeDiscord, count: int) -> list[int]:
    """One guild per shard, shard i's first."""
    return [fake.add_guild(f"Shard {i}", guild_id=fake.guild_id_on_shard(i, count)).id for i in range(count)]


async def test_gateway_bot_gives_the_shard_count_and_the_identify_limit() -> None:
    async with FakeDiscord(shard_count=3, max_concurrency=2) as fake:
        fake.rules.validate_responses = True
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bot {fake.token}"}
            async with http.get(fake.api_base_url + "/gateway/bot", headers=headers) as response:
                body = await response.json()
        assert body["shards"] == 3 and body["url"] == fake.gateway_url
        assert body["session_start_limit"]["max_concurrency"] == 2
        assert body["session_start_limit"]["remaining"] == body["session_start_limit"]["total"]


async def test_identify_with_a_shard_gets_only_its_guilds(fake: FakeDiscord) -> None:
    guilds = _guilds_on_shards(fake, 3)
    assert [shard_of(g, 3) for g in guilds] == [0, 1, 2]
    code, frames = await _identify(fake, [1, 3])
    assert code is None
    ready = frames[0]["d"]
    assert frames[0]["t"] == "READY" and ready["shard"] == [1, 3]
    assert [g["id"] for g in ready["guilds"]] == [str(guilds[1])]
    assert [f["d"]["id"] for f in frames if f.get("t") == "GUILD_CREATE"] == [str(guilds[1])]
    # Without `shard`: shard 0 of 1, every guild.
    _, frames = await _identify(fake, None)
    assert frames[0]["d"]["shard"] == [0, 1] and len(frames[0]["d"]["guilds"]) == 3


async def test_invalid_shards_and_sharding_required_are_closed(fake: FakeDiscord) -> None:
    _guilds_on_shards(fake, 2)
    for shard in ([3, 3], [0, 0], [-1, 2], ["0", "2"], [0]):
        code, _ = await _identify(fake, shard)
        assert code == 4010, shard
    fake.rules.max_guilds_per_shard = 1
    assert (await _identify(fake, [0, 1]))[0] == 4011  # two guilds need two shards
    assert fake.gateway.close_codes == [4010] * 5 + [4011]
    assert fake.sessions == []


async def test_identify_limit_per_bucket_invalidates_the_session(fake: FakeDiscord) -> None:
    fake.rules.identify_interval = 5.0  # Discord's (the fixture switches it off for its probe bot)
    fake.max_concurrency = fake.gateway.identify_limiter.max_concurrency = 2
    _guilds_on_shards(fake, 4)
    assert (await _identify(fake, [0, 4]))[0] is None
    assert (await _identify(fake, [1, 4]))[0] is None  # bucket 1: at once
    _, frames = await _identify(fake, [2, 4])  # bucket 0 again, within 5 s: invalid session
    assert frames == [{"op": 9, "d": False, "s": None, "t": None}]
    assert fake.gateway.invalidations == 1 and len(fake.sessions) == 2
    assert [(r.shard, r.bucket, r.accepted) for r in fake.identifies] == [
        ((0, 4), 0, True),
        ((1, 4), 1, True),
        ((2, 4), 0, False),
    ]
    fake.rules.identify_interval = 0.3
    await asyncio.sleep(0.35)
    assert (await _identify(fake, [2, 4]))[0] is None  # the bucket's window is over


class ShardedProbe(commands.AutoShardedBot):
    """discord.py's AutoShardedBot for some shards, answering `/where` with the shard it got it on."""

    def __init__(self, shard_ids: list[int], shard_count: int) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            shard_ids=shard_ids,
            shard_count=shard_count,
            guild_ready_timeout=0.1,
        )
        self.ready_event = asyncio.Event()
        self.joined: list[int] = []

        @self.tree.command(name="where", description="Which shard answers")
        async def where(interaction: discord.Interaction) -> None:
            shard = interaction.guild.shard_id if interaction.guild else 0
            await interaction.response.send_message(f"shard {shard} of {shard_ids}")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # this test's two bots identify in different buckets

    async def on_ready(self) -> None:
        self.ready_event.set()

    async def on_member_join(self, member: discord.Member) -> None:
        self.joined.append(member.guild.id)


async def test_each_guilds_events_and_interactions_reach_its_own_shard_only() -> None:
    async with FakeDiscord(shard_count=2, max_concurrency=2) as fake:
        fake.rules.validate_responses = True
        guilds = _guilds_on_shards(fake, 2)
        for guild_id in guilds:
            fake.add_text_channel(guild_id, "general")
        members = [fake.add_member(g, name=f"member-{i}") for i, g in enumerate(guilds)]
        fake.add_user("loner")
        first, second = ShardedProbe([0], 2), ShardedProbe([1], 2)
        async with run_bot(fake, first), run_bot(fake, second):
            sessions = await fake.wait_for_shards(2)
            await asyncio.wait_for(asyncio.gather(first.ready_event.wait(), second.ready_event.wait()), 10)
            assert [s.shard for s in sessions] == [[0, 2], [1, 2]]
            assert [g.id for g in first.guilds] == [guilds[0]] and [g.id for g in second.guilds] == [guilds[1]]
            await first.tree.sync()

            # Member events: only the session of the member's guild.
            newcomer = fake.add_member(guilds[1], name="newcomer")
            await fake.wait_for(lambda: second.joined == [guilds[1]], description="shard 1 sees the newcomer")
            adds = [e for e in fake.events if e.name == "GUILD_MEMBER_ADD"]
            assert [e.session_id for e in adds] == [sessions[1].id] and adds[0].data["user"]["id"] == str(newcomer.id)
            assert first.joined == []

            # Interactions: once, to the guild's shard; from a DM, to shard 0.
            for guild_id, member, shard in ((guilds[0], members[0], 0), (guilds[1], members[1], 1)):
                interaction = await fake.slash_command(guild_id, member.id, "where")
                assert (await interaction.response()).content == f"shard {shard} of [{shard}]"
                delivered = [
                    e for e in fake.events if e.name == "INTERACTION_CREATE" and e.data["id"] == str(interaction.id)
                ]
                assert [e.session_id for e in delivered] == [sessions[shard].id]
                assert fake.session_of_guild(guild_id) is sessions[shard]
            dm = await fake.slash_command(None, members[1].id, "where")
            assert (await dm.response()).content == "shard 0 of [0]"
            assert fake.gateway.invalidations == 0
