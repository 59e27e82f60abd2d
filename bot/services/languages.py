"""Languages: what members chose and their last Discord locale (cached, for `Binome.member_locale`),
and each pair's language (decided when the pair is formed, changed by the pair). No Discord here.

`Binome.pair_locale`, `member_locale` and `moderators_locale` answer synchronously (they are asked
while rendering), so the members' languages are held in memory: every profile is read once at start,
then each save, erasure and newly seen Discord locale updates the cache with the database. A server
is served by one process (its shard's), which therefore sees every change to its members.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from sqlalchemy import select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberProfile, Pair
from bot.db.repositories.pairs import OPEN, open_pair_of
from bot.db.repositories.profiles import get_profile
from bot.domain.languages import both_speak


@dataclass(frozen=True, slots=True)
class MemberLanguages:
    languages: frozenset[str]  # what the member chose in their profile
    discord_locale: str | None  # their Discord client's locale at their last interaction ("fr", "en-US"...)


class MemberLocales:
    """The cache behind `Binome.member_locale`, kept with the database by `Membership`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._known: dict[tuple[int, int], MemberLanguages] = {}
        self._sets: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct choice of languages

    def _shared(self, languages: frozenset[str]) -> frozenset[str]:
        return self._sets.setdefault(languages, languages)

    async def load_all(self) -> None:
        async with self._db.session() as session:
            rows = await session.execute(
                select(
                    MemberProfile.guild_id, MemberProfile.user_id, MemberProfile.languages, MemberProfile.discord_locale
                )
            )
            self._known = {
                (guild_id, user_id): MemberLanguages(self._shared(frozenset(languages or ())), discord_locale)
                for guild_id, user_id, languages, discord_locale in rows
            }

    def get(self, guild_id: int, user_id: int) -> MemberLanguages | None:
        return self._known.get((guild_id, user_id))

    def remember(self, guild_id: int, user_id: int, languages: frozenset[str], discord_locale: str | None) -> None:
        self._known[(guild_id, user_id)] = MemberLanguages(self._shared(frozenset(languages)), discord_locale)

    def forget(self, guild_id: int, user_id: int) -> None:
        self._known.pop((guild_id, user_id), None)

    async def saw(self, guild_id: int, user_id: int, discord_locale: str) -> bool:
        """The member interacted with this Discord locale: remember it (one write, only when it changed).
        Members without a profile are not remembered (nothing is stored about them)."""
        known = self.get(guild_id, user_id)
        if known is None or known.discord_locale == discord_locale:
            return False
        async with self._db.session() as session:
            result = await session.execute(
                update(MemberProfile)
                .where(MemberProfile.guild_id == guild_id, MemberProfile.user_id == user_id)
                .values(discord_locale=discord_locale)
            )
        if result.rowcount:
            self._known[(guild_id, user_id)] = replace(known, discord_locale=discord_locale)
        else:
            self.forget(guild_id, user_id)
        return bool(result.rowcount)


class LanguageChange(enum.Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_OPEN = "not_open"


@dataclass(frozen=True, slots=True)
class PairSpeakers:
    """An open pair and the languages each of its two members chose."""

    pair: Pair
    first: frozenset[str]
    second: frozenset[str]

    def both_speak(self, language: str) -> bool:
        return both_speak(language, self.first, self.second)


class PairLanguages:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set(self, pair_id: int, locale: str) -> LanguageChange:
        """The pair chose its language (`/pair language`)."""
        async with self._db.session() as session:
            pair = await session.get(Pair, pair_id, with_for_update=True)
            if pair is None or pair.status not in OPEN:
                return LanguageChange.NOT_OPEN
            if pair.locale == locale:
                return LanguageChange.UNCHANGED
            pair.locale = locale
            return LanguageChange.CHANGED

    async def speakers(self, guild_id: int, user_id: int) -> PairSpeakers | None:
        """The member's open pair and what each of the two speaks (after a profile edit, the pair's
        language may no longer be one both chose: the pair keeps it, and is told how to change it)."""
        async with self._db.session() as session:
            pair = await open_pair_of(session, guild_id, user_id)
            if pair is None or pair.member_a_id is None or pair.member_b_id is None:
                return None
            first = await get_profile(session, guild_id, pair.member_a_id)
            second = await get_profile(session, guild_id, pair.member_b_id)
            if first is None or second is None:
                return None
            return PairSpeakers(pair, frozenset(first.languages), frozenset(second.languages))
