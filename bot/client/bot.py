"""The Bot class: owns the database, clock and settings, loads every cog, syncs commands deliberately."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot.client.command_sync import sync_commands
from bot.client.errors import BinomeTree
from bot.client.interactions import reply_key
from bot.client.sharding import before_identify, take_shards
from bot.client.translator import CatalogueTranslator
from bot.client.ui import has_handler
from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Pair
from bot.domain.languages import member_language
from bot.domain.shards import describe_shards
from bot.i18n import SUPPORTED, supported_locale
from bot.scheduler import Scheduler
from bot.services.charters import Charters
from bot.services.claims import Claims
from bot.services.community import CommunityServices
from bot.services.console import ConsoleServices
from bot.services.ending import PairEnding
from bot.services.first_meetings import FirstMeetings
from bot.services.guild_config import CHANGED as GUILD_SETTINGS_CHANGED
from bot.services.guild_config import GuildConfigs
from bot.services.identify import IdentifyGate
from bot.services.languages import PairLanguages
from bot.services.locks import Locks
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from bot.services.shards import ShardLeases
from bot.services.slots import SlotService
from bot.services.voice_sessions import VoiceRooms, VoiceSessions
from bot.services.weekly import WeeklyService
from bot.services.worker import CpuWorker
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
    # Voice states (not privileged): check-ins from the time both members of a pair spend together in voice.
    chosen.voice_states = True
    return chosen


class Binome(commands.AutoShardedBot):
    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # no prefix commands: everything is a slash command
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BinomeTree,
            help_command=None,
            # Exactly these shards (SHARD_COUNT/SHARD_IDS), else all of Discord's recommended count (sharding.py).
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,
        )
        self.settings = settings
        self.db = db
        self.clock = clock
        # Shared with the other processes through the database only: shard leases (and the process's
        # own connection, which LISTENs), the identify turns, locks by key.
        self.shard_leases = ShardLeases(db, on_lost=self._shards_lost)
        self.identify_gate = IdentifyGate(db)
        self.max_concurrency = 1  # Discord's identify buckets, from GET /gateway/bot (setup_hook)
        self.locks = Locks(db)
        # Exactly-once work (messages, kickoffs, reports...): claims with an owner and a lease.
        self.claims = Claims(db, clock, lease=timedelta(seconds=settings.claim_lease_seconds))
        # The use cases, shared by the cogs (which stay thin: parse, call these, render).
        self.guild_configs = GuildConfigs(db, clock)
        self.membership = Membership(db, clock)
        self.pairs = PairService(db, clock)
        # CPU-heavy work (matching rounds) runs in a worker process, off the event loop.
        self.cpu = CpuWorker(max_workers=1)
        self.rounds = MatchingRounds(db, clock, self.cpu)
        self.weekly = WeeklyService(db, clock)
        self.charters = Charters(db, clock)
        self.ending = PairEnding(db, clock)
        self.console = ConsoleServices(db, clock)  # pair health, stats, export, audit, reports
        self.community = CommunityServices(db, clock)  # skills, exclusions, announcements, progress
        self.slots = SlotService(db, clock)  # weekly slots, their reminders and invites
        self.first_meetings = FirstMeetings(db, clock)
        self.voice_sessions = VoiceSessions(db, clock)  # check-ins from voice presence
        self.voice_rooms = VoiceRooms(db)
        self.languages = PairLanguages(db, clock)  # each pair's language (members' ones: membership.locales)
        self.scheduler = Scheduler(clock, settings.tick_seconds)
        self._answering: set[asyncio.Task[None]] = set()
        self.shards_lost: str | None = None

    async def setup_hook(self) -> None:
        await take_shards(self)  # first: a second process for the same shards stops here
        await self.tree.set_translator(CatalogueTranslator())
        # Listening first: a change another process makes meanwhile is not missed.
        await self.shard_leases.listen(
            GUILD_SETTINGS_CHANGED, self.guild_configs.on_notified, reread=self.guild_configs.load_all
        )
        await self.guild_configs.load_all()
        await self.membership.locales.load_all()  # member_locale answers from memory
        for extension in discover_extensions():
            await self.load_extension(extension)
            log.info("loaded %s", extension)
        await sync_commands(self)

    # --- who reads which language (PRODUCT.md, "Languages"): every public text asks one of these ---
    # (the rules themselves are pure functions in bot.domain.languages)

    def pair_locale(self, guild: discord.Guild, pair: Pair) -> str:
        """The language of the pair's channel and of the DMs about the pair: the one stored on the pair
        (decided when it was formed, or chosen by the pair), else the program's."""
        return supported_locale(pair.locale) or self.moderators_locale(guild)

    def member_locale(self, guild: discord.Guild, user_id: int) -> str:
        """The language of a DM to a member that is not about their pair: among the languages they
        chose, the one their Discord client uses first; without a profile, the program's."""
        program = self.moderators_locale(guild)
        known = self.membership.locales.get(guild.id, user_id)
        if known is None:
            return program
        return member_language(known.languages, supported_locale(known.discord_locale), program, SUPPORTED)

    def moderators_locale(self, guild: discord.Guild) -> str:
        """The language of the moderators' channel and of reports: the program's (set in `setup`), else
        the server's Discord language, else DEFAULT_LOCALE."""
        return self.guild_locale(guild.id, str(guild.preferred_locale) if guild.preferred_locale else None)

    def guild_locale(self, guild_id: int | None, discord_guild_locale: str | None = None) -> str:
        """The language the server configured, else the server's Discord locale, else the default."""
        config = self.guild_configs.cached(guild_id) if guild_id is not None else None
        if config is not None and config.locale:
            return config.locale
        return supported_locale(discord_guild_locale) or self.settings.default_locale

    async def on_ready(self) -> None:
        # Scheduled work needs the guild cache, so it starts once the gateway is ready.
        self.scheduler.start()
        shards = describe_shards(self.shard_ids or range(self.shard_count or 1), self.shard_count or 1)
        log.info("Binôme ready as %s in %d guild(s) (%s)", self.user, len(self.guilds), shards)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await before_identify(self, shard_id)  # one IDENTIFY per bucket per 5 s, across processes

    def _shards_lost(self, reason: str) -> None:
        """Another process may run these shards now (or nothing can tell): stop, exit code 6."""
        log.error("stopping: %s", reason)
        self.shards_lost = reason
        task = asyncio.get_running_loop().create_task(self.close(), name="close-shards-lost")
        self._answering.add(task)  # (keeps a reference until it is done)
        task.add_done_callback(self._answering.discard)

    async def close(self) -> None:
        await self.scheduler.shutdown()
        await self.cpu.shutdown()
        await super().close()
        await self.identify_gate.close()
        await self.shard_leases.close()  # last: the shards stay this process's until it is off Discord

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # Every interaction gets an answer: a menu nothing handles (from before a restart, timed out, or
        # a custom id the bot never made) is answered "expired" instead of failing in the client. Decided
        # here, synchronously, right after discord.py routed it: a view's own callback may stop the view
        # (leaving the store) before any event handler would run.
        if event_name == "interaction" and args and not has_handler(args[0]):
            interaction: discord.Interaction = args[0]
            custom_id = (interaction.data or {}).get("custom_id")
            log.info("no handler for %s %r: answered as expired", interaction.type, custom_id)
            task = asyncio.create_task(self._answer_expired(interaction), name=f"expired-{interaction.id}")
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)
        super().dispatch(event_name, *args, **kwargs)

    @staticmethod
    async def _answer_expired(interaction: discord.Interaction) -> None:
        try:
            await reply_key(interaction, "common.errors.menu_expired")
        except discord.HTTPException as exc:
            log.warning("could not answer an expired menu: %s", exc)
