"""The server's own skill catalogue (`/mentoring-admin skills`): list, add, rename, remove.

No Discord here. Each change runs in one transaction and is refused whole when a label is empty, too
long or already used, when the catalogue is full, or when it would leave web or business without a
skill. A removed skill keeps its row (`removed_at`): profiles and pairs that used it keep naming it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberSkill, Pair, Skill
from bot.db.repositories import guilds
from bot.db.repositories.pairs import OPEN
from bot.domain.catalogue import (
    MAX_SIDE_NAME,
    MAX_SKILLS,
    LabelProblem,
    clean_label,
    duplicate_of,
    is_built_in,
    label_problem,
    last_of_side,
    make_key,
    normalized,
    side_key,
)
from bot.domain.skills import SkillSpec
from bot.services.membership import skill_spec


class CatalogueError(Exception):
    """A change refused: `key` names the message (`catalogue.errors.<key>`), `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class Usage:
    members: int  # members whose profile has the skill (teaching or learning it)
    pairs: int  # open pairs where one teaches it to the other

    @property
    def in_use(self) -> bool:
        return bool(self.members or self.pairs)


@dataclass(frozen=True, slots=True)
class Change:
    skill: SkillSpec
    before: SkillSpec | None = None
    usage: Usage = field(default_factory=lambda: Usage(0, 0))
    live: int = 0  # live skills after the change


def _check_label(label: str, language: str, catalogue: list[SkillSpec], ignore_key: str | None = None) -> str:
    problem = label_problem(label, language, catalogue, ignore_key=ignore_key)
    cleaned = clean_label(label)
    if problem is LabelProblem.DUPLICATE:
        other = next(s for s in catalogue if s.key == duplicate_of(cleaned, language, catalogue, ignore_key))
        raise CatalogueError("duplicate", label=cleaned, language=language, other=other.name(language))
    if problem is not None:
        raise CatalogueError(f"label_{problem.value}", language=language, length=len(cleaned))
    return cleaned


class SkillCatalogue:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _skills(self, session: AsyncSession, guild_id: int) -> list[Skill]:
        await guilds.get_or_create_settings(session, guild_id, self._clock.now())
        await guilds.lock_guild(session, guild_id, self._clock.now())  # two moderators editing at once
        return await guilds.skill_catalogue(session, guild_id, include_removed=True)

    async def all(self, guild_id: int) -> list[SkillSpec]:
        """Every skill, removed ones included (flagged), in display order."""
        async with self._db.session() as session:
            await guilds.get_or_create_settings(session, guild_id, self._clock.now())
            return [skill_spec(s) for s in await guilds.skill_catalogue(session, guild_id, include_removed=True)]

    async def add(self, guild_id: int, name_fr: str, name_en: str, side: str) -> Change:
        """`side`: "web", "business" or the name of a side (a new name makes a new side)."""
        async with self._db.session() as session:
            rows = await self._skills(session, guild_id)
            catalogue = [skill_spec(s) for s in rows]
            live = [s for s in catalogue if not s.removed]
            if len(live) >= MAX_SKILLS:
                raise CatalogueError("full", limit=MAX_SKILLS)
            fr = _check_label(name_fr, "fr", catalogue)
            en = _check_label(name_en, "en", catalogue)
            key_of_side, side_name = self._side(side, catalogue)
            skill = Skill(
                guild_id=guild_id,
                key=make_key(en, (s.key for s in catalogue)),
                side=key_of_side,
                side_name=side_name,
                name_fr=fr,
                name_en=en,
                position=max((s.position for s in rows), default=-1) + 1,
            )
            session.add(skill)
            await session.flush()
            return Change(skill_spec(skill), live=len(live) + 1)

    @staticmethod
    def _side(side: str, catalogue: list[SkillSpec]) -> tuple[str, str | None]:
        name = " ".join(side.split())
        if not name:
            raise CatalogueError("side_empty")
        if len(name) > MAX_SIDE_NAME:
            raise CatalogueError("side_too_long", limit=MAX_SIDE_NAME, length=len(name))
        key = side_key(name)
        if is_built_in(key):
            return key, None
        # The spelling of the side's first skill is kept (a side is one side whatever the case or accents).
        existing = next((s.side_name for s in catalogue if s.side == key and s.side_name), None)
        return key, existing or name

    async def rename(self, guild_id: int, key: str, name_fr: str | None, name_en: str | None) -> Change:
        if not (name_fr or name_en):
            raise CatalogueError("rename_nothing")
        async with self._db.session() as session:
            rows = await self._skills(session, guild_id)
            catalogue = [skill_spec(s) for s in rows]
            row = self._live(rows, key)
            before = skill_spec(row)
            if name_fr:
                row.name_fr = _check_label(name_fr, "fr", catalogue, ignore_key=key)
            if name_en:
                row.name_en = _check_label(name_en, "en", catalogue, ignore_key=key)
            if (row.name_fr, row.name_en) == (before.name_fr, before.name_en):
                raise CatalogueError("rename_same")
            return Change(skill_spec(row), before, live=sum(not s.removed for s in catalogue))

    @staticmethod
    def _live(rows: list[Skill], key: str) -> Skill:
        row = next((s for s in rows if s.key == key and s.removed_at is None), None)
        if row is None:
            raise CatalogueError("unknown", skill=key[:80])
        return row

    async def usage(self, guild_id: int, key: str) -> Usage:
        async with self._db.session() as session:
            return await self._usage(session, guild_id, key)

    async def _usage(self, session: AsyncSession, guild_id: int, key: str) -> Usage:
        members = await session.scalar(
            select(func.count(func.distinct(MemberSkill.profile_id)))
            .join(Skill, Skill.id == MemberSkill.skill_id)
            .where(Skill.guild_id == guild_id, Skill.key == key)
        )
        rows = await session.execute(
            select(Pair.a_teaches_b, Pair.b_teaches_a).where(Pair.guild_id == guild_id, Pair.status.in_(OPEN))
        )
        pairs = sum(1 for a_to_b, b_to_a in rows if key in (a_to_b or []) or key in (b_to_a or []))
        return Usage(int(members or 0), pairs)

    async def check_removal(self, guild_id: int, key: str) -> Change:
        """What removing the skill would touch (nothing is changed), or why it cannot be removed."""
        async with self._db.session() as session:
            rows = await guilds.skill_catalogue(session, guild_id, include_removed=True)
            return await self._removable(session, guild_id, rows, key)

    async def _removable(self, session: AsyncSession, guild_id: int, rows: list[Skill], key: str) -> Change:
        row = self._live(rows, key)
        catalogue = [skill_spec(s) for s in rows]
        skill = skill_spec(row)
        if last_of_side(skill, catalogue):
            raise CatalogueError("last_of_side", skill=skill.key, side=skill.side)
        live = sum(not s.removed for s in catalogue) - 1
        return Change(skill, usage=await self._usage(session, guild_id, key), live=live)

    async def remove(self, guild_id: int, key: str) -> Change:
        """Take the skill out of the menus and of matching; its row stays for what used it."""
        async with self._db.session() as session:
            rows = await self._skills(session, guild_id)
            change = await self._removable(session, guild_id, rows, key)
            self._live(rows, key).removed_at = self._clock.now()
            return dataclasses.replace(change, skill=dataclasses.replace(change.skill, removed=True))

    async def find(self, guild_id: int, text: str, locale: str) -> SkillSpec | None:
        """A live skill by its key (what autocomplete sends) or by a label typed in full."""
        catalogue = [s for s in await self.all(guild_id) if not s.removed]
        by_key = next((s for s in catalogue if s.key == text), None)
        if by_key is not None:
            return by_key
        wanted = normalized(text)
        ordered = sorted(catalogue, key=lambda s: s.name(locale) != text)  # the reader's language first
        return next((s for s in ordered if wanted in (normalized(s.name_fr), normalized(s.name_en))), None)
