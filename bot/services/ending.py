"""Ending a pair by agreement, the members' feedback once it ended, and the cycle check-ins.

No Discord here. Ending itself (recording it, closing the channel, telling moderators) goes through
`PairService.end` via the pair-channel cog; this service keeps the proposal that precedes it, the
feedback that follows it, and the per-cycle prompt markers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Pair, PairFeedback
from bot.db.repositories.pairs import ACTIVE, ENDED
from bot.domain.cycles import (
    Stage,
    cycle_key,
    cycle_moments,
    cycle_start,
    due_stage,
    earliest_due_age,
    prompted_in_cycle,
)

MIN_RATING, MAX_RATING = 1, 5
MAX_COMMENT = 1000


# --- proposing, withdrawing and confirming the end -------------------------------------------


class Proposal(StrEnum):
    PROPOSED = "proposed"
    ALREADY_PROPOSED = "already_proposed"
    NOT_ACTIVE = "not_active"


@dataclass(frozen=True, slots=True)
class ProposalOutcome:
    status: Proposal
    proposer: int | None = None


class Decision(StrEnum):
    """Whether a click on Confirm / Withdraw may go ahead, and if not, why."""

    OK = "ok"
    NOT_ACTIVE = "not_active"  # still launching
    ALREADY_ENDED = "already_ended"
    NO_PROPOSAL = "no_proposal"  # withdrawn meanwhile
    OWN_PROPOSAL = "own_proposal"  # the proposer confirming alone
    NOT_PROPOSER = "not_proposer"  # someone else withdrawing


# --- feedback ---------------------------------------------------------------------------------


class FeedbackProblem(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    COMMENT_TOO_LONG = "comment_too_long"


@dataclass(frozen=True, slots=True)
class CheckedFeedback:
    rating: int | None
    comment: str
    problem: FeedbackProblem | None = None


def check_feedback(rating_text: str, comment: str) -> CheckedFeedback:
    """Validate what the member typed (the form's limits are only a convenience of the client)."""
    text = (rating_text or "").strip()
    comment = (comment or "").strip()
    try:
        rating = int(text)
    except ValueError:
        return CheckedFeedback(None, comment, FeedbackProblem.NOT_A_NUMBER)
    if not MIN_RATING <= rating <= MAX_RATING:
        return CheckedFeedback(rating, comment, FeedbackProblem.OUT_OF_RANGE)
    if len(comment) > MAX_COMMENT:
        return CheckedFeedback(rating, comment, FeedbackProblem.COMMENT_TOO_LONG)
    return CheckedFeedback(rating, comment)


class Feedback(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNKNOWN_PAIR = "unknown_pair"
    NOT_IN_PAIR = "not_in_pair"
    NOT_ENDED = "not_ended"


# --- cycles -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DuePrompt:
    pair: Pair
    stage: Stage
    start: datetime  # the cycle's start
    months: int


class Continuation(StrEnum):
    NEW_CYCLE = "new_cycle"  # end of cycle: a new one starts now
    ACKNOWLEDGED = "acknowledged"  # mid-cycle: nothing changes
    STALE = "stale"  # a button of an earlier cycle (or already answered)
    NOT_ACTIVE = "not_active"


class PairEnding:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # --- the proposal -------------------------------------------------------------------------

    async def propose(self, pair_id: int, user_id: int) -> ProposalOutcome:
        """Record `user_id`'s proposal to end the pair, unless one is already pending (atomic)."""
        async with self._db.session() as session:
            claimed = await session.execute(
                update(Pair)
                .where(Pair.id == pair_id, Pair.status == ACTIVE, Pair.end_proposed_by.is_(None))
                .values(end_proposed_by=user_id)
            )
            if claimed.rowcount == 1:
                return ProposalOutcome(Proposal.PROPOSED, user_id)
            pair = await session.get(Pair, pair_id)
            if pair is None or pair.status != ACTIVE:
                return ProposalOutcome(Proposal.NOT_ACTIVE)
            return ProposalOutcome(Proposal.ALREADY_PROPOSED, pair.end_proposed_by)

    @staticmethod
    def _decide(pair: Pair | None, user_id: int, moderator: bool, *, withdrawing: bool) -> Decision:
        if pair is None or pair.status == ENDED:
            return Decision.ALREADY_ENDED
        if pair.status != ACTIVE:
            return Decision.NOT_ACTIVE
        if pair.end_proposed_by is None:
            return Decision.NO_PROPOSAL
        if moderator:
            return Decision.OK
        if withdrawing:
            return Decision.OK if user_id == pair.end_proposed_by else Decision.NOT_PROPOSER
        return Decision.OWN_PROPOSAL if user_id == pair.end_proposed_by else Decision.OK

    async def may_confirm(self, pair_id: int, user_id: int, *, moderator: bool) -> Decision:
        """Whether `user_id` may confirm the pending end: the partner or a moderator, never the
        proposer alone (unless a moderator). The caller then ends the pair through the channel cog."""
        async with self._db.session() as session:
            return self._decide(await session.get(Pair, pair_id), user_id, moderator, withdrawing=False)

    async def withdraw(self, pair_id: int, user_id: int, *, moderator: bool) -> Decision:
        """The proposer (or a moderator) withdraws the pending proposal."""
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            decision = self._decide(pair, user_id, moderator, withdrawing=True)
            if decision is Decision.OK:
                assert pair is not None
                pair.end_proposed_by = None
            return decision

    # --- feedback -----------------------------------------------------------------------------

    async def feedback_of(self, pair_id: int, user_id: int) -> PairFeedback | None:
        async with self._db.session() as session:
            query = select(PairFeedback).where(PairFeedback.pair_id == pair_id, PairFeedback.user_id == user_id)
            return (await session.scalars(query)).first()

    async def record_feedback(self, pair_id: int, user_id: int, rating: int, comment: str) -> Feedback:
        """One rating per member per pair; rating again replaces the earlier one."""
        if not MIN_RATING <= rating <= MAX_RATING or len(comment) > MAX_COMMENT:
            raise ValueError("feedback not checked with check_feedback")
        try:
            return await self._record_feedback(pair_id, user_id, rating, comment)
        except IntegrityError:
            # Two submissions raced and the other inserted first: this one becomes an update.
            return await self._record_feedback(pair_id, user_id, rating, comment)

    async def _record_feedback(self, pair_id: int, user_id: int, rating: int, comment: str) -> Feedback:
        async with self._db.session() as session:
            pair = await session.get(Pair, pair_id)
            if pair is None:
                return Feedback.UNKNOWN_PAIR
            if user_id not in pair.members():
                return Feedback.NOT_IN_PAIR
            if pair.status != ENDED:
                return Feedback.NOT_ENDED
            query = select(PairFeedback).where(PairFeedback.pair_id == pair_id, PairFeedback.user_id == user_id)
            existing = (await session.scalars(query)).first()
            now = self._clock.now()
            if existing is not None:
                existing.rating, existing.comment, existing.created_at = rating, comment, now
                return Feedback.UPDATED
            session.add(
                PairFeedback(
                    pair_id=pair_id,
                    guild_id=pair.guild_id,
                    user_id=user_id,
                    rating=rating,
                    comment=comment,
                    created_at=now,
                )
            )
            await session.flush()
            return Feedback.CREATED

    # --- cycles -------------------------------------------------------------------------------

    async def due_prompts(self, months_by_guild: dict[int, int], now: datetime) -> list[DuePrompt]:
        """Active pairs of these guilds whose mid-cycle or end-of-cycle check-in is due and not posted."""
        guilds_by_months: dict[int, list[int]] = defaultdict(list)
        for guild_id, months in months_by_guild.items():
            if months >= 1:
                guilds_by_months[months].append(guild_id)
        start = func.coalesce(Pair.cycle_started_at, Pair.activated_at)
        due: list[DuePrompt] = []
        async with self._db.session() as session:
            for months, guild_ids in sorted(guilds_by_months.items()):
                query = (
                    select(Pair)
                    .where(
                        Pair.guild_id.in_(guild_ids),
                        Pair.status == ACTIVE,
                        start.is_not(None),
                        start <= now - earliest_due_age(months),
                        or_(Pair.end_cycle_prompted_at.is_(None), Pair.end_cycle_prompted_at < start),
                    )
                    .order_by(Pair.id)
                )
                for pair in (await session.scalars(query)).all():
                    began = cycle_start(pair.cycle_started_at, pair.activated_at)
                    assert began is not None
                    stage = due_stage(began, months, now, pair.mid_cycle_prompted_at, pair.end_cycle_prompted_at)
                    if stage is not None:
                        due.append(DuePrompt(pair, stage, began, months))
        return due

    async def still_due(self, due: DuePrompt, now: datetime) -> DuePrompt | None:
        """`due` re-read just before posting (the pair may have answered or ended meanwhile)."""
        async with self._db.session() as session:
            pair = await session.get(Pair, due.pair.id)
        if pair is None or pair.status != ACTIVE:
            return None
        began = cycle_start(pair.cycle_started_at, pair.activated_at)
        if began is None or cycle_key(began) != cycle_key(due.start):
            return None
        stage = due_stage(began, due.months, now, pair.mid_cycle_prompted_at, pair.end_cycle_prompted_at)
        return DuePrompt(pair, stage, began, due.months) if stage is not None else None

    async def record_prompt(self, pair_id: int, stage: Stage, start: datetime) -> bool:
        """Note that the `stage` check-in of the cycle that began at `start` is posted. Posting the
        end-of-cycle one also settles the mid-point (never asked after the end)."""
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or pair.status != ACTIVE:
                return False
            began = cycle_start(pair.cycle_started_at, pair.activated_at)
            if began is None or cycle_key(began) != cycle_key(start):
                return False
            now = self._clock.now()
            changed = False
            if not prompted_in_cycle(pair.mid_cycle_prompted_at, began):
                pair.mid_cycle_prompted_at, changed = now, True
            if stage is Stage.END and not prompted_in_cycle(pair.end_cycle_prompted_at, began):
                pair.end_cycle_prompted_at, changed = now, True
            return changed

    async def continue_cycle(self, pair_id: int, stage: Stage, key: int, months: int) -> Continuation:
        """The pair answered "continue" to the `stage` check-in of the cycle named `key`."""
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or pair.status != ACTIVE:
                return Continuation.NOT_ACTIVE
            began = cycle_start(pair.cycle_started_at, pair.activated_at)
            if began is None or cycle_key(began) != key:
                return Continuation.STALE
            if stage is Stage.MID:
                return Continuation.ACKNOWLEDGED
            now = self._clock.now()
            if not (prompted_in_cycle(pair.end_cycle_prompted_at, began) or now >= cycle_moments(began, months).end):
                return Continuation.STALE
            pair.cycle_started_at = now
            pair.mid_cycle_prompted_at = pair.end_cycle_prompted_at = None
            return Continuation.NEW_CYCLE

    async def current_cycle(self, pair_id: int) -> datetime | None:
        async with self._db.session() as session:
            pair = await session.get(Pair, pair_id)
            return cycle_start(pair.cycle_started_at, pair.activated_at) if pair else None
