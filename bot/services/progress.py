"""Progress on objectives, from both sides: the self-ratings of each member at the charter, at
mid-cycle and at the end of the cycle, "who led most?", the pair's own view and the moderators'
aggregates. No Discord here.

A rating belongs to a pair, a member, a cycle (its key) and a stage; rating the same stage again
replaces it. Every rating of a form is checked before anything is stored (all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Charter, Pair, ProgressRating
from bot.db.repositories.guilds import insert_ignoring_conflicts
from bot.db.repositories.pairs import ACTIVE
from bot.domain.cycles import cycle_key, cycle_start
from bot.domain.progress import (
    LedMost,
    ProgressFigures,
    ProgressStage,
    Rated,
    figures,
    objective_items,
    parse_rating,
)


class NotRatable(Exception):
    """`reason`: "not_active" (the pair is not running) or "stale" (a check-in of an earlier cycle)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BadRating:
    """A value typed that is not a whole number from 1 to 5; `item` is 1-based, 0 for the shared goal."""

    item: int
    value: str


@dataclass(frozen=True, slots=True)
class Saved:
    both_rated: bool  # the partner rated this stage too: the pair's progress can be shown


def current_cycle(pair: Pair) -> int | None:
    began = cycle_start(pair.cycle_started_at, pair.activated_at)
    return cycle_key(began) if began is not None else None


def own_objectives(charter: Charter | None, pair: Pair, user_id: int) -> str:
    if charter is None:
        return ""
    return charter.objectives_a if user_id == pair.member_a_id else charter.objectives_b


def _rated(row: ProgressRating) -> Rated:
    return Rated(ProgressStage(row.stage), tuple(row.ratings), row.goal_rating, tuple(row.objectives))


class ProgressRatings:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _ratable(self, session: AsyncSession, pair_id: int, cycle: int) -> Pair:
        pair = await session.get(Pair, pair_id)
        if pair is None or pair.status != ACTIVE:
            raise NotRatable("not_active")
        if current_cycle(pair) != cycle:
            raise NotRatable("stale")
        return pair

    async def items(self, pair_id: int, user_id: int, cycle: int) -> list[str]:
        """The member's personal objectives as the items they rate (empty: their objectives as one)."""
        async with self._db.session() as session:
            pair = await self._ratable(session, pair_id, cycle)
            return objective_items(own_objectives(await session.get(Charter, pair_id), pair, user_id))

    async def save(
        self,
        pair_id: int,
        user_id: int,
        cycle: int,
        stage: ProgressStage,
        objectives: list[str],
        typed: list[str],
        goal_typed: str,
    ) -> Saved | list[BadRating]:
        """Store the member's ratings of `objectives` (one typed value each) and of the shared goal."""
        ratings = [parse_rating(value) for value in typed]
        goal = parse_rating(goal_typed)
        pairs = enumerate(zip(typed, ratings, strict=True), 1)
        problems = [BadRating(n, value) for n, (value, rating) in pairs if rating is None]
        if goal is None:
            problems.append(BadRating(0, goal_typed))
        if problems:
            return [BadRating(p.item, p.value.strip()[:10]) for p in problems]
        async with self._db.session() as session:
            pair = await self._ratable(session, pair_id, cycle)
            now = self._clock.now()
            values = {
                "pair_id": pair_id,
                "guild_id": pair.guild_id,
                "user_id": user_id,
                "cycle": cycle,
                "stage": stage.value,
                "objectives": list(objectives),
                "ratings": ratings,
                "goal_rating": goal,
                "created_at": now,
                "updated_at": now,
            }
            await session.execute(insert_ignoring_conflicts(session, ProgressRating, [values]))
            row = await self._row(session, pair_id, user_id, cycle, stage)
            assert row is not None
            row.objectives, row.ratings, row.goal_rating, row.updated_at = list(objectives), ratings, goal, now
            partner = pair.partner_of(user_id)
            both = partner is not None and await self._row(session, pair_id, partner, cycle, stage) is not None
            return Saved(both_rated=both)

    @staticmethod
    async def _row(session: AsyncSession, pair_id: int, user_id: int, cycle: int, stage: ProgressStage):
        query = select(ProgressRating).where(
            ProgressRating.pair_id == pair_id,
            ProgressRating.user_id == user_id,
            ProgressRating.cycle == cycle,
            ProgressRating.stage == stage.value,
        )
        return (await session.scalars(query.execution_options(populate_existing=True))).one_or_none()

    async def set_led(self, pair_id: int, user_id: int, cycle: int, stage: ProgressStage, answer: LedMost) -> bool:
        """Record "who led most?" with the member's ratings of that check-in (False: none to attach it to)."""
        async with self._db.session() as session:
            await self._ratable(session, pair_id, cycle)
            row = await self._row(session, pair_id, user_id, cycle, stage)
            if row is None:
                return False
            row.led_most, row.updated_at = answer.value, self._clock.now()
            return True

    async def of_pair(self, pair_id: int, cycle: int) -> dict[int, dict[ProgressStage, Rated]]:
        """The pair's ratings in that cycle: member → stage → ratings."""
        async with self._db.session() as session:
            rows = await session.scalars(
                select(ProgressRating).where(ProgressRating.pair_id == pair_id, ProgressRating.cycle == cycle)
            )
            found: dict[int, dict[ProgressStage, Rated]] = {}
            for row in rows:
                found.setdefault(row.user_id, {})[ProgressStage(row.stage)] = _rated(row)
            return found


async def progress_figures(session: AsyncSession, guild_id: int) -> ProgressFigures:
    """The moderators' aggregates of every self-rating of the server (no pair or member is shown).
    Plain rows, not ORM objects: a large server has tens of thousands of ratings."""
    rows = await session.execute(
        select(
            ProgressRating.pair_id,
            ProgressRating.user_id,
            ProgressRating.cycle,
            ProgressRating.stage,
            ProgressRating.ratings,
            ProgressRating.goal_rating,
            ProgressRating.led_most,
        ).where(ProgressRating.guild_id == guild_id)
    )
    return figures(
        [
            (
                pair_id,
                user_id,
                cycle,
                ProgressStage(stage),
                Rated(ProgressStage(stage), tuple(ratings), goal).objectives_average,
                goal,
                LedMost(led) if led else None,
            )
            for pair_id, user_id, cycle, stage, ratings, goal, led in rows
        ]
    )
