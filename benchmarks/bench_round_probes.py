"""Does the bot keep answering during the biggest matching round?

Starts the real bot (``python -m bot``) against the local fake Discord with ``--members`` profiles
(a synthetic community from ``benchmarks.population``, default 20,000), has the server owner run
``/mentoring-admin match``, and while the round is computed sends ``/mentoring profile`` probes
from other members every ``--interval`` seconds, measuring each probe's round trip (from the fake
sending INTERACTION_CREATE to the bot's callback). Targets: every probe answered, p99 ≤ 500 ms.

Run from the repository root: ``python -m benchmarks.bench_round_probes [--members N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from benchmarks.bench_profile_latency import percentile
from benchmarks.population import community
from bot.db.engine import Database
from bot.db.models import GuildSettings, MemberProfile, MemberSkill
from bot.db.repositories.guilds import skill_catalogue
from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess

ZONES = {60: "Europe/Paris", -300: "America/Toronto", 0: "Africa/Dakar", 240: "Indian/Reunion", None: "Europe/Paris"}


async def seed(database_url: str, guild_id: int, user_ids: list[int]) -> None:
    """The synthetic community's profiles, bulk-inserted into the migrated database."""
    people = community(len(user_ids), 12, seed=3)
    now = datetime.now(UTC)
    db = Database(database_url)
    async with db.session() as session:
        session.add(GuildSettings(guild_id=guild_id, created_at=now, updated_at=now))
        await session.flush()
        skill_id = {s.key: s.id for s in await skill_catalogue(session, guild_id)}
        await session.execute(
            insert(MemberProfile),
            [
                {
                    "guild_id": guild_id,
                    "user_id": uid,
                    "status": "active",
                    "languages": sorted(c.languages),
                    "timezone": ZONES.get(c.utc_offset_minutes, "Europe/Paris"),
                    "city": c.city,
                    "in_person_ok": c.in_person_ok,
                    "queue_priority": c.priority,
                    "joined_at": now,
                    "updated_at": now,
                }
                for uid, c in zip(user_ids, people, strict=True)
            ],
        )
        profile_of = dict((await session.execute(select(MemberProfile.user_id, MemberProfile.id))).all())
        rows = [
            {"profile_id": profile_of[uid], "skill_id": skill_id[key], "direction": direction}
            for uid, c in zip(user_ids, people, strict=True)
            for direction, keys in (("teach", c.teaches), ("learn", c.learns))
            for key in keys
        ]
        await session.execute(insert(MemberSkill), rows)
    await db.close()


async def main(members: int, interval: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench", preferred_locale="fr")
            general = fake.add_text_channel(guild.id, "general")
            owner = fake.member(guild.id, guild.owner_id)
            started = time.perf_counter()
            users = [fake.add_member(guild.id, name=f"member{i}", locale="fr").id for i in range(members)]
            bot = BotProcess.for_fake(fake, database_url, workdir)
            await bot.migrate()
            await seed(database_url, guild.id, users)
            print(f"seeded {members:,} members in {time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.2f}")
            await bot.start(timeout=180)
            rng = random.Random(1)
            try:
                for _ in range(10):  # warm-up
                    probe = await fake.slash_command(guild.id, rng.choice(users), "mentoring", subcommand="profile")
                    await probe.response()
                started = time.perf_counter()
                command = await fake.slash_command(
                    guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id, locale="fr"
                )
                round_done = asyncio.ensure_future(command.final_message(timeout=600))
                probes = []
                while not round_done.done():
                    probe = await fake.slash_command(guild.id, rng.choice(users), "mentoring", subcommand="profile")
                    probes.append(probe)
                    await asyncio.sleep(interval)
                message = await round_done
                round_seconds = time.perf_counter() - started
                answered = []
                for probe in probes:
                    try:
                        await probe.response(timeout=10)
                        answered.append(probe.latency * 1000)
                    except Exception:  # a probe never answered counts as missed
                        pass
            finally:
                await bot.stop()
    footer = message.embeds[0].get("footer", {}).get("text", "") if message.embeds else "no embed"
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"round of {members:,} members previewed in {round_seconds:.1f} s ({footer})")
    print(f"probes sent during the round: {len(probes)}, answered: {len(answered)}")
    if answered:
        print(
            f"  p50 {percentile(answered, 50):.0f} ms   p95 {percentile(answered, 95):.0f} ms   "
            f"p99 {percentile(answered, 99):.0f} ms   max {max(answered):.0f} ms"
        )
        met = len(answered) == len(probes) and percentile(answered, 99) <= 500
        print(f"  target (all answered, p99 ≤ 500 ms): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.interval))
