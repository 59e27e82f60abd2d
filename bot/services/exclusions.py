"""Who must not be paired: a member's private "avoid" list (`/mentoring avoid`) and moderators'
exclusions of two members (`/mentoring-admin exclude`). Matching reads them (`MatchingRounds.constraints`).

No Discord here. The avoided member is never told; an exclusion is stored once for the two, whichever
order the moderator named them in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberAvoid, PairExclusion
from bot.db.repositories import pairs, profiles
from bot.db.repositories.community import ordered
from bot.db.repositories.guilds import insert_ignoring_conflicts

MAX_AVOIDED = 25  # one removal menu holds them all


class Refusal(enum.Enum):
    SELF = "self"
    NOT_JOINED = "not_joined"  # the member asking is not in the program
    NOT_IN_PROGRAM = "not_in_program"  # the member named is not in the program
    ALREADY = "already"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class Added:
    paired_together: bool  # they are in an open pair right now (the rule applies from the next round)


@dataclass(frozen=True, slots=True)
class Exclusion:
    a: int
    b: int
    created_at: datetime


class Exclusions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _together(self, session, guild_id: int, a: int, b: int) -> bool:
        pair = await pairs.open_pair_of(session, guild_id, a)
        return pair is not None and b in pair.members()

    # --- a member's "avoid" list ------------------------------------------------------------------

    async def avoid(self, guild_id: int, user_id: int, avoided_id: int) -> Added | Refusal:
        if user_id == avoided_id:
            return Refusal.SELF
        async with self._db.session() as session:
            if await profiles.get_profile(session, guild_id, user_id) is None:
                return Refusal.NOT_JOINED
            if await profiles.get_profile(session, guild_id, avoided_id) is None:
                return Refusal.NOT_IN_PROGRAM
            where = MemberAvoid.guild_id == guild_id, MemberAvoid.user_id == user_id
            count = await session.scalar(select(func.count()).select_from(MemberAvoid).where(*where))
            if await session.get(MemberAvoid, (guild_id, user_id, avoided_id)) is not None:
                return Refusal.ALREADY
            if (count or 0) >= MAX_AVOIDED:
                return Refusal.FULL
            row = {"guild_id": guild_id, "user_id": user_id, "avoided_id": avoided_id, "created_at": self._clock.now()}
            await session.execute(insert_ignoring_conflicts(session, MemberAvoid, [row]))
            return Added(await self._together(session, guild_id, user_id, avoided_id))

    async def unavoid(self, guild_id: int, user_id: int, avoided_id: int) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                delete(MemberAvoid).where(
                    MemberAvoid.guild_id == guild_id,
                    MemberAvoid.user_id == user_id,
                    MemberAvoid.avoided_id == avoided_id,
                )
            )
            return result.rowcount > 0

    async def avoided(self, guild_id: int, user_id: int) -> list[int]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(MemberAvoid.avoided_id)
                .where(MemberAvoid.guild_id == guild_id, MemberAvoid.user_id == user_id)
                .order_by(MemberAvoid.created_at, MemberAvoid.avoided_id)
            )
            return list(rows)

    # --- moderators' exclusions -------------------------------------------------------------------

    async def exclude(self, guild_id: int, a: int, b: int, moderator_id: int) -> Added | Refusal:
        if a == b:
            return Refusal.SELF
        low, high = ordered(a, b)
        async with self._db.session() as session:
            row = {
                "guild_id": guild_id,
                "member_low_id": low,
                "member_high_id": high,
                "created_by": moderator_id,
                "created_at": self._clock.now(),
            }
            result = await session.execute(insert_ignoring_conflicts(session, PairExclusion, [row]))
            if result.rowcount == 0:
                return Refusal.ALREADY
            return Added(await self._together(session, guild_id, a, b))

    async def unexclude(self, guild_id: int, a: int, b: int) -> bool:
        low, high = ordered(a, b)
        async with self._db.session() as session:
            result = await session.execute(
                delete(PairExclusion).where(
                    PairExclusion.guild_id == guild_id,
                    PairExclusion.member_low_id == low,
                    PairExclusion.member_high_id == high,
                )
            )
            return result.rowcount > 0

    async def exclusions(self, guild_id: int, member_id: int | None = None) -> list[Exclusion]:
        """The server's exclusions, oldest first (only those naming `member_id` when given)."""
        query = select(PairExclusion).where(PairExclusion.guild_id == guild_id)
        if member_id is not None:
            query = query.where(
                (PairExclusion.member_low_id == member_id) | (PairExclusion.member_high_id == member_id)
            )
        async with self._db.session() as session:
            rows = await session.scalars(query.order_by(PairExclusion.created_at, PairExclusion.id))
            return [Exclusion(row.member_low_id, row.member_high_id, row.created_at) for row in rows]
