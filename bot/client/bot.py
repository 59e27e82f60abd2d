"""The Bot class: owns the database, clock and settings, loads every cog, syncs commands deliberately."""

from __future__ import annotations

import logging
import pkgutil
from datetime import timedelta

import discord
from discord.ext import commands

import cogs
from bot.client.command_sync import sync_commands
from bot.client.errors import BinomeTree
from bot.client.interactions import reply_key
from bot.client.translator import CatalogueTranslator
from bot.client.ui import is_stale_temporary_id
from bot.clock import Clock
from bot.db.engine import Database
from bot.i18n import supported_locale
from bot.scheduler import Scheduler
from bot.services.charters import Charters
from bot.services.claims import Claims
from bot.services.console import ConsoleServices
from bot.services.ending import PairEnding
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from bot.services.weekly import WeeklyService
from bot.settings import Settings

log = logging.getLogger(__name__)


def discover_extensions() -> list[str]:
    """Every module or package in `cogs/` whose name does not start with an underscore."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def intents() -> discord.Intents:
    # Members (privileged) is needed to welcome newcomers and notice members who leave.
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.members = True
    return chosen


class Binome(commands.Bot):
    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # no prefix commands: everything is a slash command
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BinomeTree,
            help_command=None,
        )
        self.settings = settings
        self.db = db
        self.clock = clock
        # Exactly-once work (messages, kickoffs, reports...): claims with an owner and a lease.
        self.claims = Claims(db, clock, lease=timedelta(seconds=settings.claim_lease_seconds))
        # The use cases, shared by the cogs (which stay thin: parse, call these, render).
        self.guild_configs = GuildConfigs(db, clock)
        self.membership = Membership(db, clock)
        self.pairs = PairService(db, clock)
        self.rounds = MatchingRounds(db, clock)
        self.weekly = WeeklyService(db, clock)
        self.charters = Charters(db, clock)
        self.ending = PairEnding(db, clock)
        self.console = ConsoleServices(db, clock)  # pair health, stats, export, audit, reports
        self.scheduler = Scheduler(clock, settings.tick_seconds)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator())
        await self.guild_configs.load_all()
        for extension in discover_extensions():
            await self.load_extension(extension)
            log.info("loaded %s", extension)
        await sync_commands(self)

    def server_locale(self, guild: discord.Guild) -> str:
        """The language of what everyone in a server reads (pair channels, moderators' messages)."""
        return self.guild_locale(guild.id, str(guild.preferred_locale))

    def guild_locale(self, guild_id: int | None, discord_guild_locale: str | None = None) -> str:
        """The language the server configured, else the server's Discord locale, else the default."""
        config = self.guild_configs.cached(guild_id) if guild_id is not None else None
        if config is not None and config.locale:
            return config.locale
        return supported_locale(discord_guild_locale) or self.settings.default_locale

    async def on_ready(self) -> None:
        # Scheduled work needs the guild cache, so it starts once the gateway is ready.
        self.scheduler.start()
        log.info("Binôme ready as %s in %d guild(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        await self.scheduler.shutdown()
        await super().close()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # A menu from before a restart: its view is gone, so answer instead of letting it fail.
        custom_id = (interaction.data or {}).get("custom_id", "")
        if isinstance(custom_id, str) and is_stale_temporary_id(custom_id) and not interaction.response.is_done():
            await reply_key(interaction, "common.errors.menu_expired")
