"""The pair's weekly slot: proposed by one member, agreed by the other; its reminders and invite.

No Discord here. Every change of state is one conditional UPDATE (or a row locked for update), so two
clicks racing, or two processes, decide it once: a proposal is accepted once, expires once, and a
pair never has two agreed slots.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberProfile, Pair, PairSession, PairSlot, PairWeek
from bot.db.repositories.pairs import ACTIVE, ENDED
from bot.db.repositories.profiles import PAUSED
from bot.domain.slots import DEFAULT_REMINDER, Refusal, WeeklySlot, slot_problem
from bot.services.weekly import POSTED

PROPOSED, AGREED, REPLACED, SUPERSEDED, EXPIRED, ENDED_SLOT = (
    "proposed",
    "agreed",
    "replaced",
    "superseded",
    "expired",
    "ended",
)
PROPOSAL_LIFETIME = timedelta(days=7)


class AcceptOutcome(enum.Enum):
    AGREED = "agreed"
    OWN_PROPOSAL = "own_proposal"
    EXPIRED = "expired"
    GONE = "gone"  # replaced by a newer proposal, or already accepted


@dataclass(frozen=True, slots=True)
class Accepted:
    outcome: AcceptOutcome
    slot: PairSlot | None
    previous: PairSlot | None = None  # the agreed slot this one replaces


def as_weekly(row: PairSlot) -> WeeklySlot:
    hours, minutes = row.start_time.split(":")
    return WeeklySlot(row.weekday, time(int(hours), int(minutes)), row.minutes, row.timezone)


def slot_key(kind: str, slot_id: int, extra: str = "") -> str:
    """Exactly-once keys (bot.services.claims): "slot-invite:12", "slot-reminder:12:2026-12-01T17:00"..."""
    return f"slot-{kind}:{slot_id}" + (f":{extra}" if extra else "")


class SlotService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def propose(
        self, pair: Pair, user_id: int, slot: WeeklySlot, reminder: int | None = None
    ) -> PairSlot | Refusal:
        """A new proposal (replacing a pending one); refused when its zone skips or repeats the time."""
        now = self._clock.now()
        refusal = slot_problem(slot, now.astimezone(slot.tz).date())
        if refusal is not None:
            return refusal
        async with self._db.session() as session:
            await session.execute(
                update(PairSlot)
                .where(PairSlot.pair_id == pair.id, PairSlot.status == PROPOSED)
                .values(status=SUPERSEDED, decided_at=now)
            )
            current = await self._agreed(session, pair.id)
            row = PairSlot(
                pair_id=pair.id,
                guild_id=pair.guild_id,
                status=PROPOSED,
                proposed_by=user_id,
                weekday=slot.weekday,
                start_time=slot.at.strftime("%H:%M"),
                minutes=slot.minutes,
                timezone=slot.zone,
                reminder_minutes=reminder
                if reminder is not None
                else current.reminder_minutes
                if current
                else DEFAULT_REMINDER,
                sequence=0,
                proposed_at=now,
            )
            session.add(row)
            await session.flush()
            return row

    async def set_message(self, slot_id: int, message_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(update(PairSlot).where(PairSlot.id == slot_id).values(message_id=message_id))

    async def get(self, slot_id: int) -> PairSlot | None:
        async with self._db.session() as session:
            return await session.get(PairSlot, slot_id)

    async def accept(self, pair: Pair, slot_id: int, user_id: int) -> Accepted:
        now = self._clock.now()
        async with self._db.session() as session:
            row = await session.get(PairSlot, slot_id, with_for_update=True)
            if row is None or row.pair_id != pair.id:
                return Accepted(AcceptOutcome.GONE, None)
            if row.status == EXPIRED or (row.status == PROPOSED and row.proposed_at + PROPOSAL_LIFETIME <= now):
                row.status, row.decided_at = EXPIRED, row.decided_at or now
                return Accepted(AcceptOutcome.EXPIRED, row)
            if row.status != PROPOSED:
                return Accepted(AcceptOutcome.GONE, row)
            if row.proposed_by == user_id:
                return Accepted(AcceptOutcome.OWN_PROPOSAL, row)
            previous = await self._agreed(session, pair.id)
            if previous is not None:
                previous.status, previous.decided_at = REPLACED, now
            # The invite keeps the pair's UID; each agreed slot (and the final cancellation) is one more SEQUENCE.
            row.sequence = await self._next_sequence(session, pair.id)
            row.status, row.decided_at = AGREED, now
            return Accepted(AcceptOutcome.AGREED, row, previous)

    async def _next_sequence(self, session, pair_id: int) -> int:
        highest = await session.scalar(
            select(func.max(PairSlot.sequence)).where(
                PairSlot.pair_id == pair_id, PairSlot.status.in_((AGREED, REPLACED, ENDED_SLOT))
            )
        )
        return 0 if highest is None else highest + 1

    @staticmethod
    async def _agreed(session, pair_id: int) -> PairSlot | None:
        query = select(PairSlot).where(PairSlot.pair_id == pair_id, PairSlot.status == AGREED)
        return (await session.scalars(query.order_by(PairSlot.id.desc()).limit(1))).first()

    async def agreed(self, pair_id: int) -> PairSlot | None:
        async with self._db.session() as session:
            return await self._agreed(session, pair_id)

    async def pending(self, pair_id: int) -> PairSlot | None:
        async with self._db.session() as session:
            query = select(PairSlot).where(PairSlot.pair_id == pair_id, PairSlot.status == PROPOSED)
            return (await session.scalars(query.order_by(PairSlot.id.desc()).limit(1))).first()

    async def set_reminder(self, pair_id: int, minutes: int) -> PairSlot | None:
        """The pair's reminder lead (0: none), on its agreed slot and on a pending proposal."""
        async with self._db.session() as session:
            await session.execute(
                update(PairSlot)
                .where(PairSlot.pair_id == pair_id, PairSlot.status.in_((AGREED, PROPOSED)))
                .values(reminder_minutes=minutes)
            )
            return await self._agreed(session, pair_id)

    async def agreed_in_guild(self, guild_id: int) -> list[tuple[Pair, PairSlot]]:
        """The agreed slot of every active pair of the guild whose members are not paused."""
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(Pair, PairSlot)
                    .join(PairSlot, PairSlot.pair_id == Pair.id)
                    .where(Pair.guild_id == guild_id, Pair.status == ACTIVE, PairSlot.status == AGREED)
                    .order_by(Pair.id)
                )
            ).all()
            paused = set(
                (
                    await session.scalars(
                        select(MemberProfile.user_id).where(
                            MemberProfile.guild_id == guild_id, MemberProfile.status == PAUSED
                        )
                    )
                ).all()
            )
        return [(pair, slot) for pair, slot in rows if not paused & set(pair.members())]

    async def slotted_pairs(self, guild_id: int) -> set[int]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(PairSlot.pair_id).where(PairSlot.guild_id == guild_id, PairSlot.status == AGREED)
            )
            return set(rows.all())

    async def expired_proposals(self, guild_id: int, now: datetime) -> list[PairSlot]:
        async with self._db.session() as session:
            query = select(PairSlot).where(
                PairSlot.guild_id == guild_id,
                PairSlot.status == PROPOSED,
                PairSlot.proposed_at <= now - PROPOSAL_LIFETIME,
            )
            return list((await session.scalars(query.order_by(PairSlot.id))).all())

    async def expire(self, slot_id: int) -> bool:
        """Mark the proposal expired; False when it was decided meanwhile (someone else did)."""
        async with self._db.session() as session:
            result = await session.execute(
                update(PairSlot)
                .where(PairSlot.id == slot_id, PairSlot.status == PROPOSED)
                .values(status=EXPIRED, decided_at=self._clock.now())
            )
            return result.rowcount == 1

    async def slots_of_ended_pairs(self, guild_id: int) -> list[tuple[Pair, PairSlot]]:
        """Agreed slots whose pair ended: their invite is cancelled (once)."""
        async with self._db.session() as session:
            rows = await session.execute(
                select(Pair, PairSlot)
                .join(PairSlot, PairSlot.pair_id == Pair.id)
                .where(Pair.guild_id == guild_id, Pair.status == ENDED, PairSlot.status.in_((AGREED, PROPOSED)))
            )
            return [(pair, slot) for pair, slot in rows.all()]

    async def end_slot(self, slot_id: int) -> PairSlot | None:
        """The pair ended: its agreed slot ends (the cancellation's SEQUENCE is one more), a proposal expires."""
        async with self._db.session() as session:
            row = await session.get(PairSlot, slot_id, with_for_update=True)
            if row is None or row.status not in (AGREED, PROPOSED):
                return None
            if row.status == PROPOSED:
                row.status, row.decided_at = EXPIRED, self._clock.now()
                return None
            row.status, row.sequence = ENDED_SLOT, row.sequence + 1  # (decided_at stays: the invite's first day)
            return row

    async def weeks_to_nudge(self, guild_id: int, wanted: dict[int, date]) -> list[PairWeek]:
        """Of the weeks `wanted` (pair id → week), those posted, not nudged yet, with nothing logged."""
        if not wanted:
            return []
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(PairWeek).where(
                        PairWeek.guild_id == guild_id,
                        PairWeek.pair_id.in_(list(wanted)),
                        PairWeek.week_start.in_(sorted(set(wanted.values()))),
                        PairWeek.status == POSTED,
                        PairWeek.nudged_at.is_(None),
                    )
                )
            ).all()
            weeks = [row for row in rows if wanted.get(row.pair_id) == row.week_start and row.posted_at is not None]
            if not weeks:
                return []
            logged = (
                await session.execute(
                    select(PairSession.pair_id, PairSession.week_start, PairSession.created_at).where(
                        PairSession.pair_id.in_([row.pair_id for row in weeks]),
                        (PairSession.week_start.in_({row.week_start for row in weeks}))
                        | (PairSession.created_at >= min(row.posted_at for row in weeks)),
                    )
                )
            ).all()
        by_pair = {row.pair_id: row for row in weeks}
        news = {
            pair_id
            for pair_id, week_start, created_at in logged
            if week_start == by_pair[pair_id].week_start or created_at >= by_pair[pair_id].posted_at
        }
        return [row for row in weeks if row.pair_id not in news]
