"""The weekly run for 1,000 active pairs against the rate-limited fake Discord.

1,000 pairs spread over 4 servers (Discord allows 500 channels per server), their profiles, pairs and
channels seeded directly. The bot starts just before the weekly run moment; the test clock then
moves to it and the scheduler's run posts every pair's "this week A mentors B" message. Measured:
time from the run moment to the last message, against the floor the enforced limits imply (global
50 requests/s; each channel is its own bucket), and every channel checked for exactly one message.

Run from the repository root: ``python -m benchmarks.bench_weekly [--pairs N] [--guilds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db.engine import Database
from bot.db.models import Pair
from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import seed_profiles

GLOBAL_PER_SECOND = 50
BEFORE_RUN = "2026-11-30T13:59:00+00:00"  # Monday 08:59 in Toronto
RUN_MOMENT = "2026-11-30T14:00:00+00:00"


async def seed_pairs(database_url: str, guild_id: int, members: list[int], channels: list[int]) -> None:
    db = Database(database_url)
    activated = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    async with db.session() as session:
        for index, channel_id in enumerate(channels):
            a, b = members[2 * index], members[2 * index + 1]
            session.add(
                Pair(
                    guild_id=guild_id,
                    member_a_id=a,
                    member_b_id=b,
                    status="active",
                    origin="round",
                    a_teaches_b=["seo", "social-media"],
                    b_teaches_a=["finance", "sales"],
                    same_city=True,
                    channel_id=channel_id,
                    created_at=activated,
                    activated_at=activated,
                    first_meeting_planned_at=activated,
                )
            )
    await db.close()


def weekly_messages(fake: FakeDiscord, channel_id: int) -> int:
    return sum(1 for m in fake.messages(channel_id) if any(":skip" in c for c in m.custom_ids()))


async def main(pairs: int, guilds: int) -> None:
    per_guild = pairs // guilds
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord(rate_limits=True, global_per_second=GLOBAL_PER_SECOND) as fake:
            bot = BotProcess.for_fake(fake, database_url, workdir, BINOME_TICK_SECONDS="0.2")
            await bot.migrate()
            all_channels: list[int] = []
            for number in range(guilds):
                guild = fake.add_guild(f"Club {number}", preferred_locale="fr")
                members = [fake.add_member(guild.id, name=f"g{number}m{i}").id for i in range(2 * per_guild)]
                channels = [fake.add_text_channel(guild.id, f"pair-{i}").id for i in range(per_guild)]
                await seed_profiles(database_url, guild.id, members)
                await seed_pairs(database_url, guild.id, members, channels)
                all_channels += channels
            bot.set_time(BEFORE_RUN)
            await bot.start(timeout=60)
            try:
                first_request = len(fake.requests)
                started = time.monotonic()
                bot.set_time(RUN_MOMENT)
                await fake.wait_for(
                    lambda: sum(weekly_messages(fake, c) for c in all_channels) >= len(all_channels),
                    timeout=600,
                    description="every weekly message",
                )
                elapsed = time.monotonic() - started
                await asyncio.sleep(2)  # anything posted twice would show up now
            finally:
                await bot.stop()
            counts = [weekly_messages(fake, c) for c in all_channels]
            run_requests = [r for r in fake.requests[first_request:] if r.path.startswith("/channels")]
            stats = fake.stats
    # The floor counts the requests that had to go through (a 429 is the client's retry, not work).
    needed = [r for r in run_requests if r.status != 429]
    floor = max(0, math.ceil(len(needed) / GLOBAL_PER_SECOND) - 1)
    print(f"weekly run for {len(all_channels)} pairs in {guilds} servers: {elapsed:.1f} s")
    print(f"  limits: global {GLOBAL_PER_SECOND}/s, 5 messages per 5 s per channel")
    print(f"  requests to channels: {len(needed)} (+{len(run_requests) - len(needed)} answered 429)")
    print(f"  floor {floor:.1f} s; ratio {elapsed / floor:.2f}x (target ≤ 1.2x)")
    print(
        f"  missed: {counts.count(0)}, duplicated: {sum(1 for c in counts if c > 1)}; "
        f"failed requests: {stats.failed}; 429s: {stats.rate_limited} ({stats.rate_limited_global} global)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.guilds))
