"""Pairs: forming them (matching rounds, by hand), their launch state machine, and ending them.

No Discord here. The pair-channel cog performs the Discord side of each launch step and records
each step through this service *after* Discord confirmed it; on restart, unfinished launches are
resumed from the recorded state.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Pair
from bot.db.repositories import pairs as repo
from bot.db.repositories.pairs import ACTIVE, CHANNEL_CREATED, ENDED, KICKOFF_SENT, OPEN, PENDING


class ChannelLoss(enum.Enum):
    RELAUNCH = "recreated"  # an open pair: its channel is made again
    NOTED = "noted"  # the pair had ended: nothing to recreate
    HANDLED = "handled"  # someone else noticed first (or it was not the pair's channel any more)


def launch_key(pair: Pair) -> str:
    """The exactly-once key of one launch of the pair (channel, then kickoff): see `bot.services.claims`."""
    return f"launch:{pair.id}:{pair.launch_generation}"


@dataclass(frozen=True, slots=True)
class EndedPair:
    pair: Pair
    was_active: bool


class PairService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def get(self, pair_id: int) -> Pair | None:
        async with self._db.session() as session:
            return await session.get(Pair, pair_id)

    async def get_many(self, pair_ids: list[int]) -> list[Pair]:
        if not pair_ids:
            return []
        async with self._db.session() as session:
            query = select(Pair).where(Pair.id.in_(pair_ids)).order_by(Pair.id)
            return list((await session.scalars(query)).all())

    async def by_channel(self, channel_id: int) -> Pair | None:
        async with self._db.session() as session:
            return await repo.pair_by_channel(session, channel_id)

    async def open_pair_of(self, guild_id: int, user_id: int) -> Pair | None:
        async with self._db.session() as session:
            return await repo.open_pair_of(session, guild_id, user_id)

    async def launching(self, guild_ids: list[int]) -> list[Pair]:
        async with self._db.session() as session:
            return await repo.launching_pairs(session, guild_ids)

    async def open_pairs(self, guild_id: int) -> list[Pair]:
        async with self._db.session() as session:
            query = select(Pair).where(Pair.guild_id == guild_id, Pair.status.in_(OPEN)).order_by(Pair.id)
            return list((await session.scalars(query)).all())

    async def _transition(self, pair_id: int, expected: str, new: str, **fields: object) -> Pair:
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or pair.status != expected:
                raise LookupError(f"pair {pair_id} is not {expected}")
            pair.status = new
            for name, value in fields.items():
                setattr(pair, name, value)
            return pair

    async def channel_created(self, pair_id: int, channel_id: int, category_id: int | None) -> Pair:
        return await self._transition(pair_id, PENDING, CHANNEL_CREATED, channel_id=channel_id, category_id=category_id)

    async def kickoff_sent(self, pair_id: int, message_id: int) -> Pair:
        return await self._transition(pair_id, CHANNEL_CREATED, KICKOFF_SENT, kickoff_message_id=message_id)

    async def activate(self, pair_id: int) -> Pair:
        return await self._transition(pair_id, KICKOFF_SENT, ACTIVE, activated_at=self._clock.now())

    async def channel_lost(self, pair_id: int, channel_id: int | None) -> ChannelLoss:
        """The pair's channel `channel_id` was deleted by hand: an open pair goes back to launch (its
        channel is recreated, as a new launch generation). Decided once, even when two processes notice."""
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or channel_id is None or pair.channel_id != channel_id:
                return ChannelLoss.HANDLED
            pair.channel_id = None
            if pair.status not in OPEN:
                return ChannelLoss.NOTED
            pair.status, pair.category_id, pair.kickoff_message_id = PENDING, None, None
            pair.launch_generation += 1
            return ChannelLoss.RELAUNCH

    async def end(self, pair_id: int, reason: str, *, requeue: tuple[int, ...] = ()) -> EndedPair | None:
        """End an open pair; `requeue` members go first in line at the next round."""
        async with self._db.session(lock=True) as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or pair.status not in OPEN:
                return None
            was_active = pair.status == ACTIVE
            pair.status, pair.ended_at, pair.end_reason = ENDED, self._clock.now(), reason
            await repo.bump_priority(session, pair.guild_id, requeue)
            return EndedPair(pair, was_active)
