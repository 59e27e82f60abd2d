"""What the meetings' scheduled check costs at every tick, for 1,000 pairs with an agreed slot.

The pairs, their weekly rows (posted) and their slots are seeded straight into a SQLite database; one
tick's reads are then timed: the agreed slots of the server, the reminder times, and the weeks whose
"did you meet?" nudge is due (the slots end just before the tick). No Discord here: the posting is the
weekly benchmark's business (`bench_weekly`).

Run from the repository root: ``python -m benchmarks.bench_meetings [--pairs N] [--ticks N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import FixedClock
from bot.db.engine import Database
from bot.db.migrate import upgrade_engine
from bot.db.models import Pair, PairSession, PairSlot, PairWeek
from bot.domain.rotation import current_week_start, parse_time_of_day
from bot.domain.slots import end_of, last_occurrence, reminder_due
from bot.services.slots import SlotService, as_weekly

GUILD = 1
WEEK = date(2026, 11, 30)
TICK = datetime(2026, 12, 1, 18, 0, 30, tzinfo=UTC)  # just after Tuesday 18:00 UTC+1 slots end
ZONE = "Europe/Paris"


async def seed(db: Database, pairs: int) -> None:
    start = datetime(2026, 11, 23, 15, tzinfo=UTC)
    async with db.session() as session:
        for index in range(pairs):
            pair = Pair(
                guild_id=GUILD,
                member_a_id=10_000 + 2 * index,
                member_b_id=10_001 + 2 * index,
                status="active",
                origin="round",
                channel_id=50_000 + index,
                created_at=start,
                activated_at=start,
            )
            session.add(pair)
            await session.flush()
            session.add(PairWeek(pair_id=pair.id, guild_id=GUILD, week_start=WEEK, status="posted", posted_at=start))
            if index % 2 == 0:  # half of them logged a session this week: no nudge for them
                session.add(
                    PairSession(
                        pair_id=pair.id,
                        guild_id=GUILD,
                        session_date=WEEK,
                        week_start=WEEK,
                        held=True,
                        created_at=start + timedelta(days=7),
                    )
                )
            session.add(
                PairSlot(
                    pair_id=pair.id,
                    guild_id=GUILD,
                    status="agreed",
                    proposed_by=pair.member_a_id,
                    weekday=1,
                    start_time="17:00" if index % 2 else "18:00",
                    minutes=60,
                    timezone=ZONE,
                    reminder_minutes=60,
                    sequence=0,
                    proposed_at=start,
                    decided_at=start,
                )
            )


async def one_tick(slots: SlotService, now: datetime) -> tuple[int, int]:
    agreed = await slots.agreed_in_guild(GUILD)
    reminders = sum(1 for _, row in agreed if reminder_due(as_weekly(row), row.reminder_minutes, now))
    wanted = {}
    for pair, row in agreed:
        slot = as_weekly(row)
        start = last_occurrence(slot, now)
        if end_of(slot, start) <= now <= end_of(slot, start) + timedelta(days=2):
            wanted[pair.id] = current_week_start(start, 0, parse_time_of_day("09:00"), slot.tz)
    return reminders, len(await slots.weeks_to_nudge(GUILD, wanted))


async def main(pairs: int, ticks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade_engine(db.engine)
        await seed(db, pairs)
        slots = SlotService(db, FixedClock(TICK))
        timings = []
        for _ in range(ticks):
            started = time.perf_counter()
            reminders, nudges = await one_tick(slots, TICK)
            timings.append(time.perf_counter() - started)
        await db.close()
    print(f"meetings tick, {pairs} pairs with a slot (SQLite): {reminders} reminders due, {nudges} nudges due")
    print(f"  median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms over {ticks} ticks")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.pairs, arguments.ticks))
