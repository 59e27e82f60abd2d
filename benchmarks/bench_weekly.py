"""The weekly run for 1,000 active pairs against the rate-limited fake Discord (its default limits).

1,000 pairs spread over 4 servers (Discord allows 500 channels per server), their profiles, pairs and
channels seeded directly. The bot starts just before the weekly run moment; the test clock then
moves to it and the scheduler's run posts every pair's "this week A mentors B" message. Measured:
time from the run moment to the last message, against the floor the enforced limits imply (global
50 requests/s; each channel is its own bucket), global 429s, and every channel checked for exactly
one message. Each run is a fresh fake, database and bot; the summary is the median of the runs.

Target: ≤ 1.2× the floor, no global 429. The bot paces its requests (`bot.client.pacing`);
``--global-rate 0`` turns that off to compare with discord.py's own reaction to 429s.

Run from the repository root: ``python -m benchmarks.bench_weekly [--pairs N] [--guilds N] [--runs N]
[--global-rate R] [--database-url postgresql://...]``. The machine's load is printed with the figures:
on a shared machine they are rough (the bot is CPU-bound when it gets less than a core).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botrun import BenchBot
from benchmarks.procstat import cpu_seconds, load, median
from benchmarks.seeding import Community, PostCounter, fresh_database
from fake_discord import FakeDiscord

GLOBAL_PER_SECOND = 50
BEFORE_RUN = "2026-11-30T13:59:00+00:00"  # Monday 08:59 in Toronto
RUN_MOMENT = "2026-11-30T14:00:00+00:00"


@dataclass
class Run:
    elapsed: float
    floor: float
    requests: int
    retried_429: int
    global_429s: int
    failed: int
    missed: int
    duplicated: int
    bot_cpu: float
    load: str

    @property
    def ratio(self) -> float:
        return self.elapsed / self.floor if self.floor else math.nan


def weekly_messages(fake: FakeDiscord, channel_id: int) -> int:
    return sum(1 for m in fake.messages(channel_id) if any(":skip" in c for c in m.custom_ids()))


def global_floor(requests: int) -> float:
    """The least time `requests` counted requests take under the global limit (first window at 0)."""
    return max(0, math.ceil(requests / GLOBAL_PER_SECOND) - 1)


async def one_run(pairs: int, guilds: int, global_rate: int, database: str | None) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = await fresh_database(database, workdir)
        async with FakeDiscord(rate_limits=True, global_per_second=GLOBAL_PER_SECOND) as fake:
            bot = BenchBot.for_fake(
                fake, database_url, workdir, BINOME_TICK_SECONDS="0.2", DISCORD_GLOBAL_RATE=str(global_rate)
            )
            await bot.migrate()
            community = await Community.build(fake, database_url, guilds=guilds, members=2 * pairs, pairs=pairs)
            channels = community.channels
            bot.set_time(BEFORE_RUN)
            await bot.start(timeout=120)
            try:
                first_request = len(fake.requests)
                posted = PostCounter(fake, channels)
                cpu = cpu_seconds(bot.pid)
                started = time.monotonic()
                bot.set_time(RUN_MOMENT)
                await fake.wait_for(lambda: posted() >= len(channels), timeout=600, description="every weekly message")
                elapsed = time.monotonic() - started
                bot_cpu = cpu_seconds(bot.pid) - cpu
                measured_under = load()
                await asyncio.sleep(2)  # anything posted twice would show up now
            finally:
                await bot.stop()
            counts = [weekly_messages(fake, c) for c in channels]
            run_requests = [r for r in fake.requests[first_request:] if r.path.startswith("/channels")]
            stats = fake.stats
    # The floor counts the requests that had to go through (a 429 is the client's retry, not work).
    needed = [r for r in run_requests if r.status != 429]
    return Run(
        elapsed=elapsed,
        floor=global_floor(len(needed)),
        requests=len(needed),
        retried_429=len(run_requests) - len(needed),
        global_429s=stats.rate_limited_global,
        failed=stats.failed,
        missed=counts.count(0),
        duplicated=sum(1 for c in counts if c > 1),
        bot_cpu=bot_cpu,
        load=measured_under,
    )


async def main(pairs: int, guilds: int, runs: int, global_rate: int, database: str | None) -> None:
    pacing = f"paced at {global_rate}/s" if global_rate else "not paced (discord.py reacts to 429s)"
    print(f"weekly run for {pairs:,} pairs in {guilds} servers, {pacing}, {'PostgreSQL' if database else 'SQLite'}")
    print(f"  limits: the fake's defaults (global {GLOBAL_PER_SECOND}/s, 5 messages per 5 s per channel)")
    results = []
    for number in range(1, runs + 1):
        run = await one_run(pairs, guilds, global_rate, database)
        results.append(run)
        print(
            f"  run {number}: {run.elapsed:.1f} s, floor {run.floor:.0f} s, ratio {run.ratio:.2f}x; "
            f"{run.requests} requests (+{run.retried_429} answered 429, {run.global_429s} global); "
            f"missed {run.missed}, duplicated {run.duplicated}, failed {run.failed}; "
            f"bot CPU {run.bot_cpu:.1f} s; {run.load}"
        )
    ratio = median([r.ratio for r in results])
    print(
        f"median of {runs}: {median([r.elapsed for r in results]):.1f} s, ratio to the floor {ratio:.2f}x "
        f"(target ≤ 1.2x), global 429s {median([r.global_429s for r in results]):g} (target 0), "
        f"missed {sum(r.missed for r in results)}, duplicated {sum(r.duplicated for r in results)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--global-rate", type=int, default=GLOBAL_PER_SECOND, help="the bot's DISCORD_GLOBAL_RATE")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (emptied first); default SQLite")
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.guilds, args.runs, args.global_rate, args.database_url))
