"""Skipping a week: one member proposes, the partner accepts (like a swap); the week then no longer
counts in the alternation. Part of `WeeklyService` (a mixin: it uses the service's database). No Discord."""

from __future__ import annotations

import enum

from sqlalchemy import update

from bot.db.engine import Database
from bot.db.models import Pair, PairWeek
from bot.services.week_status import COUNTED, SKIPPED


class SkipOutcome(enum.Enum):
    PROPOSED = "proposed"
    ALREADY_PROPOSED = "already_proposed"
    SKIPPED = "skipped"
    NOTHING_PROPOSED = "nothing_proposed"
    OWN_PROPOSAL = "own_proposal"
    WEEK_CLOSED = "week_closed"


class WeekSkips:
    _db: Database

    async def propose_skip(self, pair: Pair, pair_week_id: int, user_id: int) -> tuple[SkipOutcome, PairWeek | None]:
        """Propose to skip this week: it is skipped once the partner accepts (`accept_skip`). One
        proposal wins even when both members click at the same moment (in two processes too)."""
        async with self._db.session() as session:
            row = await session.get(PairWeek, pair_week_id)
            if row is None or row.pair_id != pair.id or row.status not in COUNTED:
                return SkipOutcome.WEEK_CLOSED, row
            claimed = await session.execute(
                update(PairWeek)
                .where(PairWeek.id == row.id, PairWeek.skip_proposed_by.is_(None), PairWeek.status.in_(COUNTED))
                .values(skip_proposed_by=user_id)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                return SkipOutcome.ALREADY_PROPOSED, row
            row.skip_proposed_by = user_id
            return SkipOutcome.PROPOSED, row

    async def accept_skip(self, pair: Pair, pair_week_id: int, user_id: int) -> tuple[SkipOutcome, PairWeek | None]:
        """The partner accepts the skip: the week no longer counts in the alternation."""
        async with self._db.session() as session:
            row = await session.get(PairWeek, pair_week_id, with_for_update=True)
            if row is None or row.pair_id != pair.id:
                return SkipOutcome.NOTHING_PROPOSED, row
            if row.status not in COUNTED:
                return SkipOutcome.WEEK_CLOSED, row
            if row.skip_proposed_by is None:
                return SkipOutcome.NOTHING_PROPOSED, row
            if row.skip_proposed_by == user_id:
                return SkipOutcome.OWN_PROPOSAL, row
            skipped = await session.execute(
                update(PairWeek)
                .where(PairWeek.id == row.id, PairWeek.skip_proposed_by.is_not(None), PairWeek.status.in_(COUNTED))
                .values(status=SKIPPED, swap_proposed_by=None)
                .execution_options(synchronize_session=False)
            )
            if skipped.rowcount != 1:  # accepted a moment ago by another click
                return SkipOutcome.WEEK_CLOSED, row
            row.status, row.swap_proposed_by = SKIPPED, None
            return SkipOutcome.SKIPPED, row
