"""Launching 200 pairs (channels + kickoffs) against the rate-limited fake Discord.

Seeds 400 onboarded members, runs `/mentoring-admin match`, clicks Confirm, and times the launch
until the summary says every pair was created. The floor is the least time the enforced limits
allow: the channel-creation bucket (channels + overflow categories, one bucket per guild) and the
global limit over every request the launch made. Target: ≤ 1.2× the floor, zero failed requests.

Run from the repository root: ``python -m benchmarks.bench_kickoff [--pairs N] [--channel-limit 10/2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, seed_profiles

CHANNELS_ROUTE = "POST /guilds/{guild_id}/channels"
GLOBAL_PER_SECOND = 50


async def main(pairs: int, channel_limit: tuple[int, float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord(
            rate_limits=True, global_per_second=GLOBAL_PER_SECOND, route_limits={CHANNELS_ROUTE: channel_limit}
        ) as fake:
            guild = fake.add_guild("Bench", preferred_locale="fr")
            general = fake.add_text_channel(guild.id, "general")
            owner = fake.member(guild.id, guild.owner_id)
            members = [fake.add_member(guild.id, name=f"m{i}").id for i in range(2 * pairs)]
            bot = BotProcess.for_fake(fake, database_url, workdir)
            await bot.migrate()
            await seed_profiles(database_url, guild.id, members)
            await bot.start(timeout=60)
            try:
                command = await fake.slash_command(
                    guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id
                )
                message = await command.final_message(timeout=30)
                first_request = len(fake.requests)
                started = time.monotonic()
                await fake.click(message, component_id(message, ":confirm:0"), owner.id)
                summary = f"{pairs}/{pairs} pairs created" if pairs != 1 else "1/1 pair created"
                await fake.wait_for(
                    lambda: summary in fake.message(message.id).text, timeout=3600, description="every pair launched"
                )
                elapsed = time.monotonic() - started
            finally:
                await bot.stop()
            launch_requests = fake.requests[first_request:]
            channel_posts = [r for r in launch_requests if r.method == "POST" and r.route == CHANNELS_ROUTE]
            global_counted = [r for r in launch_requests if not r.path.startswith(("/interactions", "/webhooks"))]
            route_floor = fake.ratelimiter.floor_seconds(CHANNELS_ROUTE, len(channel_posts))
            global_floor = max(0, math.ceil(len(global_counted) / GLOBAL_PER_SECOND) - 1)
            floor = max(route_floor, global_floor)
            categories = len(fake.channels(guild.id, type=4))
            kickoffs = sum(1 for c in fake.channels(guild.id, type=0) for m in fake.messages(c.id) if m.components)
            stats = fake.stats
    limit, per = channel_limit
    print(f"launch of {pairs} pairs: {elapsed:.1f} s")
    print(f"  limits: channel creation {limit} per {per:g} s per guild, global {GLOBAL_PER_SECOND}/s")
    print(f"  requests: {len(launch_requests)} ({len(channel_posts)} channel creations incl. {categories} categories)")
    print(f"  floor: {floor:.1f} s (channel bucket {route_floor:.1f} s, global {global_floor:.1f} s)")
    print(f"  ratio to floor: {elapsed / floor:.2f}x (target ≤ 1.2x)" if floor else "  floor: 0")
    print(f"  kickoffs posted: {kickoffs}/{pairs}; failed requests: {stats.failed}; 429s: {stats.rate_limited}")


def parse_limit(text: str) -> tuple[int, float]:
    count, _, seconds = text.partition("/")
    return int(count), float(seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument(
        "--channel-limit",
        type=parse_limit,
        default=(10, 2.0),
        help="channel creations allowed per window, e.g. 10/2 (10 per 2 s)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.channel_limit))
