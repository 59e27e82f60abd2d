"""Rate limits: headers on every routed response, per-route buckets, the global limit, 429 retries."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import discord
import pytest

from fake_discord import FakeDiscord

from .conftest import ProbeBot, run_bot


@pytest.fixture
async def limited() -> FakeDiscord:
    async with FakeDiscord(
        rate_limits=True, global_per_second=4, route_limits={"POST /channels/{channel_id}/messages": (2, 0.5)}
    ) as server:
        yield server


async def _bot(fake: FakeDiscord) -> tuple[ProbeBot, list[discord.TextChannel]]:
    guild = fake.add_guild("Limited")
    for i in range(6):
        fake.add_text_channel(guild.id, f"room-{i}")
    return ProbeBot(), [c.id for c in fake.channels(guild.id)]


async def test_floor(limited: FakeDiscord) -> None:
    assert limited.ratelimiter.floor_seconds("POST /channels/{channel_id}/messages", 6) == 1.0


async def test_headers_and_429_shape(limited: FakeDiscord) -> None:
    url = limited.api_base_url + "/channels/{}/messages"
    guild = limited.add_guild("G")
    channel = limited.add_text_channel(guild.id, "c")
    headers = {"Authorization": f"Bot {limited.token}"}
    async with aiohttp.ClientSession() as session:
        statuses = []
        for _ in range(3):
            async with session.post(url.format(channel.id), json={"content": "x"}, headers=headers) as response:
                statuses.append(response.status)
                if response.status == 200:
                    for name in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
                        assert f"X-RateLimit-{name}" in response.headers
                else:
                    body = await response.json()
                    assert response.headers["Via"] and response.headers["X-RateLimit-Scope"] == "user"
                    assert response.headers["X-RateLimit-Global"] == "false" and "Retry-After" in response.headers
                    assert body["message"] == "You are being rate limited." and body["global"] is False
                    assert 0 < body["retry_after"] <= 0.5
    assert statuses == [200, 200, 429]
    assert limited.stats.rate_limited == 1 and limited.stats.failed == 0


async def test_route_bucket_makes_discord_py_wait(limited: FakeDiscord) -> None:
    client, channels = await _bot(limited)
    async with run_bot(limited, client):
        await limited.wait_until_ready()
        channel = client.get_channel(channels[0])
        started = time.monotonic()
        for i in range(6):
            await channel.send(f"message {i}")
        assert time.monotonic() - started >= 0.9  # 6 messages at 2 per 0.5 s
        assert len(limited.messages(channels[0])) == 6
        assert limited.stats.failed == 0


async def test_global_limit_is_retried(limited: FakeDiscord) -> None:
    client, channels = await _bot(limited)
    async with run_bot(limited, client):
        await limited.wait_until_ready()
        await asyncio.sleep(1.0)  # let the start-up requests leave the global window
        await asyncio.gather(*(client.get_channel(c).send("hello") for c in channels))
        assert all(len(limited.messages(c)) == 1 for c in channels)
        assert limited.stats.rate_limited_global >= 1 and limited.stats.failed == 0


async def test_injected_429_is_retried(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    fake.fail_next("POST", "/channels/*/messages", 429, retry_after=0.1)
    await bot.get_channel(world["general"].id).send("after a 429")
    assert [m.content for m in fake.messages(world["general"].id)] == ["after a 429"]
    assert fake.stats.rate_limited == 1 and fake.stats.failed == 0


async def test_interaction_callbacks_ignore_the_global_limit(limited: FakeDiscord) -> None:
    client, _ = await _bot(limited)
    guild = next(iter(limited.world.guilds.values()))
    users = [limited.add_member(guild.id, name=f"u{i}") for i in range(8)]
    async with run_bot(limited, client):
        await limited.wait_until_ready()
        await asyncio.wait_for(client.ready_event.wait(), 10)
        await client.tree.sync()
        await asyncio.sleep(1.0)
        sent = [await limited.slash_command(guild.id, u.id, "mentoring", subcommand="hello") for u in users]
        for interaction in sent:
            assert (await interaction.final_message()).content == "Hello!"
        callbacks = limited.find_requests("POST", "/interactions/*")
        assert len(callbacks) == 8 and all(r.status == 200 for r in callbacks)
