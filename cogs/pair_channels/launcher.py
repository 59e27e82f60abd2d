"""Launching pairs on Discord, one persisted step at a time, resumable after a crash.

Each step first looks for what a previous, interrupted attempt may already have made (a channel
with the pair's topic marker, a kickoff message with the pair's buttons) before making it, so
resuming never duplicates anything. Channel creation is serialised per guild (one Discord bucket,
and category counts must not race); kickoff messages go to different channels and run in parallel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.db.models import Pair
from bot.db.repositories.pairs import CHANNEL_CREATED, KICKOFF_SENT, PENDING
from bot.i18n import t
from bot.services.pairing import PairService
from cogs.pair_channels.channels import (
    CHANNELS_PER_CATEGORY,
    channel_name,
    find_pair_channel,
    next_category_name,
    pair_categories,
    pair_channel,
    pair_overwrites,
    topic_marker,
)
from cogs.pair_channels.kickoff import find_kickoff, kickoff_message

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(slots=True)
class LaunchReport:
    launched: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # pair id → what went wrong


class PairLauncher:
    def __init__(self, bot: Binome, pairs: PairService) -> None:
        self.bot = bot
        self.pairs = pairs
        self._creation_locks: dict[int, asyncio.Lock] = {}
        # What this process created, per guild: discord.py's cache learns of a new channel only
        # when the gateway event arrives, which may be after the next creation.
        self._created: dict[int, list[discord.TextChannel]] = {}

    async def launch(self, guild: discord.Guild, pair_ids: list[int], progress: Progress | None = None) -> LaunchReport:
        report = LaunchReport()
        done = 0

        async def one(pair_id: int) -> None:
            nonlocal done
            try:
                await self.advance(guild, pair_id)
                report.launched.append(pair_id)
            except discord.HTTPException as exc:
                log.warning("launching pair %s failed: %s", pair_id, exc)
                report.failed[pair_id] = f"{exc.status} {exc.text}"
            done += 1
            if progress is not None:
                await progress(done, len(pair_ids))

        await asyncio.gather(*(one(pair_id) for pair_id in pair_ids))
        return report

    async def resume_unfinished(self) -> None:
        """At start-up: finish every launch a crash or a Discord error interrupted."""
        guilds = {guild.id: guild for guild in self.bot.guilds}
        unfinished = await self.pairs.launching(list(guilds))
        if unfinished:
            log.info("resuming %d unfinished pair launch(es)", len(unfinished))
        for guild_id in {pair.guild_id for pair in unfinished}:
            await self.launch(guilds[guild_id], [p.id for p in unfinished if p.guild_id == guild_id])

    def forget_channel(self, guild_id: int, channel_id: int) -> None:
        """A channel was deleted: never mistake it for a live pair channel again."""
        created = self._created.get(guild_id, [])
        created[:] = [channel for channel in created if channel.id != channel_id]

    async def advance(self, guild: discord.Guild, pair_id: int, *, retry: bool = True) -> None:
        pair = await self.pairs.get(pair_id)
        if pair is None:
            return
        # A kickoff can only exist already if an earlier attempt got past channel creation.
        may_have_kickoff = True
        if pair.status == PENDING:
            channel, may_have_kickoff = await self._make_channel(guild, pair)
            pair = await self.pairs.channel_created(pair.id, channel.id, channel.category_id)
        if pair.status == CHANNEL_CREATED:
            channel = pair_channel(guild, pair)
            if channel is None:
                # Deleted between two steps: start this pair's launch over (once).
                self.forget_channel(guild.id, pair.channel_id or 0)
                await self.pairs.channel_lost(pair.id)
                if retry:
                    await self.advance(guild, pair.id, retry=False)
                return
            message = await find_kickoff(channel, pair.id, self.bot.user) if may_have_kickoff else None
            if message is None:
                message = await self._send_kickoff(guild, channel, pair)
            pair = await self.pairs.kickoff_sent(pair.id, message.id)
        if pair.status == KICKOFF_SENT:
            await self.pairs.activate(pair.id)

    async def _make_channel(self, guild: discord.Guild, pair: Pair) -> tuple[discord.TextChannel, bool]:
        """The pair's channel, and whether it already existed (made before an interruption)."""
        lock = self._creation_locks.setdefault(guild.id, asyncio.Lock())
        async with lock:
            created = self._created.setdefault(guild.id, [])
            existing = find_pair_channel(guild, pair.id, created)
            if existing is not None:
                return existing, True
            config = await self.bot.guild_configs.get(guild.id)
            members = [
                m for m in (guild.get_member(pair.member_a_id or 0), guild.get_member(pair.member_b_id or 0)) if m
            ]
            moderator_role = guild.get_role(config.moderator_role_id) if config.moderator_role_id else None
            category = await self._category_with_room(guild, config.pair_category_name, created, moderator_role)
            names = [m.display_name for m in members] or ["binome", str(pair.id)]
            locale = self.bot.server_locale(guild)
            taken = {c.name for c in guild.text_channels} | {c.name for c in created}
            channel = await guild.create_text_channel(
                channel_name(names[0], names[-1], taken),
                category=category,
                overwrites=pair_overwrites(guild, members, moderator_role),
                topic=f"{t('pairs.channel_topic', locale, names=' & '.join(names))} {topic_marker(pair.id)}",
                reason=f"Binôme pair {pair.id}",
            )
            created.append(channel)
            return channel, False

    async def _category_with_room(
        self,
        guild: discord.Guild,
        base_name: str,
        created: list[discord.TextChannel],
        moderator_role: discord.Role | None,
    ) -> discord.CategoryChannel:
        for category in pair_categories(guild, base_name):
            children = {c.id for c in category.channels} | {c.id for c in created if c.category_id == category.id}
            if len(children) < CHANNELS_PER_CATEGORY:
                return category
        return await guild.create_category(
            next_category_name(guild, base_name),
            # Hidden like the pair channels; the bot keeps its access (it could not grant it otherwise).
            overwrites=pair_overwrites(guild, [], moderator_role),
            reason="Binôme pair channels",
        )

    async def _send_kickoff(self, guild: discord.Guild, channel: discord.TextChannel, pair: Pair) -> discord.Message:
        locale = self.bot.server_locale(guild)
        catalogue = await self.bot.membership.catalogue(guild.id)
        content, view = kickoff_message(pair, catalogue, locale)
        mentioned = [discord.Object(id=m) for m in pair.members() if m is not None]
        return await channel.send(content, view=view, allowed_mentions=discord.AllowedMentions(users=mentioned))
