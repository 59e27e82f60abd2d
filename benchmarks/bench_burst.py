"""Bursts of interactions in flight at once, with 10,000 members: does every one meet Discord's 3 s deadline?

Starts the real bot (`python -m bot`) against the local fake Discord with 10,000 members in one server
(profiles and skills seeded in bulk) and 400 active pairs with their channels, then sends bursts of
N interactions at the same instant — a mix of what members do: `/mentoring profile` (their own, or
another member's), `/mentoring join` (the form's menus), `pause`/`resume`, `my-data`, and `/pair week`
in their pair's channel — and waits for every answer. For each interaction: the time from the fake
sending INTERACTION_CREATE to the bot's acknowledgement (what Discord's deadline is about), whether the
deadline was missed (the fake, like Discord, refuses a callback after 3 s: 10062), and the time until the
member has the final answer (an acknowledgement may be a "thinking…" state first). Each level is run
`--bursts` times; the summary is the median over the bursts. Targets: no deadline missed.

Run from the repository root: ``python -m benchmarks.bench_burst [--in-flight 20,100] [--bursts 5]
[--members 10000] [--database-url postgresql://...]``. ``BINOME_BENCH_PROFILE=/tmp/bot.prof`` profiles
the bot process. The machine's load is printed with the figures: on a shared 2-core machine they are
rough (the fake Discord, the benchmark and the bot share the cores with whatever else runs).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botrun import BenchBot
from benchmarks.procstat import cpu_seconds, load, median, percentile
from benchmarks.seeding import Community, fresh_database
from fake_discord import FakeDiscord
from fake_discord.interactions import MODAL, Interaction

DEADLINE = 3.0
PAIRS = 400
MIX = (  # (kind, weight)
    ("profile", 35),
    ("profile-other", 10),
    ("join", 15),
    ("pause-resume", 10),
    ("my-data", 5),
    ("pair-week", 25),
)


@dataclass
class Burst:
    in_flight: int
    acks: list[float] = field(default_factory=list)  # seconds, acknowledged interactions
    answers: list[float] = field(default_factory=list)  # seconds until the final answer
    missed: int = 0  # refused as too late (10062) or never acknowledged
    deferred: int = 0
    by_kind: Counter = field(default_factory=Counter)
    bot_cpu: float = 0.0  # seconds of CPU the bot used for the burst
    load: str = ""


class Driver:
    def __init__(self, fake: FakeDiscord, community: Community, seed: int = 1) -> None:
        self.fake = fake
        self.guild = community.guilds[0]
        self.rng = random.Random(seed)
        self.paused: set[int] = set()

    async def send(self, kind: str) -> Interaction:
        """Send one interaction of `kind` (returns at once: nothing in it waits for the bot)."""
        fake, guild, rng = self.fake, self.guild, self.rng
        member = rng.choice(guild.members)
        if kind == "profile":
            return await fake.slash_command(guild.id, member, "mentoring", subcommand="profile")
        if kind == "profile-other":
            other = {"member": rng.choice(guild.members)}
            return await fake.slash_command(guild.id, member, "mentoring", subcommand="profile", options=other)
        if kind == "join":
            return await fake.slash_command(guild.id, member, "mentoring", subcommand="join")
        if kind == "pause-resume":
            action = "resume" if member in self.paused else "pause"
            self.paused ^= {member}
            return await fake.slash_command(guild.id, member, "mentoring", subcommand=action)
        if kind == "my-data":
            return await fake.slash_command(guild.id, member, "mentoring", subcommand="my-data")
        a, b, channel = rng.choice(guild.pairs)
        return await fake.slash_command(guild.id, rng.choice((a, b)), "pair", subcommand="week", channel_id=channel)

    def mix(self, count: int) -> list[str]:
        kinds, weights = zip(*MIX, strict=True)
        return self.rng.choices(kinds, weights, k=count)


async def settle(fake: FakeDiscord, interaction: Interaction) -> tuple[float | None, float | None]:
    """(seconds to acknowledge, seconds to the final answer); None, None when the deadline was missed."""
    sent = interaction.sent_at
    await fake.wait_for(lambda: interaction.callback or interaction.rejected, timeout=60, description="an answer")
    if interaction.callback is None:
        return None, None
    ack = interaction.latency
    if interaction.callback.type == MODAL:
        return ack, ack
    await interaction.final_message(timeout=60)
    return ack, time.monotonic() - sent


async def burst(driver: Driver, in_flight: int, bot_pid: int) -> Burst:
    kinds = driver.mix(in_flight)
    cpu = cpu_seconds(bot_pid)
    interactions = [await driver.send(kind) for kind in kinds]  # all at the same instant
    results = await asyncio.gather(*(settle(driver.fake, i) for i in interactions))
    outcome = Burst(in_flight, bot_cpu=cpu_seconds(bot_pid) - cpu, load=load())
    for kind, interaction, (ack, answer) in zip(kinds, interactions, results, strict=True):
        outcome.by_kind[kind] += 1
        if ack is None or ack > DEADLINE:
            outcome.missed += 1
            continue
        outcome.acks.append(ack)
        outcome.answers.append(answer)
        outcome.deferred += interaction.callback.deferred
    return outcome


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}" if values else "-"


async def main(levels: list[int], bursts: int, members: int, database: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = await fresh_database(database, workdir)
        async with FakeDiscord() as fake:
            bot = BenchBot.for_fake(fake, database_url, workdir)
            await bot.migrate()
            started = time.perf_counter()
            community = await Community.build(fake, database_url, guilds=1, members=members, pairs=PAIRS)
            print(f"seeded {members:,} members and {PAIRS} pairs in {time.perf_counter() - started:.1f} s")
            await bot.start(timeout=180)
            driver = Driver(fake, community)
            try:
                for kind, _ in MIX:  # warm-up: imports, prepared statements, caches
                    for _ in range(5):
                        await settle(fake, await driver.send(kind))
                results: dict[int, list[Burst]] = {}
                for level in levels:
                    results[level] = []
                    for _ in range(bursts):
                        results[level].append(await burst(driver, level, bot.pid))
                        await asyncio.sleep(1.0)
            finally:
                await bot.stop()
    backend = "PostgreSQL" if database else "SQLite"
    print(f"bursts of interactions in flight at once, {members:,} members, {backend} (deadline {DEADLINE:g} s)")
    for level, runs in results.items():
        for number, run in enumerate(runs, start=1):
            print(
                f"  {level:>3} in flight, burst {number}: ack p50 {ms(run.acks, 50)} / p95 {ms(run.acks, 95)} / "
                f"p99 {ms(run.acks, 99)} / max {ms(run.acks, 100)} ms; answered p50 {ms(run.answers, 50)} / "
                f"p95 {ms(run.answers, 95)} / p99 {ms(run.answers, 99)} ms; deferred {run.deferred}; "
                f"missed {run.missed}; bot CPU {run.bot_cpu * 1000 / level:.1f} ms each; {run.load}"
            )
        p = {q: median([percentile(r.acks, q) * 1000 for r in runs if r.acks]) for q in (50, 95, 99)}
        a = {q: median([percentile(r.answers, q) * 1000 for r in runs if r.answers]) for q in (50, 95, 99)}
        missed = sum(r.missed for r in runs)
        print(
            f"{level} in flight, median of {len(runs)} bursts: acknowledged p50 {p[50]:.0f} ms, p95 {p[95]:.0f} ms, "
            f"p99 {p[99]:.0f} ms; final answer p50 {a[50]:.0f} ms, p95 {a[95]:.0f} ms, p99 {a[99]:.0f} ms; "
            f"deadline missed {missed} of {level * len(runs)} (target 0)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-flight", default="20,100", help="comma-separated burst sizes")
    parser.add_argument("--bursts", type=int, default=5, help="bursts per size")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (emptied first); default SQLite")
    args = parser.parse_args()
    asyncio.run(main([int(n) for n in args.in_flight.split(",")], args.bursts, args.members, args.database_url))
