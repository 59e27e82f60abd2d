"""Resident memory of the bot process with 10,000 members and 5,000 active pairs, after start-up and after
each of three consecutive weekly runs.

10 servers of 1,000 members and 500 active pairs each (Discord allows 500 channels per server), seeded in
bulk in the database and the fake Discord (rate-limited with its defaults). The real bot starts just
before a Monday's weekly run moment; the benchmark reads its RSS (`/proc/<pid>/status`) once it is ready
and idle, then moves its clock to the run moment, waits until all 5,000 weekly messages are posted and the
bot is idle again, reads its RSS, and does the same for the next two Mondays. The fake Discord runs in the
benchmark's own process: its memory is not the bot's. Targets: ≤ 150 MB at every reading, and no growth
from one run to the next (each run's messages, views and rows are let go).

Run from the repository root: ``python -m benchmarks.bench_memory [--members N] [--pairs N] [--guilds N]
[--runs N] [--database-url postgresql://...]``. A run of 5,000 messages takes 100 s at Discord's global
limit, so the whole benchmark takes about 7 minutes. RSS depends little on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botrun import BenchBot
from benchmarks.procstat import cpu_seconds, load, rss_mb
from benchmarks.seeding import Community, PostCounter, fresh_database
from fake_discord import FakeDiscord

BEFORE_RUN = datetime.fromisoformat("2026-11-30T13:59:00+00:00")  # Monday 08:59 in Toronto
RUN_MOMENT = datetime.fromisoformat("2026-11-30T14:00:00+00:00")
TARGET_MB = 150
SETTLE_SECONDS = 5.0  # idle time before a reading (the scheduler's tick, the claims' release...)
#: The scheduler's tick (production: 60 s). Each tick runs every check for every server (meetings, voice,
#: cycles, weekly, launches: a dozen queries per server); at 1 s with 10 servers the bot would never be idle.
TICK_SECONDS = 5
#: "Idle": the bot uses less than this share of a core over `SETTLE_SECONDS` (its ticks only).
IDLE_CPU_SHARE = 0.15


async def idle_rss(pid: int, seconds: float = SETTLE_SECONDS) -> float:
    """RSS once the process has been idle: CPU time stops moving for `seconds`."""
    before = cpu_seconds(pid)
    while True:
        await asyncio.sleep(seconds)
        now = cpu_seconds(pid)
        if now - before < IDLE_CPU_SHARE * seconds:
            return rss_mb(pid)
        before = now


async def main(members: int, pairs: int, guilds: int, runs: int, database: str | None) -> None:
    readings: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = await fresh_database(database, workdir)
        async with FakeDiscord(rate_limits=True) as fake:
            bot = BenchBot.for_fake(fake, database_url, workdir, BINOME_TICK_SECONDS=str(TICK_SECONDS))
            await bot.migrate()
            started = time.perf_counter()
            community = await Community.build(fake, database_url, guilds=guilds, members=members, pairs=pairs)
            channels = community.channels
            print(f"seeded {members:,} members and {len(channels):,} active pairs in {guilds} servers "
                  f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
            bot.set_time(BEFORE_RUN.isoformat())
            await bot.start(timeout=300)
            try:
                readings.append(("after start-up", await idle_rss(bot.pid), load()))
                await bot.inspect("after start-up")
                print(f"  after start-up: {readings[-1][1]:.0f} MB")
                for week in range(runs):
                    posted = PostCounter(fake, channels)
                    started = time.monotonic()
                    bot.set_time((RUN_MOMENT + timedelta(days=7 * week)).isoformat())
                    await fake.wait_for(
                        lambda posted=posted: posted() >= len(channels), timeout=1800, description="the weekly run"
                    )
                    took = time.monotonic() - started
                    readings.append((f"after weekly run {week + 1}", await idle_rss(bot.pid), load()))
                    await bot.inspect(f"after weekly run {week + 1}")
                    print(f"  after weekly run {week + 1} ({posted.count:,} messages in {took:.0f} s): "
                          f"{readings[-1][1]:.0f} MB")  # fmt: skip
            finally:
                await bot.stop()
    backend = "PostgreSQL" if database else "SQLite"
    print(f"resident memory of the bot, {members:,} members, {len(channels):,} active pairs, {backend}:")
    for label, mb, measured_under in readings:
        print(f"  {label:<20} {mb:6.0f} MB  ({measured_under})")
    peak = max(mb for _, mb, _ in readings)
    growth = [later - earlier for (_, earlier, _), (_, later, _) in itertools.pairwise(readings[1:])]
    print(
        f"  peak {peak:.0f} MB (target ≤ {TARGET_MB} MB); growth from one run to the next: "
        f"{', '.join(f'{g:+.1f} MB' for g in growth) or '-'} (target: flat)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (emptied first); default SQLite")
    args = parser.parse_args()
    asyncio.run(main(args.members, args.pairs, args.guilds, args.runs, args.database_url))
