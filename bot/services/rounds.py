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
from bot.db.repositories import community, guilds
from bot.db.repositories import pairs as repo
from bot.db.repositories.pairs import PENDING
from bot.db.repositories.profiles import ACTIVE, get_profile
from bot.domain.catalogue import normalized
from bot.domain.languages import pair_language
from bot.domain.matching import Candidate, PairCheck, PairIssue, check_pair
from bot.i18n import FALLBACK, SUPPORTED, supported_locale
from bot.services.announcements import Announcements, close_for_round
from bot.services.round_job import RoundConstraints, RoundRows, candidate, offset, proposal_pair, propose_round
from bot.services.worker import CpuWorker, InlineWorker

PREVIEW, CONFIRMED, CANCELLED = "preview", "confirmed", "cancelled"


@dataclass(frozen=True, slots=True)
class ConfirmOutcome:
    pair_ids: list[int]
    # Proposed pairs dropped because a member became unavailable: (a, b, the unavailable ones).
    dropped: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)
    odd_ones_out: list[int] = field(default_factory=list)
    announcement_id: int | None = None  # the announcement of this round, closed by it


@dataclass(frozen=True, slots=True)
class ManualCheck:
    """Why two members cannot be paired (`blocker`), or what a moderator should know (`check`)."""

    blocker: str | None
    check: PairCheck | None = None
    notes: tuple[str, ...] = ()  # more warnings: "same_organization"

    @property
    def warnings(self) -> tuple[PairIssue, ...]:
        return self.check.issues if self.check else ()


def _candidate(
    profile: MemberProfile, past: set[int], now: datetime, constraints: RoundConstraints | None = None
) -> Candidate:
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
        constraints or RoundConstraints(),
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
        """The guild's "avoid" lists, moderators' exclusions, the members' organizations (when the server
        keeps them apart) and who sits the announced round out."""
        settings = await guilds.get_or_create_settings(session, guild_id, self._clock.now())
        separate = bool(settings.separate_organizations)
        return RoundConstraints(
            avoid=await community.avoid_lists(session, guild_id),
            excluded_pairs=await community.excluded_pairs(session, guild_id),
            organizations=await community.organizations(session, guild_id) if separate else {},
            separate_organizations=separate,
            sitting_out=frozenset(await community.sitting_out(session, guild_id)),
        )

    async def _rows(
        self, session: AsyncSession, guild_id: int, present: set[int], constraints: RoundConstraints
    ) -> RoundRows:
        """The available members as plain rows, read a partition at a time: a 20,000-member round
        reads 100,000 rows, which must not hold the event loop for seconds. The engine's candidates
        are built from them in the worker (see ``round_job``)."""
        busy = await repo.members_in_open_pairs(session, guild_id) | constraints.sitting_out
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
        keys = dict(
            (
                await session.execute(
                    select(Skill.id, Skill.key).where(Skill.guild_id == guild_id, Skill.removed_at.is_(None))
                )
            ).all()
        )
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
        """Active profiles of members still in the server, in no open pair, not sitting this round out."""
        busy = await repo.members_in_open_pairs(session, guild_id) | await community.sitting_out(session, guild_id)
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
            constraints = await self.constraints(session, guild_id)
            rows = await self._rows(session, guild_id, present, constraints)
            announced = await Announcements.counts(session, guild_id)
        announcement = None
        if announced is not None:
            announcement = {
                "id": announced.announcement_id,
                "date": announced.round_date.isoformat(),
                "available": announced.available,
                "sitting_out": announced.sitting_out,
            }
        seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        proposal, serialized = await self._worker.run(propose_round, rows, constraints, now, seed, announcement)
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

    async def confirm(
        self, round_id: int, moderator_id: int, present: set[int], *, program_locale: str | None = None
    ) -> ConfirmOutcome | None:
        """Create the proposed pairs that are still possible, exactly once (None: already decided).

        Each pair gets its language from the two profiles (`pair_language`), preferring `program_locale`
        (the caller's `Binome.moderators_locale`; by default the language set in `setup`)."""
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
            program = await _program_locale(session, round_.guild_id, program_locale, now)
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
                locale = pair_language(available[a].languages, available[b].languages, program, SUPPORTED)
                created.append(self._new_pair(round_.guild_id, proposed, "round", now, locale, round_id=round_id))
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
            # The round ran: its announcement closes, and who sat it out is back for the next one.
            announcement = await close_for_round(session, round_.guild_id, round_id, now)
            await session.flush()
            return ConfirmOutcome([p.id for p in created], dropped, odd, announcement.id if announcement else None)

    @staticmethod
    def _new_pair(guild_id: int, proposed: dict, origin: str, now, locale: str, round_id: int | None = None) -> Pair:
        return Pair(
            locale=locale,
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
            check, _ = await self._check_manual(session, guild_id, a, b)
            return check

    async def _check_manual(
        self, session: AsyncSession, guild_id: int, a: int, b: int
    ) -> tuple[ManualCheck, dict[int, MemberProfile]]:
        if a == b:
            return ManualCheck("same_member"), {}
        profiles = {}
        for user_id in (a, b):
            profile = await get_profile(session, guild_id, user_id)
            if profile is None:
                return ManualCheck("not_joined"), {}
            if await repo.open_pair_of(session, guild_id, user_id) is not None:
                return ManualCheck("already_paired"), {}
            profiles[user_id] = profile
        past = await repo.past_partners(session, guild_id)
        now = self._clock.now()
        constraints = await self.constraints(session, guild_id)
        # Never against a member's "avoid" (whose, the moderator is not told) or moderators' exclusion.
        if b in constraints.avoid.get(a, ()) or a in constraints.avoid.get(b, ()):
            return ManualCheck("avoided"), {}
        if frozenset((a, b)) in constraints.excluded_pairs:
            return ManualCheck("excluded"), {}
        check = check_pair(*(_candidate(profiles[u], past.get(u, set()), now, constraints) for u in (a, b)))
        org_a, org_b = (constraints.organizations.get(u) for u in (a, b))
        same = org_a is not None and org_b is not None and normalized(org_a) == normalized(org_b)
        return ManualCheck(None, check, ("same_organization",) if same else ()), profiles

    async def create_manual(self, guild_id: int, a: int, b: int, *, program_locale: str | None = None) -> Pair | None:
        """Pair two members by hand (after `check_manual`); None if one got paired meanwhile. The pair's
        language is decided as in `confirm` (one both speak; with none shared, still one of theirs)."""
        async with self._db.session() as session:
            now = self._clock.now()
            await guilds.lock_guild(session, guild_id, now)  # checked and created in one go
            check, profiles = await self._check_manual(session, guild_id, a, b)
            if check.blocker is not None or check.check is None:
                return None
            program = await _program_locale(session, guild_id, program_locale, now)
            locale = pair_language(profiles[a].languages, profiles[b].languages, program, SUPPORTED)
            pair = self._new_pair(guild_id, proposal_pair(check.check), "manual", now, locale)
            session.add(pair)
            await session.flush()
            return pair


async def _program_locale(session: AsyncSession, guild_id: int, given: str | None, now: datetime) -> str:
    """The program's language as the caller knows it (with the server's Discord language), else the one
    set in `setup`, else the default."""
    if supported_locale(given):
        return supported_locale(given)  # type: ignore[return-value]
    settings = await guilds.get_or_create_settings(session, guild_id, now)
    return supported_locale(settings.locale) or FALLBACK
