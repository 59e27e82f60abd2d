"""Per-server program settings, cached in memory (read on every interaction, written by `setup`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import GuildSettings
from bot.db.repositories import guilds

ARCHIVE = "archive"
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    locale: str | None  # None: not chosen yet, follow the server's Discord language
    moderator_role_id: int | None
    mod_channel_id: int | None
    welcome_channel_id: int | None
    pair_category_name: str
    archive_mode: str
    nudge_weekday: int  # 0 = Monday
    nudge_time: str  # "HH:MM", in `timezone`
    timezone: str
    cycle_months: int
    separate_organizations: bool = False  # members of the same organization are never paired
    voice_checkins: bool = False  # check-ins from voice presence (and a voice channel per pair)
    voice_min_minutes: int = 20  # together this long in voice before "log it?" is asked

    @classmethod
    def of(cls, row: GuildSettings) -> GuildConfig:
        return cls(
            guild_id=row.guild_id,
            locale=row.locale,
            moderator_role_id=row.moderator_role_id,
            mod_channel_id=row.mod_channel_id,
            welcome_channel_id=row.welcome_channel_id,
            pair_category_name=row.pair_category_name,
            archive_mode=row.archive_mode,
            nudge_weekday=row.nudge_weekday,
            nudge_time=row.nudge_time,
            timezone=row.timezone,
            cycle_months=row.cycle_months,
            separate_organizations=bool(row.separate_organizations),
            voice_checkins=bool(row.voice_checkins),
            voice_min_minutes=row.voice_min_minutes,
        )


EDITABLE = frozenset(f.name for f in dataclasses.fields(GuildConfig)) - {"guild_id"}


class GuildConfigs:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._cache: dict[int, GuildConfig] = {}

    async def load_all(self) -> None:
        async with self._db.session() as session:
            rows = (await session.scalars(select(GuildSettings))).all()
        self._cache = {row.guild_id: GuildConfig.of(row) for row in rows}

    def cached(self, guild_id: int) -> GuildConfig | None:
        return self._cache.get(guild_id)

    async def get(self, guild_id: int) -> GuildConfig:
        config = self._cache.get(guild_id)
        if config is None:
            async with self._db.session() as session:
                config = GuildConfig.of(await guilds.get_or_create_settings(session, guild_id, self._clock.now()))
            self._cache[guild_id] = config
        return config

    async def update(self, guild_id: int, **changes: object) -> GuildConfig:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"not a guild setting: {sorted(unknown)}")
        async with self._db.session() as session:
            row = await guilds.get_or_create_settings(session, guild_id, self._clock.now())
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = self._clock.now()
            config = GuildConfig.of(row)
        self._cache[guild_id] = config
        return config
