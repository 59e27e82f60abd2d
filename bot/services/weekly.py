"""The weekly rhythm of every pair: this week's roles, the weekly run (idempotent per pair and
week), swaps, skips, check-ins, and what the scheduler should nudge or report. No Discord here."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberProfile, Pair, PairSession, PairWeek, WeeklyRun
from bot.db.repositories.guilds import insert_ignoring_conflicts
from bot.db.repositories.pairs import ACTIVE
from bot.db.repositories.profiles import PAUSED
from bot.domain.rotation import WeekPlan, current_week_start, parse_time_of_day, plan_week, run_moment, week_of
from bot.services.guild_config import GuildConfig
from bot.services.week_skips import SkipOutcome, WeekSkips
from bot.services.week_status import COUNTED, PAUSED_WEEK, PLANNED, POSTED, POSTING, SKIPPED, TO_POST

__all__ = ["COUNTED", "PAUSED_WEEK", "PLANNED", "POSTED", "POSTING", "SKIPPED", "TO_POST", "SkipOutcome"]

CATCH_UP_GRACE = timedelta(days=2)  # after longer downtime the week's message would be stale: skip it
NUDGE_AFTER = timedelta(days=3)
SILENT_WEEKS_BEFORE_REPORT = 3
FIRST_MEETING_REMINDER_AFTER = timedelta(days=14)


class SwapOutcome(enum.Enum):
    PROPOSED = "proposed"
    ALREADY_PROPOSED = "already_proposed"
    SWAPPED = "swapped"
    NOTHING_PROPOSED = "nothing_proposed"
    OWN_PROPOSAL = "own_proposal"
    WEEK_CLOSED = "week_closed"


@dataclass(frozen=True, slots=True)
class RosterEntry:
    pair: Pair
    week: PairWeek


@dataclass(frozen=True, slots=True)
class Silence:
    pair: Pair
    weeks: int  # silent weeks
    last_held_week: date | None  # the week of the pair's last session held (None: never)


class LogError(enum.Enum):
    FUTURE_DATE = "future_date"
    BEFORE_START = "before_start"
    BAD_DATE = "bad_date"
    LEADER_NOT_IN_PAIR = "leader_not_in_pair"


def zone_of(config: GuildConfig) -> ZoneInfo:
    return ZoneInfo(config.timezone)


def pair_start_date(pair: Pair, config: GuildConfig) -> date:
    """The day the pair started (its channel opened), in the server's time zone: no session before it."""
    started = pair.activated_at or pair.created_at
    return started.astimezone(zone_of(config)).date()


def local_today(config: GuildConfig, now: datetime) -> date:
    return now.astimezone(zone_of(config)).date()


def week_start_for(config: GuildConfig, now: datetime) -> date:
    return current_week_start(now, config.nudge_weekday, parse_time_of_day(config.nudge_time), zone_of(config))


