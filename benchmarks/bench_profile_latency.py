"""Round-trip latency of `/mentoring profile` with 10,000 members in the database.

Starts the real bot (`python -m bot`) against the local fake Discord, seeds 10,000 profiles, then
sends `/mentoring profile` interactions one after another and measures, for each, the time from
the fake sending INTERACTION_CREATE to it receiving the bot's callback. Target: p99 ≤ 100 ms.

Run from the repository root: ``python -m benchmarks.bench_profile_latency [--members N] [--requests N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from benchmarks.seeding import profile_row
from bot.db.engine import Database
from bot.db.models import GuildSettings, MemberProfile, MemberSkill
from bot.db.repositories.guilds import skill_catalogue
from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess


async def seed(database_url: str, guild_id: int, user_ids: list[int]) -> None:
    """Bulk-insert realistic profiles (2–3 skills each way) straight into the migrated database."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    db = Database(database_url)
    async with db.session() as session:
        session.add(GuildSettings(guild_id=guild_id, created_at=now, updated_at=now))
        await session.flush()
        skills = await skill_catalogue(session, guild_id)
        web = [s.id for s in skills if s.side == "web"]
        business = [s.id for s in skills if s.side == "business"]
        await session.execute(
            insert(MemberProfile),
            [profile_row(guild_id, uid, now) for uid in user_ids],
        )
        ids = (await session.execute(select(MemberProfile.id, MemberProfile.user_id))).all()
        rows = []
        for profile_id, _ in ids:
            teach, learn = (web, business) if rng.random() < 0.5 else (business, web)
            rows += [{"profile_id": profile_id, "skill_id": s, "direction": "teach"} for s in rng.sample(teach, 3)]
            rows += [{"profile_id": profile_id, "skill_id": s, "direction": "learn"} for s in rng.sample(learn, 2)]
        await session.execute(insert(MemberSkill), rows)
    await db.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def main(members: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench", preferred_locale="fr")
            fake.add_text_channel(guild.id, "general")
            started = time.perf_counter()
            users = [fake.add_member(guild.id, name=f"member{i}", locale="fr").id for i in range(members)]
            bot = BotProcess.for_fake(fake, database_url, workdir)
            await bot.migrate()
            await seed(database_url, guild.id, users)
            print(f"seeded {members:,} members in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            await bot.start(timeout=120)
            print(f"bot ready in {time.perf_counter() - started:.1f} s (guild of {members:,} members)")
            try:
                rng = random.Random(1)
                for _ in range(20):  # warm-up: imports, prepared statements, caches
                    interaction = await fake.slash_command(
                        guild.id, rng.choice(users), "mentoring", subcommand="profile"
                    )
                    await interaction.response()
                latencies = []
                for _ in range(requests):
                    interaction = await fake.slash_command(
                        guild.id, rng.choice(users), "mentoring", subcommand="profile"
                    )
                    reply = await interaction.response()
                    assert reply.embeds, "the profile was not shown"
                    latencies.append(interaction.latency * 1000)
            finally:
                await bot.stop()
    print(f"/mentoring profile round trip over {requests:,} requests, {members:,} members in the database:")
    print(
        f"  p50 {percentile(latencies, 50):.1f} ms   p95 {percentile(latencies, 95):.1f} ms   "
        f"p99 {percentile(latencies, 99):.1f} ms   max {max(latencies):.1f} ms   "
        f"mean {statistics.fmean(latencies):.1f} ms"
    )
    print(f"  target p99 ≤ 100 ms: {'met' if percentile(latencies, 99) <= 100 else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.requests))
