"""Members joining, editing, pausing and leaving the program: the use cases behind `/mentoring`.

No Discord here: the cog turns interactions into these calls and the results into replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberProfile, Skill
from bot.db.repositories import community, erasure, guilds, pairs, profiles
from bot.domain.profiles import Issue, ProfileDraft, clean, language_problems, skill_problems, validate
from bot.domain.skills import SkillSpec
from bot.services.languages import MemberLocales


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    issues: list[Issue]
    created: bool = False

    @property
    def saved(self) -> bool:
        return not self.issues


def skill_spec(skill: Skill) -> SkillSpec:
    return SkillSpec(
        skill.key, skill.side, skill.name_en, skill.name_fr, skill.side_name, removed=skill.removed_at is not None
    )


class Membership:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # The members' languages and last Discord locale, for `Binome.member_locale` (kept in step here).
        self.locales = MemberLocales(db, clock)

    async def catalogue(self, guild_id: int) -> list[SkillSpec]:
        """The server's skills in display order, those moderators removed included (`removed`): their
        labels still name what profiles and pairs used. Menus offer only the others."""
        async with self._db.session() as session:
            await guilds.get_or_create_settings(session, guild_id, self._clock.now())
            skills = await guilds.skill_catalogue(session, guild_id, include_removed=True)
            return [skill_spec(skill) for skill in skills]

    async def profile(self, guild_id: int, user_id: int) -> MemberProfile | None:
        async with self._db.session() as session:
            return await profiles.get_profile(session, guild_id, user_id)

    async def draft(self, guild_id: int, user_id: int) -> ProfileDraft | None:
        profile = await self.profile(guild_id, user_id)
        return profiles.draft_of(profile) if profile else None

    @staticmethod
    def first_step_issues(draft: ProfileDraft, catalogue: list[SkillSpec]) -> list[Issue]:
        """Problems with what the menus hold, before asking for the free-text part."""
        live = [s.key for s in catalogue if not s.removed]
        return skill_problems(draft.teaches, draft.learns, live) + language_problems(draft.languages)

    async def save(
        self, guild_id: int, user_id: int, draft: ProfileDraft, *, discord_locale: str | None = None
    ) -> SaveOutcome:
        """Validate and store the whole profile in one transaction: all of it or nothing.
        `discord_locale`: the member's Discord locale as they saved it (for their DMs)."""
        async with self._db.session() as session:
            skills = await guilds.skill_catalogue(session, guild_id)
            issues = validate(draft, [skill.key for skill in skills])
            if issues:
                return SaveOutcome(issues)
            profile, created = await profiles.save_profile(
                session, guild_id, user_id, clean(draft), skills, self._clock.now()
            )
            if discord_locale is not None:
                profile.discord_locale = discord_locale
            languages, locale = frozenset(profile.languages), profile.discord_locale
        self.locales.remember(guild_id, user_id, languages, locale)
        return SaveOutcome([], created=created)

    async def set_status(self, guild_id: int, user_id: int, status: str) -> bool | None:
        """None when the member has no profile, False when nothing changed, True when it did."""
        async with self._db.session() as session:
            profile = await profiles.get_profile(session, guild_id, user_id)
            if profile is None:
                return None
            return await profiles.set_status(session, profile, status, self._clock.now())

    async def erase_member(self, guild_id: int, user_id: int) -> bool:
        """Erase everything the member wrote and every reference to them in this guild, in one
        transaction (`/mentoring leave`, and a moderator's erasure on the member's request); their
        past pairs stay only as anonymous statistics. True if anything about them was stored.

        Discord-side effects (ending their pair, telling the partner) are the caller's, first."""
        async with self._db.session() as session:
            erased = await erasure.erase_member(session, guild_id, user_id, self._clock.now())
        self.locales.forget(guild_id, user_id)
        return erased

    async def leave(self, guild_id: int, user_id: int) -> bool:
        """The member leaves the program: `erase_member`."""
        return await self.erase_member(guild_id, user_id)

    async def export(self, guild_id: int, user_id: int) -> dict | None:
        async with self._db.session() as session:
            profile = await profiles.get_profile(session, guild_id, user_id)
            if profile is None:
                return None
            return {
                "profile": profiles.export_profile(profile),
                "pairs": await pairs.export_member_pairs(session, guild_id, user_id),
                **await community.export_member(session, guild_id, user_id),
            }
