"""Launching 200 pairs (channels + kickoffs) against the rate-limited fake Discord, under its default limits.

Seeds 400 onboarded members, runs `/mentoring-admin match`, clicks Confirm, and times the launch
until the summary says every pair was created. The floor is the least time the enforced limits
allow: the channel-creation bucket (channels + overflow categories, one bucket per guild) and the
global limit over every request the launch made. Target: ≤ 1.2× the floor, no global 429, zero
failed requests. Each run is a fresh fake, database and bot; the summary is the median of the runs.

**The channel-creation limit.** Discord does not document the bucket of `POST /guilds/{id}/channels`
(it only announced, in August 2022, a cap of 500 channel creations per guild per day, which a round
cannot pass anyway: 500 channels per guild). The fake's default, `fake_discord.ratelimit.
DEFAULT_ROUTE_LIMITS`, models it like Discord's documented per-resource write buckets (5 messages per
5 s per channel): 5 creations per 5 s per guild, about one channel per second. That is a deliberately
cautious guess: discord.py follows the `X-RateLimit-*` headers Discord really sends, so a looser real
bucket only makes a launch faster, and the progress message's estimate follows the observed pace after
the first pairs. With it, 200 pairs take a little over 3 minutes (the launch's progress message says so).
``--channel-limit 10/2`` replays the earlier, five-times-looser assumption.

Run from the repository root: ``python -m benchmarks.bench_kickoff [--pairs N] [--runs N]
[--channel-limit 5/5]``. The machine's load is printed with the figures.
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
from fake_discord import FakeDiscord
from fake_discord.ratelimit import DEFAULT_ROUTE_LIMITS
from tests.e2e.helpers import component_id, seed_profiles

CHANNELS_ROUTE = "POST /guilds/{guild_id}/channels"
GLOBAL_PER_SECOND = 50


@dataclass
class Run:
    elapsed: float
    floor: float
    route_floor: float
    global_floor: float
    requests: int
    channel_posts: int
    categories: int
    kickoffs: int
    failed: int
    rate_limited: int
    global_429s: int
    first_progress: str
    bot_cpu: float
    load: str

    @property
    def ratio(self) -> float:
        return self.elapsed / self.floor if self.floor else math.nan


async def one_run(pairs: int, channel_limit: tuple[int, float] | None) -> Run:
    limits = {CHANNELS_ROUTE: channel_limit} if channel_limit else None
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord(rate_limits=True, global_per_second=GLOBAL_PER_SECOND, route_limits=limits) as fake:
            guild = fake.add_guild("Bench", preferred_locale="fr")
            general = fake.add_text_channel(guild.id, "general")
            owner = fake.member(guild.id, guild.owner_id)
            members = [fake.add_member(guild.id, name=f"m{i}").id for i in range(2 * pairs)]
            bot = BenchBot.for_fake(fake, database_url, workdir)
            await bot.migrate()
            await seed_profiles(database_url, guild.id, members)
            await bot.start(timeout=60)
            try:
                command = await fake.slash_command(
                    guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id
                )
                message = await command.final_message(timeout=30)
                first_request = len(fake.requests)
                cpu = cpu_seconds(bot.pid)
                started = time.monotonic()
                await fake.click(message, component_id(message, ":confirm:0"), owner.id)
                summary = f"{pairs}/{pairs} pairs created" if pairs != 1 else "1/1 pair created"
                await fake.wait_for(
                    lambda: summary in fake.message(message.id).text, timeout=3600, description="every pair launched"
                )
                elapsed = time.monotonic() - started
                bot_cpu = cpu_seconds(bot.pid) - cpu
                measured_under = load()
            finally:
                await bot.stop()
            versions = [snapshot.get("content") or "" for snapshot in fake.message(message.id).history]
            progress = [text for text in versions if text.startswith("Creating the pair channels… 0/")]
            launch_requests = fake.requests[first_request:]
            channel_posts = [r for r in launch_requests if r.method == "POST" and r.route == CHANNELS_ROUTE]
            global_counted = [r for r in launch_requests if not r.path.startswith(("/interactions", "/webhooks"))]
            route_floor = fake.ratelimiter.floor_seconds(CHANNELS_ROUTE, len(channel_posts))
            global_floor = max(0, math.ceil(len(global_counted) / GLOBAL_PER_SECOND) - 1)
            kickoffs = sum(1 for c in fake.channels(guild.id, type=0) for m in fake.messages(c.id) if m.components)
            stats = fake.stats
            return Run(
                elapsed=elapsed,
                floor=max(route_floor, global_floor),
                route_floor=route_floor,
                global_floor=global_floor,
                requests=len(launch_requests),
                channel_posts=len(channel_posts),
                categories=len(fake.channels(guild.id, type=4)),
                kickoffs=kickoffs,
                failed=stats.failed,
                rate_limited=stats.rate_limited,
                global_429s=stats.rate_limited_global,
                first_progress=progress[0] if progress else "(no progress message seen)",
                bot_cpu=bot_cpu,
                load=measured_under,
            )


async def main(pairs: int, runs: int, channel_limit: tuple[int, float] | None) -> None:
    limit, per = channel_limit or DEFAULT_ROUTE_LIMITS[CHANNELS_ROUTE]
    origin = "overridden" if channel_limit else "the fake's default"
    print(f"launch of {pairs} pairs in one server")
    print(f"  limits: channel creation {limit} per {per:g} s per guild ({origin}), global {GLOBAL_PER_SECOND}/s")
    results = []
    for number in range(1, runs + 1):
        run = await one_run(pairs, channel_limit)
        results.append(run)
        print(
            f"  run {number}: {run.elapsed:.1f} s, floor {run.floor:.0f} s (channel bucket {run.route_floor:.0f} s, "
            f"global {run.global_floor:.0f} s), ratio {run.ratio:.2f}x; {run.requests} requests "
            f"({run.channel_posts} channel creations incl. {run.categories} categories); kickoffs {run.kickoffs}/"
            f"{pairs}; failed {run.failed}; 429s {run.rate_limited} ({run.global_429s} global); "
            f"bot CPU {run.bot_cpu:.1f} s; {run.load}"
        )
    print(f"  first progress message: {results[0].first_progress!r}")
    elapsed = median([r.elapsed for r in results])
    print(
        f"median of {runs}: {elapsed:.1f} s ({elapsed / 60:.1f} min) for {pairs} pairs, ratio to the floor "
        f"{median([r.ratio for r in results]):.2f}x (target ≤ 1.2x), global 429s "
        f"{median([r.global_429s for r in results]):g} (target 0), failed {sum(r.failed for r in results)}"
    )


def parse_limit(text: str) -> tuple[int, float]:
    count, _, seconds = text.partition("/")
    return int(count), float(seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--channel-limit",
        type=parse_limit,
        default=None,
        help="override the fake's channel-creation bucket, e.g. 10/2 (10 per 2 s); default: the fake's own",
    )
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.runs, args.channel_limit))
