"""Per-server program settings, cached in memory (read on every interaction, written by `setup`).

Several processes may share the database: a change is announced with NOTIFY (`CHANGED`, the guild id)
in the transaction that makes it, and every process listening re-reads that guild's settings
(`reload`); after its listening connection was lost, a process re-reads them all (`load_all`). In
steady state a guild's interactions all reach the one process running its shard, so this matters
while two processes overlap (a re-shard, a deploy), and keeps them from acting on stale settings then.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass

from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import GuildSettings
from bot.db.postgres import notify
from bot.db.repositories import guilds

CHANGED = "binome_guild_settings"  # the NOTIFY channel: payload = the guild id

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
        # Re-reads one at a time, in the order the changes were announced (the last read is the latest).
        self._reading = asyncio.Lock()
        self._announced_while_loading: set[int] | None = None

    async def load_all(self) -> None:
        self._announced_while_loading = set()
        try:
            async with self._db.session() as session:
                rows = (await session.scalars(select(GuildSettings))).all()
            self._cache = {row.guild_id: GuildConfig.of(row) for row in rows}
            # Changes announced while loading may be newer than what was loaded: read those again.
            while self._announced_while_loading:
                await self._read(self._announced_while_loading.pop())
        finally:
            self._announced_while_loading = None

    async def reload(self, guild_id: int) -> None:
        """Another process changed the guild's settings: read them again (if this process has them:
        otherwise they are read when first needed)."""
        if self._announced_while_loading is not None:
            self._announced_while_loading.add(guild_id)
        elif guild_id in self._cache:
            await self._read(guild_id)

    async def _read(self, guild_id: int) -> None:
        async with self._reading:
            async with self._db.session() as session:
                row = await session.get(GuildSettings, guild_id)
            if row is not None:
                self._cache[guild_id] = GuildConfig.of(row)

    async def on_notified(self, payload: str) -> None:
        try:
            guild_id = int(payload)
        except ValueError:
            return
        await self.reload(guild_id)

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
            await notify(session, CHANGED, str(guild_id))  # delivered to the other processes at commit
        self._cache[guild_id] = config
        return config
