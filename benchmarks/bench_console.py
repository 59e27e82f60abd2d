"""The moderators' console on a large server: `pairs`, `stats` (with its chart) and `export` with
5,000 pairs and 100,000 sessions.

Starts the real bot (`python -m bot`) against the local fake Discord with 10,000 members, seeds the
database directly, then runs each command twice (the first run pays for first-time imports and
caches). For each run it prints the time to the defer (the interaction callback), the time until
the answer is complete, and the bot's resident memory before the command and at its peak during
the command (sampled from /proc every 5 ms, and the kernel's high-water mark, reset before each
command). Targets: each answers in ≤ 5 s and adds ≤ 50 MB to the bot's resident memory.

Run from the repository root: ``python -m benchmarks.bench_console [--pairs N] [--sessions N]
[--database-url URL]`` (SQLite in a temporary directory by default). Figures depend on the machine:
run it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bot.db.engine import Database
from bot.db.models import Charter, GuildSettings, MemberProfile, MemberSkill, Pair, PairFeedback, PairSession
from bot.db.repositories.guilds import skill_catalogue
from bot.domain.rotation import week_of
from fake_discord import FakeDiscord
from tests.conftest import reset_postgres
from tests.e2e.bot_process import BotProcess

NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
TARGET_SECONDS = 5.0
TARGET_MB = 50.0
CHUNK = 5000


async def seed(database_url: str, guild_id: int, users: list[int], pair_count: int, session_count: int) -> None:
    rng = random.Random(8)
    db = Database(database_url)
    start = NOW - timedelta(weeks=26)
    async with db.session() as session:
        session.add(GuildSettings(guild_id=guild_id, created_at=start, updated_at=start))
        await session.flush()
        skills = await skill_catalogue(session, guild_id)
        profiles = [
            {
                "guild_id": guild_id,
                "user_id": uid,
                "status": "active" if rng.random() < 0.9 else "paused",
                "languages": ["fr"],
                "timezone": "America/Toronto",
                "city": "Montréal",
                "in_person_ok": True,
                "availability": "soirs",
                "bio": "Bio " * 20,
                "objectives": "Objectifs " * 20,
                "queue_priority": 0,
                "joined_at": start,
                "updated_at": start,
            }
            for uid in users
        ]
        for index in range(0, len(profiles), CHUNK):
            await session.execute(insert(MemberProfile), profiles[index : index + CHUNK])
        ids = [row[0] for row in await session.execute(select(MemberProfile.id))]
        skill_rows = [
            {"profile_id": pid, "skill_id": skill.id, "direction": direction}
            for pid in ids
            for skill, direction in zip(rng.sample(skills, 4), ("teach", "teach", "learn", "learn"), strict=True)
        ]
        for index in range(0, len(skill_rows), CHUNK):
            await session.execute(insert(MemberSkill), skill_rows[index : index + CHUNK])
        pairs = []
        for n in range(pair_count):
            activated = start + timedelta(days=rng.randrange(0, 170), hours=rng.randrange(24))
            ended = n % 5 == 0
            pairs.append(
                {
                    "guild_id": guild_id,
                    "member_a_id": users[2 * n],
                    "member_b_id": users[2 * n + 1],
                    "status": "ended" if ended else "active",
                    "origin": "round",
                    "a_teaches_b": ["seo"],
                    "b_teaches_a": ["finance"],
                    "created_at": activated,
                    "activated_at": activated,
                    "ended_at": min(activated + timedelta(days=rng.randrange(20, 120)), NOW) if ended else None,
                    "first_meeting_planned_at": activated if rng.random() < 0.7 else None,
                }
            )
        for index in range(0, len(pairs), CHUNK):
            await session.execute(insert(Pair), pairs[index : index + CHUNK])
        stored = (await session.execute(select(Pair.id, Pair.member_a_id, Pair.member_b_id, Pair.activated_at))).all()
        charters = [
            {
                "pair_id": pid,
                "objectives_a": "objectifs privés",
                "shared_goal": "objectif commun",
                "signed_a_at": activated,
                "signed_b_at": activated if rng.random() < 0.8 else None,
                "updated_at": activated,
            }
            for pid, _, _, activated in stored
            if rng.random() < 0.85
        ]
        for index in range(0, len(charters), CHUNK):
            await session.execute(insert(Charter), charters[index : index + CHUNK])
        rows = []
        for k in range(session_count):
            pid, a, b, activated = stored[k % len(stored)]
            day = min(activated.date() + timedelta(days=rng.randrange(0, 180)), NOW.date())
            held = rng.random() < 0.9
            rows.append(
                {
                    "pair_id": pid,
                    "guild_id": guild_id,
                    "session_date": day,
                    "week_start": week_of(day, 0),
                    "held": held,
                    "mode": "video",
                    "minutes": 60,
                    "led_by": (a if rng.random() < 0.55 else b) if held else None,
                    "logged_by": a,
                    "note": "note privée " * 5,
                    "created_at": NOW,
                }
            )
            if len(rows) == CHUNK:
                await session.execute(insert(PairSession), rows)
                rows = []
        if rows:
            await session.execute(insert(PairSession), rows)
        feedback = [
            {"pair_id": pid, "guild_id": guild_id, "user_id": a, "rating": rng.randint(1, 5), "created_at": NOW}
            for pid, a, _, _ in stored[::5]
        ]
        await session.execute(insert(PairFeedback), feedback)
    await db.close()


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Reset the kernel's resident high-water mark (VmHWM) of the process (Linux ≥ 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


async def measure(fake: FakeDiscord, bot: BotProcess, guild_id: int, user_id: int, subcommand: str) -> dict:
    pid = bot.process.pid
    await asyncio.sleep(0.5)  # let the previous command's tail settle
    hwm_reset = reset_peak(pid)
    before = rss_kb(pid)
    peak = before
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    interaction = await fake.slash_command(guild_id, user_id, "mentoring-admin", subcommand=subcommand, locale="fr")
    message = await interaction.final_message(timeout=120)
    elapsed = time.perf_counter() - started
    done.set()
    await sampler
    peak = max(peak, rss_kb(pid), rss_kb(pid, "VmHWM") if hwm_reset else 0)
    return {
        "defer_ms": interaction.latency * 1000,
        "answer_s": elapsed,
        "before_mb": before / 1024,
        "added_mb": (peak - before) / 1024,
        "attachments": [(a.filename, a.size) for a in message.attachments],
        "text": message.text,
    }


async def main(pair_count: int, session_count: int, database_url: str | None, commands: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if database_url:
            await reset_postgres(database_url)
        url = database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench", preferred_locale="fr")
            fake.add_text_channel(guild.id, "general")
            owner = fake.member(guild.id, guild.owner_id)
            started = time.perf_counter()
            users = [fake.add_member(guild.id, name=f"member{i}", locale="fr").id for i in range(2 * pair_count)]
            bot = BotProcess.for_fake(fake, url, workdir, BINOME_TICK_SECONDS="3600")
            bot.set_time(NOW.isoformat())
            await bot.migrate()
            await seed(url, guild.id, users, pair_count, session_count)
            print(f"seeded {pair_count:,} pairs, {session_count:,} sessions, {len(users):,} members "
                  f"in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")  # fmt: skip
            await bot.start(timeout=180)
            results: dict[str, list[dict]] = {}
            try:
                for subcommand in commands:
                    results[subcommand] = [await measure(fake, bot, guild.id, owner.id, subcommand) for _ in range(2)]
                for line in bot.log(since_start=True).splitlines():
                    if "export of guild" in line:
                        print("  bot log:", line.split(" - ")[-1] if " - " in line else line)
            finally:
                await bot.stop()
    print(f"/mentoring-admin on {pair_count:,} pairs and {session_count:,} sessions (first run, then second):")
    worst_time = worst_memory = 0.0
    for subcommand, runs in results.items():
        for number, run in enumerate(runs, start=1):
            files = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in run["attachments"])
            print(
                f"  {subcommand:7} run {number}: defer {run['defer_ms']:6.1f} ms · answer {run['answer_s']:5.2f} s · "
                f"RSS {run['before_mb']:6.1f} MB + {run['added_mb']:5.1f} MB at peak" + (f" · {files}" if files else "")
            )
            worst_time = max(worst_time, run["answer_s"])
            worst_memory = max(worst_memory, run["added_mb"])
    print(f"  target ≤ {TARGET_SECONDS:g} s each: {'met' if worst_time <= TARGET_SECONDS else 'NOT met'} "
          f"(worst {worst_time:.2f} s)")  # fmt: skip
    print(f"  target ≤ {TARGET_MB:g} MB added each: {'met' if worst_memory <= TARGET_MB else 'NOT met'} "
          f"(worst {worst_memory:.1f} MB)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (emptied first); default SQLite")
    parser.add_argument(
        "--commands", nargs="+", default=["pairs", "stats", "export"], choices=["pairs", "stats", "export"]
    )
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.sessions, args.database_url, args.commands))
