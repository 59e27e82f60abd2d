"""Matching rounds and manual pairing: from profiles to proposed pairs, and from a confirmed
proposal to pairs waiting for their channel. No Discord here."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import Clock
from bot.db.engine import Database, RawJSON
from bot.db.models import MatchRound, MemberProfile, MemberSkill, Pair, Skill
from bot.db.repositories import pairs as repo
from bot.db.repositories.pairs import PENDING
from bot.db.repositories.profiles import ACTIVE, get_profile
from bot.domain.matching import Candidate, PairCheck, PairIssue, check_pair
from bot.services.round_job import RoundConstraints, RoundRows, candidate, offset, proposal_pair, propose_round
from bot.services.worker import CpuWorker, InlineWorker

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


def _candidate(profile: MemberProfile, past: set[int], now: datetime) -> Candidate:
    return candidate(
        profile.user_id,
        profile.skill_keys("teach"),
        profile.skill_keys("learn"),
        profile.languages,
        offset(profile.timezone, now, {}),
        profile.city,
        profile.in_person_ok,
        profile.queue_priority,
        past,
        RoundConstraints(),
    )


_PARTITION = 2000
"""Rows read per step: the event loop turns to other interactions between steps."""


class MatchingRounds:
    def __init__(self, db: Database, clock: Clock, worker: CpuWorker | None = None) -> None:
        """``worker`` runs the round's CPU work (the bot passes its process pool; by default a
        thread, for tests and tools)."""
        self._db = db
        self._clock = clock
        self._worker = worker or InlineWorker()

    async def constraints(self, session: AsyncSession, guild_id: int) -> RoundConstraints:
        """HOOK for issue 11's storage: read the guild's "avoid" lists, moderators' exclusions, the
        members' organizations and the server's "keep organizations apart" setting here. The engine
        and the preview already honour and explain them; until that storage exists there are none."""
        return RoundConstraints()

    async def _rows(self, session: AsyncSession, guild_id: int, present: set[int]) -> RoundRows:
        """The available members as plain rows, read a partition at a time: a 20,000-member round
        reads 100,000 rows, which must not hold the event loop for seconds. The engine's candidates
        are built from them in the worker (see ``round_job``)."""
        busy = await repo.members_in_open_pairs(session, guild_id)
        active = (MemberProfile.guild_id == guild_id, MemberProfile.status == ACTIVE)
        rows = RoundRows()
        index: dict[int, int] = {}
        profiles = await session.stream(
            select(
                MemberProfile.id,
                MemberProfile.user_id,
                MemberProfile.languages,
                MemberProfile.timezone,
                MemberProfile.city,
                MemberProfile.in_person_ok,
                MemberProfile.queue_priority,
            ).where(*active)
        )
        async for part in profiles.partitions(_PARTITION):
            for pid, user_id, languages, timezone, city, in_person_ok, priority in part:
                if user_id in present and user_id not in busy:
                    index[pid] = len(rows.profiles)
                    rows.profiles.append((user_id, languages, timezone, city, in_person_ok, priority))
        keys = dict((await session.execute(select(Skill.id, Skill.key).where(Skill.guild_id == guild_id))).all())
        skills = await session.stream(
            select(MemberSkill.profile_id, MemberSkill.direction, MemberSkill.skill_id)
            .join(MemberProfile, MemberProfile.id == MemberSkill.profile_id)
            .where(*active)
        )
        async for part in skills.partitions(_PARTITION):
            for pid, direction, skill_id in part:
                member = index.get(pid)
                key = keys.get(skill_id)
                if member is not None and key is not None:
                    rows.skill_member.append(member)
                    rows.skill_learns.append(direction == "learn")
                    rows.skill_key.append(key)
        past = await repo.past_partners(session, guild_id)
        rows.past = [(a, b) for a, others in past.items() for b in others if a < b]
        return rows

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
        """Propose a round. The matching runs in the worker, with no database session open."""
        now = self._clock.now()
        async with self._db.session() as session:
            rows = await self._rows(session, guild_id, present)
            constraints = await self.constraints(session, guild_id)
        seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        proposal, serialized = await self._worker.run(propose_round, rows, constraints, now, seed)
        async with self._db.session() as session:
            round_ = MatchRound(
                guild_id=guild_id,
                status=PREVIEW,
                seed=seed,
                proposal=RawJSON(serialized),
                created_by=moderator_id,
                created_at=now,
            )
            session.add(round_)
            await session.flush()
            set_committed_value(round_, "proposal", proposal)
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
            if not await repo.claim_round(session, round_id, CONFIRMED, moderator_id, now):
                return None
            round_ = await session.get(MatchRound, round_id)
            assert round_ is not None
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
        if a == b:
            return ManualCheck("same_member")
        async with self._db.session() as session:
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
        check = await self.check_manual(guild_id, a, b)
        if check.blocker is not None or check.check is None:
            return None
        async with self._db.session() as session:
            pair = self._new_pair(guild_id, proposal_pair(check.check), "manual", self._clock.now())
            session.add(pair)
            await session.flush()
            return pair