class WeeklyService(WeekSkips):
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # --- the weekly run ---------------------------------------------------------------------

    async def due_week(self, config: GuildConfig, now: datetime) -> date | None:
        """The week whose run is due now (on time or as a catch-up), or None."""
        week = week_start_for(config, now)
        moment = run_moment(week, parse_time_of_day(config.nudge_time), zone_of(config))
        if now - moment > CATCH_UP_GRACE:
            return None
        async with self._db.session() as session:
            run = await session.get(WeeklyRun, (config.guild_id, week))
        return None if run is not None and run.completed_at is not None else week

    async def begin_run(self, guild_id: int, week: date) -> None:
        async with self._db.session() as session:
            row = {"guild_id": guild_id, "week_start": week, "started_at": self._clock.now()}
            await session.execute(insert_ignoring_conflicts(session, WeeklyRun, [row]))

    async def complete_run(self, guild_id: int, week: date) -> None:
        """Every message of the week is posted: no more runs for it (call only then: a completed run is
        never retried, so a message still unsent would be lost)."""
        async with self._db.session() as session:
            await session.execute(
                update(WeeklyRun)
                .where(WeeklyRun.guild_id == guild_id, WeeklyRun.week_start == week)
                .values(completed_at=self._clock.now())
            )

    async def roster(self, guild_id: int, week: date) -> list[RosterEntry]:
        """Every active pair with its row for `week` (created if missing; paused pairs marked so)."""
        async with self._db.session() as session:
            pairs = (
                await session.scalars(
                    select(Pair).where(Pair.guild_id == guild_id, Pair.status == ACTIVE).order_by(Pair.id)
                )
            ).all()
            paused_members = set(
                (
                    await session.scalars(
                        select(MemberProfile.user_id).where(
                            MemberProfile.guild_id == guild_id, MemberProfile.status == PAUSED
                        )
                    )
                ).all()
            )
            # One query for the weeks already planned (every run after the first finds them all).
            planned = {
                row.pair_id: row
                for row in (
                    await session.scalars(
                        select(PairWeek).where(PairWeek.guild_id == guild_id, PairWeek.week_start == week)
                    )
                ).all()
            }
            entries = []
            for pair in pairs:
                row = planned.get(pair.id) or await self._ensure_week(session, pair, week)
                if row.status == PLANNED and paused_members & set(pair.members()):
                    row.status = PAUSED_WEEK
                entries.append(RosterEntry(pair, row))
            return entries

    async def mark_posted(self, pair_week_id: int, message_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(PairWeek)
                .where(PairWeek.id == pair_week_id)
                .values(status=POSTED, message_id=message_id, posted_at=self._clock.now())
            )

    # --- one pair's week ----------------------------------------------------------------------

    async def week(self, pair: Pair, week: date) -> PairWeek:
        async with self._db.session() as session:
            return await self._ensure_week(session, pair, week)

    async def get_week(self, pair_week_id: int) -> PairWeek | None:
        async with self._db.session() as session:
            return await session.get(PairWeek, pair_week_id)

    async def _ensure_week(self, session: AsyncSession, pair: Pair, week: date) -> PairWeek:
        query = select(PairWeek).where(PairWeek.pair_id == pair.id, PairWeek.week_start == week)
        row = (await session.scalars(query)).one_or_none()
        if row is not None:
            return row
        plan = await self._plan(session, pair, week, swapped=False)
        values = {
            "pair_id": pair.id,
            "guild_id": pair.guild_id,
            "week_start": week,
            "status": PLANNED,
            "mentor_id": plan.mentor,
            "learner_id": plan.learner,
            "topic": plan.topic,
            "swapped": False,
        }
        # Two callers (the run and `/pair week`, say) may plan the same week at once: the first wins.
        await session.execute(insert_ignoring_conflicts(session, PairWeek, [values]))
        return (await session.scalars(query)).one()

    async def _plan(self, session: AsyncSession, pair: Pair, week: date, *, swapped: bool) -> WeekPlan:
        earlier = (
            await session.scalars(
                select(PairWeek).where(
                    PairWeek.pair_id == pair.id, PairWeek.week_start < week, PairWeek.status.in_(COUNTED)
                )
            )
        ).all()
        learner_weeks = Counter(row.learner_id for row in earlier if row.learner_id is not None)
        return plan_week(
            pair.member_a_id or 0,
            pair.member_b_id or 0,
            counted_weeks_before=len(earlier),
            learner_weeks_before=dict(learner_weeks),
            a_teaches_b=list(pair.a_teaches_b),
            b_teaches_a=list(pair.b_teaches_a),
            swapped=swapped,
        )

    async def propose_swap(self, pair: Pair, week: date, user_id: int) -> tuple[SwapOutcome, PairWeek, WeekPlan]:
        """Record a swap proposal; also returns what the week would be once swapped."""
        async with self._db.session() as session:
            row = await self._ensure_week(session, pair, week)
            swapped = await self._plan(session, pair, week, swapped=not row.swapped)
            if row.status not in COUNTED:
                return SwapOutcome.WEEK_CLOSED, row, swapped
            # One proposal wins even when both members propose at the same moment (in two processes too).
            claimed = await session.execute(
                update(PairWeek)
                .where(PairWeek.id == row.id, PairWeek.swap_proposed_by.is_(None))
                .values(swap_proposed_by=user_id)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                return SwapOutcome.ALREADY_PROPOSED, row, swapped
            row.swap_proposed_by = user_id
            return SwapOutcome.PROPOSED, row, swapped

    async def accept_swap(self, pair: Pair, pair_week_id: int, user_id: int) -> tuple[SwapOutcome, PairWeek | None]:
        async with self._db.session(lock=True) as session:
            row = await session.get(PairWeek, pair_week_id, with_for_update=True)
            if row is None or row.pair_id != pair.id or row.swap_proposed_by is None:
                return SwapOutcome.NOTHING_PROPOSED, row
            if row.swap_proposed_by == user_id:
                return SwapOutcome.OWN_PROPOSAL, row
            if row.status not in COUNTED:
                return SwapOutcome.WEEK_CLOSED, row
            plan = await self._plan(session, pair, row.week_start, swapped=not row.swapped)
            row.mentor_id, row.learner_id, row.topic = plan.mentor, plan.learner, plan.topic
            row.swapped, row.swap_proposed_by = plan.swapped, None
            return SwapOutcome.SWAPPED, row

    # --- check-ins ----------------------------------------------------------------------------

    async def log_session(
        self,
        pair: Pair,
        config: GuildConfig,
        *,
        logged_by: int,
        held: bool,
        mode: str | None,
        minutes: int | None,
        led_by: int | None,
        session_date: date | None,
        note: str,
    ) -> PairSession | LogError:
        now = self._clock.now()
        today = local_today(config, now)
        session_date = session_date or today
        if session_date > today:
            return LogError.FUTURE_DATE
        if session_date < pair_start_date(pair, config):
            return LogError.BEFORE_START
        if led_by is not None and led_by not in pair.members():
            return LogError.LEADER_NOT_IN_PAIR
        week = week_of(session_date, config.nudge_weekday)
        async with self._db.session() as session:
            if led_by is None and held:
                led_by = (await self._ensure_week(session, pair, week)).mentor_id
            record = PairSession(
                pair_id=pair.id,
                guild_id=pair.guild_id,
                session_date=session_date,
                week_start=week,
                held=held,
                mode=mode,
                minutes=minutes,
                led_by=led_by if held else None,
                logged_by=logged_by,
                note=note,
                created_at=now,
            )
            session.add(record)
            if held:  # news from the pair: a later silence will be reported afresh
                await session.execute(update(Pair).where(Pair.id == pair.id).values(silence_reported_at=None))
            await session.flush()
            return record

    async def sessions_led(self, pair_id: int) -> dict[int, int]:
        async with self._db.session() as session:
            rows = await session.execute(
                select(PairSession.led_by, func.count())
                .where(PairSession.pair_id == pair_id, PairSession.held, PairSession.led_by.is_not(None))
                .group_by(PairSession.led_by)
            )
            return {leader: count for leader, count in rows.all()}

    # --- what the scheduler nudges and reports -------------------------------------------------

    async def nudges_due(self, guild_id: int, week: date, now: datetime) -> list[RosterEntry]:
        """This week's posted messages, 3 days old, with no session logged since and no nudge yet.

        Nothing is written here: each nudge is claimed (`nudge_key`) and recorded once posted."""
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(PairWeek).where(
                        PairWeek.guild_id == guild_id,
                        PairWeek.week_start == week,
                        PairWeek.status == POSTED,
                        PairWeek.nudged_at.is_(None),
                        PairWeek.posted_at <= now - NUDGE_AFTER,
                    )
                )
            ).all()
            due = []
            for row in rows:
                pair = await session.get(Pair, row.pair_id)
                news = await session.scalar(
                    select(func.count())
                    .select_from(PairSession)
                    .where(PairSession.pair_id == row.pair_id, PairSession.created_at >= row.posted_at)
                )
                if pair is not None and pair.status == ACTIVE and not news:
                    due.append(RosterEntry(pair, row))
            return due

    async def mark_nudged(self, pair_week_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(PairWeek).where(PairWeek.id == pair_week_id).values(nudged_at=self._clock.now())
            )

    async def silent_pairs(self, guild_id: int, week: date) -> list[Silence]:
        """Active pairs not reported yet whose last 3 posted weeks before `week` had no session held.

        Nothing is written here: each report is claimed (`silence_key`) and recorded once sent."""
        async with self._db.session() as session:
            pairs = (
                await session.scalars(
                    select(Pair).where(
                        Pair.guild_id == guild_id, Pair.status == ACTIVE, Pair.silence_reported_at.is_(None)
                    )
                )
            ).all()
            report = []
            for pair in pairs:
                recent = (
                    await session.scalars(
                        select(PairWeek.week_start)
                        .where(PairWeek.pair_id == pair.id, PairWeek.week_start < week, PairWeek.status == POSTED)
                        .order_by(PairWeek.week_start.desc())
                        .limit(SILENT_WEEKS_BEFORE_REPORT)
                    )
                ).all()
                if len(recent) < SILENT_WEEKS_BEFORE_REPORT:
                    continue
                held = await session.scalar(
                    select(func.count())
                    .select_from(PairSession)
                    .where(PairSession.pair_id == pair.id, PairSession.held, PairSession.week_start >= min(recent))
                )
                if not held:
                    since = await session.scalar(
                        select(func.max(PairSession.week_start)).where(PairSession.pair_id == pair.id, PairSession.held)
                    )
                    report.append(Silence(pair, len(recent), since))
            return report

    async def mark_silence_reported(self, pair_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(update(Pair).where(Pair.id == pair_id).values(silence_reported_at=self._clock.now()))

    async def first_meetings_due(self, guild_id: int, now: datetime) -> list[Pair]:
        """Active pairs two weeks old that have not planned their first meeting nor been reminded."""
        async with self._db.session() as session:
            pairs = (
                await session.scalars(
                    select(Pair).where(
                        Pair.guild_id == guild_id,
                        Pair.status == ACTIVE,
                        Pair.first_meeting_planned_at.is_(None),
                        Pair.first_meeting_reminded_at.is_(None),
                        Pair.activated_at <= now - FIRST_MEETING_REMINDER_AFTER,
                    )
                )
            ).all()
            return list(pairs)

    async def mark_first_meeting_reminded(self, pair_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(Pair).where(Pair.id == pair_id).values(first_meeting_reminded_at=self._clock.now())
            )


# --- the keys of what the weekly rhythm does exactly once (bot.services.claims) ---------------------


def week_key(pair_week_id: int) -> str:
    return f"week:{pair_week_id}"


def nudge_key(pair_week_id: int) -> str:
    return f"nudge:{pair_week_id}"


def silence_key(silence: Silence) -> str:
    """A pair's silence is reported once; after news from it (a session held), a later silence is another."""
    since = silence.last_held_week.isoformat() if silence.last_held_week else "start"
    return f"silence:{silence.pair.id}:{since}"


def first_meeting_key(pair_id: int) -> str:
    return f"first-meeting:{pair_id}"


def unsent_report_key(guild_id: int, week: date) -> str:
    return f"weekly-unsent:{guild_id}:{week.isoformat()}"
