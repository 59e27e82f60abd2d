"""Matching rounds and manual pairing: from profiles to proposed pairs, and from a confirmed
proposal to pairs waiting for their channel. No Discord here."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MatchRound, MemberProfile, Pair
from bot.db.repositories import guilds
from bot.db.repositories import pairs as repo
from bot.db.repositories.pairs import PENDING
from bot.db.repositories.profiles import ACTIVE, get_profile
from bot.domain.matching import (
    Candidate,
    PairCheck,
    PairIssue,
    check_pair,
    match,
    utc_offset_minutes,
)

PREVIEW, CONFIRMED, CANCELLED = "preview", "confirmed", "cancelled"


@dataclass(frozen=True, slots=True)
class ConfirmOutcome:
    pair_ids: list[int]
    # Proposed pairs dropped because a member became unavailable: (a, b, the unavailable ones).
    dropped: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)
    odd_ones_out: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ManualCheck:
    """Why two members cannot be paired (`blocker`), or what a moderator should know (`check`)."""

    blocker: str | None
    check: PairCheck | None = None

    @property
    def warnings(self) -> tuple[PairIssue, ...]:
        return self.check.issues if self.check else ()


def _candidate(profile: MemberProfile, past: set[int], now) -> Candidate:
    try:
        offset = utc_offset_minutes(profile.timezone, now)
    except (ZoneInfoNotFoundError, ValueError):
        offset = None
    return Candidate(
        user_id=profile.user_id,
        teaches=frozenset(profile.skill_keys("teach")),
        learns=frozenset(profile.skill_keys("learn")),
        languages=frozenset(profile.languages),
        utc_offset_minutes=offset,
        city=profile.city,
        in_person_ok=profile.in_person_ok,
        priority=profile.queue_priority,
        past_partners=frozenset(past),
    )


def _proposal_pair(pair) -> dict:
    return {
        "a": pair.a,
        "b": pair.b,
        "a_teaches_b": list(pair.a_teaches_b),
        "b_teaches_a": list(pair.b_teaches_a),
        "same_city": pair.same_city,
    }


class MatchingRounds:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _available(self, session: AsyncSession, guild_id: int, present: set[int]) -> dict[int, MemberProfile]:
        """Active profiles of members still in the server and in no open pair."""
        busy = await repo.members_in_open_pairs(session, guild_id)
        query = select(MemberProfile).where(MemberProfile.guild_id == guild_id, MemberProfile.status == ACTIVE)
        return {
            profile.user_id: profile
            for profile in (await session.scalars(query)).all()
            if profile.user_id in present and profile.user_id not in busy
        }

    async def preview(self, guild_id: int, moderator_id: int, present: set[int], seed: int | None = None) -> MatchRound:
        async with self._db.session() as session:
            available = await self._available(session, guild_id, present)
            past = await repo.past_partners(session, guild_id)
            now = self._clock.now()
            seed = random.SystemRandom().randrange(2**31) if seed is None else seed
            result = match([_candidate(p, past.get(uid, set()), now) for uid, p in available.items()], seed=seed)
            round_ = MatchRound(
                guild_id=guild_id,
                status=PREVIEW,
                seed=seed,
                proposal={
                    "pairs": [_proposal_pair(p) for p in result.pairs],
                    "unmatched": [{"user_id": u.user_id, "reason": u.reason.value} for u in result.unmatched],
                },
                created_by=moderator_id,
                created_at=now,
            )
            session.add(round_)
            await session.flush()
            return round_

    async def get(self, round_id: int) -> MatchRound | None:
        async with self._db.session() as session:
            return await session.get(MatchRound, round_id)

    async def cancel(self, round_id: int, moderator_id: int) -> bool:
        async with self._db.session() as session:
            return await repo.claim_round(session, round_id, CANCELLED, moderator_id, self._clock.now())

    async def confirm(self, round_id: int, moderator_id: int, present: set[int]) -> ConfirmOutcome | None:
        """Create the proposed pairs that are still possible, exactly once (None: already decided)."""
        async with self._db.session() as session:
            now = self._clock.now()
            # Decided once (a conditional UPDATE, the transaction's first statement), and nobody is paired
            # elsewhere meanwhile (the guild's lock): the pairs are created in this same transaction, so two
            # clicks, or two processes, confirm once, and a manual pair made at that moment cannot take a
            # member twice.
            if not await repo.claim_round(session, round_id, CONFIRMED, moderator_id, now):
                return None
            round_ = await session.get(MatchRound, round_id)
            assert round_ is not None
            await guilds.lock_guild(session, round_.guild_id, now)
            available = await self._available(session, round_.guild_id, present)
            created: list[Pair] = []
            dropped: list[tuple[int, int, tuple[int, ...]]] = []
            requeue: list[int] = []
            for proposed in round_.proposal["pairs"]:
                a, b = proposed["a"], proposed["b"]
                gone = tuple(m for m in (a, b) if m not in available)
                if gone:
                    dropped.append((a, b, gone))
                    requeue += [m for m in (a, b) if m not in gone]
                    continue
                created.append(self._new_pair(round_.guild_id, proposed, "round", now, round_id=round_id))
                available.pop(a), available.pop(b)
            odd = [u["user_id"] for u in round_.proposal["unmatched"] if u["reason"] == "odd_one_out"]
            session.add_all(created)
            paired = [m for pair in created for m in pair.members() if m is not None]
            if paired:  # their turn came: back to the ordinary queue
                await session.execute(
                    update(MemberProfile)
                    .where(MemberProfile.guild_id == round_.guild_id, MemberProfile.user_id.in_(paired))
                    .values(queue_priority=0)
                )
            await repo.bump_priority(session, round_.guild_id, requeue + odd)
            await session.flush()
            return ConfirmOutcome([p.id for p in created], dropped, odd)

    @staticmethod
    def _new_pair(guild_id: int, proposed: dict, origin: str, now, round_id: int | None = None) -> Pair:
        return Pair(
            guild_id=guild_id,
            member_a_id=proposed["a"],
            member_b_id=proposed["b"],
            status=PENDING,
            origin=origin,
            round_id=round_id,
            a_teaches_b=proposed["a_teaches_b"],
            b_teaches_a=proposed["b_teaches_a"],
            same_city=proposed["same_city"],
            created_at=now,
        )

    async def check_manual(self, guild_id: int, a: int, b: int) -> ManualCheck:
        async with self._db.session() as session:
            return await self._check_manual(session, guild_id, a, b)

    async def _check_manual(self, session: AsyncSession, guild_id: int, a: int, b: int) -> ManualCheck:
        if a == b:
            return ManualCheck("same_member")
        profiles = {}
        for user_id in (a, b):
            profile = await get_profile(session, guild_id, user_id)
            if profile is None:
                return ManualCheck("not_joined")
            if await repo.open_pair_of(session, guild_id, user_id) is not None:
                return ManualCheck("already_paired")
            profiles[user_id] = profile
        past = await repo.past_partners(session, guild_id)
        now = self._clock.now()
        check = check_pair(*(_candidate(profiles[u], past.get(u, set()), now) for u in (a, b)))
        return ManualCheck(None, check)

    async def create_manual(self, guild_id: int, a: int, b: int) -> Pair | None:
        """Pair two members by hand (after `check_manual`); None if one got paired meanwhile."""
        async with self._db.session() as session:
            await guilds.lock_guild(session, guild_id, self._clock.now())  # checked and created in one go
            check = await self._check_manual(session, guild_id, a, b)
            if check.blocker is not None or check.check is None:
                return None
            pair = self._new_pair(guild_id, _proposal_pair(check.check), "manual", self._clock.now())
            session.add(pair)
            await session.flush()
            return pair
