"""The weekly run for 3,000 active pairs over 30 servers, by 3 bot processes (shards 0, 1, 2 of 3) on one
PostgreSQL database, against the rate-limited fake Discord.

Each process runs the 10 servers of its shard. The limits are Discord's: a bucket per route and channel
(each pair's channel is its own bucket, and a channel belongs to one process), and the global limit of
50 requests/s per bot token, shared by every process. Pairs and channels are seeded directly (profiles
are not needed by the weekly run). The three processes start at the same instant (one identify bucket:
they take turns, 5 s apart), just before the run moment; the clocks then move to it. Measured: from the
run moment to the last message, against the floor the global limit implies for the requests that went
through; every channel checked for exactly one message; 429s counted (each process learns of the
global limit only by hitting it).

Needs PostgreSQL: ``BINOME_BENCH_POSTGRES_URL`` (or ``BINOME_TEST_POSTGRES_URL``); its public schema is
reset. Run from the repository root:
``python -m benchmarks.bench_sharded_weekly [--pairs 3000] [--guilds 30] [--processes 3] [--env KEY=VALUE]``
(``--env`` is given to every process, e.g. a per-process request budget).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_weekly import BEFORE_RUN, GLOBAL_PER_SECOND, RUN_MOMENT, weekly_messages
from bot.db.engine import Database
from bot.db.migrate import upgrade_engine
from bot.db.models import Pair
from bot.settings import normalise_database_url
from fake_discord import FakeDiscord
from tests.conftest import reset_postgres
from tests.e2e.bot_process import BotProcess

WEEKLY_RUN = re.compile(r"^(\S+ \S+) INFO +cogs\.pair\.weekly_run: weekly run \S+ for guild (\d+)", re.M)


def active_pairs(guild_id: int, members: list[int], channels: list[int]) -> list[Pair]:
    """A pair per channel, active for a week: members two by two, the kickoff long done."""
    activated = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    return [
        Pair(
            guild_id=guild_id,
            member_a_id=members[2 * index],
            member_b_id=members[2 * index + 1],
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
        for index, channel_id in enumerate(channels)
    ]


async def seed(database_url: str, guilds: list[tuple[int, list[int], list[int]]]) -> None:
    db = Database(database_url)
    await upgrade_engine(db.engine)
    async with db.session() as session:
        for guild_id, members, channels in guilds:
            session.add_all(active_pairs(guild_id, members, channels))
    await db.close()


async def time_the_run(fake: FakeDiscord, bots: list[BotProcess], channels: list[int], *, timeout: float) -> float:
    """Move every bot's clock to the run moment; seconds until each channel has its weekly message."""
    started = time.monotonic()
    for bot in bots:
        bot.set_time(RUN_MOMENT)
    await fake.wait_for(
        lambda: sum(weekly_messages(fake, c) for c in channels) >= len(channels),
        timeout=timeout,
        description="every weekly message",
    )
    elapsed = time.monotonic() - started
    await asyncio.sleep(3)  # anything posted twice would show up now
    return elapsed


def last_run_line(process: BotProcess) -> float | None:
    """When the process logged its last guild's run (wall clock), from its log."""
    found = WEEKLY_RUN.findall(process.log())
    if not found:
        return None
    stamp = datetime.strptime(found[-1][0], "%Y-%m-%d %H:%M:%S,%f")
    return stamp.timestamp()


async def main(pairs: int, guilds: int, processes: int, extra_env: dict[str, str]) -> None:
    raw_url = os.environ.get("BINOME_BENCH_POSTGRES_URL") or os.environ.get("BINOME_TEST_POSTGRES_URL")
    if not raw_url:
        sys.exit("set BINOME_BENCH_POSTGRES_URL (or BINOME_TEST_POSTGRES_URL): several processes share PostgreSQL")
    database_url = normalise_database_url(raw_url)
    await reset_postgres(database_url)
    per_guild = pairs // guilds
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        fake = FakeDiscord(
            rate_limits=True, global_per_second=GLOBAL_PER_SECOND, shard_count=processes, max_concurrency=1
        )
        async with fake:
            seeded: list[tuple[int, list[int], list[int]]] = []
            for number in range(guilds):
                guild_id = fake.guild_id_on_shard(number % processes, processes)
                guild = fake.add_guild(f"Club {number}", guild_id=guild_id, preferred_locale="fr")
                members = [fake.add_member(guild.id, name=f"g{number}m{i}").id for i in range(2 * per_guild)]
                channels = [fake.add_text_channel(guild.id, f"pair-{i}").id for i in range(per_guild)]
                seeded.append((guild.id, members, channels))
            await seed(database_url, seeded)
            all_channels = [c for _, _, channels in seeded for c in channels]
            bots = []
            for shard in range(processes):
                (workdir / str(shard)).mkdir()
                bot = BotProcess.for_fake(
                    fake,
                    database_url,
                    workdir / str(shard),
                    BINOME_TICK_SECONDS="0.2",
                    SHARD_COUNT=str(processes),
                    SHARD_IDS=str(shard),
                    **extra_env,
                )
                bot.set_time(BEFORE_RUN)
                bots.append(bot)
            cold = time.monotonic()
            await asyncio.gather(*(bot.start(timeout=180) for bot in bots))
            cold_start = time.monotonic() - cold
            try:
                first_request, started_wall = len(fake.requests), time.time()
                elapsed = await time_the_run(fake, bots, all_channels, timeout=900)
                finished = [last_run_line(bot) for bot in bots]
            finally:
                await asyncio.gather(*(bot.stop() for bot in bots))
            counts = [weekly_messages(fake, c) for c in all_channels]
            run_requests = [r for r in fake.requests[first_request:] if r.path.startswith("/channels")]
            stats = fake.stats
            identifies = fake.identifies
    needed = [r for r in run_requests if r.status != 429]
    limited = [r for r in run_requests if r.status == 429]
    floor = max(0, math.ceil(len(needed) / GLOBAL_PER_SECOND) - 1)
    print(f"weekly run for {len(all_channels)} pairs in {guilds} servers by {processes} processes: {elapsed:.1f} s")
    print(f"  limits: global {GLOBAL_PER_SECOND}/s per bot token (shared), 5 messages per 5 s per channel")
    print(f"  requests to channels: {len(needed)} (+{len(limited)} answered 429)")
    print(f"  floor {floor:.1f} s; ratio {elapsed / max(floor, 1):.2f}x")
    print(
        f"  missed: {counts.count(0)}, duplicated: {sum(1 for c in counts if c > 1)}; "
        f"failed requests: {stats.failed}; 429s: {stats.rate_limited} ({stats.rate_limited_global} global)"
    )
    for shard, done in enumerate(finished):
        if done is not None:
            print(f"  process {shard}: its last server's run ended {done - started_wall:.1f} s after the run moment")
    refused = sum(1 for r in identifies if not r.accepted)
    print(f"  cold start, one identify bucket: {cold_start:.1f} s; identifies refused: {refused}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3000)
    parser.add_argument("--guilds", type=int, default=30)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE given to every bot process")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    asyncio.run(main(args.pairs, args.guilds, args.processes, env))
