"""Launching pairs on Discord, one persisted step at a time, exactly once, resumed after a crash or a
Discord failure while the bot keeps running.

Each launch (channel, then kickoff) is claimed (`launch_key`, see `bot.services.claims`): a live run
never launches a pair another live run is launching, in this process or another one sharing the
database. Each step first looks for what an interrupted attempt may already have made (a channel with
the pair's topic marker, a kickoff message with the pair's buttons), so resuming never duplicates
anything. A launch Discord refused is released with a backoff; the scheduler's `retry_launches` takes
it again once the backoff is over, and the moderators hear when it finally went through.

Channel creation is serialised per guild (one Discord bucket, and category counts must not race), in
every process sharing the database (`bot.locks`, a PostgreSQL advisory lock per guild). In steady state
a guild's launches all run in the process holding its shard; two processes meet in one guild only while
they overlap (a re-shard). Each counts a category's channels from its own gateway cache plus what it
created itself, so right after the other process created one it may not know yet: Discord then refuses
the 51st channel of a category and that launch is retried like any other failure — never a second
channel for a pair, since a launch is claimed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.client.once import claim_nonce, describe_error
from bot.db.models import Pair
from bot.db.repositories.pairs import CHANNEL_CREATED, KICKOFF_SENT, OPEN, PENDING
from bot.i18n import t
from bot.services.claims import Refused
from bot.services.pairing import PairService, launch_key
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

CREATION_LOCK = "pair-channels"  # per guild
Progress = Callable[[int, int], Awaitable[None]]
ChannelGone = Callable[[discord.Guild, Pair], Awaitable[None]]
Tell = Callable[..., Awaitable[None]]  # (guild, report kind, pair=..., event_key=..., **params)


@dataclass(slots=True)
class LaunchReport:
    launched: list[int] = field(default_factory=list)  # launched now, or found launched already
    failed: dict[int, str] = field(default_factory=dict)  # pair id → what Discord said (retried after a backoff)
    elsewhere: list[int] = field(default_factory=list)  # being launched right now by another run
    retried: list[int] = field(default_factory=list)  # (among `launched`) after an earlier attempt failed or died

    @property
    def pending(self) -> list[int]:
        """Not launched yet: each is retried by itself (this run's failures, other runs' launches)."""
        return [*self.failed, *self.elsewhere]


class PairLauncher:
    def __init__(self, bot: Binome, pairs: PairService, *, on_channel_gone: ChannelGone, tell_moderators: Tell) -> None:
        self.bot = bot
        self.pairs = pairs
        self._on_channel_gone = on_channel_gone
        self._tell_moderators = tell_moderators
        # What this process created, per guild: discord.py's cache learns of a new channel only
        # when the gateway event arrives, which may be after the next creation.
        self._created: dict[int, list[discord.TextChannel]] = {}

    async def launch(self, guild: discord.Guild, pair_ids: list[int], progress: Progress | None = None) -> LaunchReport:
        report = LaunchReport()
        pairs = [pair for pair in await self.pairs.get_many(pair_ids) if pair.guild_id == guild.id]
        done = 0
        async with self.bot.claims.run("launch") as run:
            claims = await run.acquire_many(guild.id, [launch_key(pair) for pair in pairs])

            async def one(pair: Pair) -> None:
                nonlocal done
                claim = claims[launch_key(pair)]
                if claim is Refused.DONE:
                    report.launched.append(pair.id)
                elif claim is Refused.HELD:
                    report.elsewhere.append(pair.id)
                elif claim is Refused.WAITING:
                    report.failed[pair.id] = "waiting for a retry"
                else:
                    try:
                        if await self.advance(guild, pair.id, pair.launch_generation):
                            report.launched.append(pair.id)
                            if claim.attempt > 1:
                                report.retried.append(pair.id)
                        await run.done(claim)
                    except discord.HTTPException as exc:
                        log.warning("launching pair %s failed (%s); retried after a backoff", pair.id, exc)
                        report.failed[pair.id] = describe_error(exc)
                        await run.failed(claim, describe_error(exc))
                done += 1
                if progress is not None:
                    await progress(done, len(pairs))

            await asyncio.gather(*(one(pair) for pair in pairs))
        return report

    async def retry_launches(self, now: datetime, *, everything: bool = False) -> None:
        """The scheduler's check: launch again what a Discord failure or a crash left unfinished, once
        its backoff or lease is over, and tell the moderators what got through.

        Launches nobody attempted yet are left to the run that just created them (a round's Confirm)
        unless they are older than a lease (that run died first). `everything`: the start-up pass."""
        guilds = {guild.id: guild for guild in self.bot.guilds}
        unfinished = await self.pairs.launching(list(guilds))
        if everything and unfinished:
            log.info("resuming %d unfinished pair launch(es)", len(unfinished))
        stale = now - self.bot.claims.lease
        for guild_id in sorted({pair.guild_id for pair in unfinished}):
            attempted = {claim.key for claim in await self.bot.claims.pending(guild_id, "launch:")}
            due = [
                pair.id
                for pair in unfinished
                if pair.guild_id == guild_id
                and (everything or launch_key(pair) in attempted or pair.created_at <= stale)
            ]
            if not due:
                continue
            guild = guilds[guild_id]
            report = await self.launch(guild, due)
            if report.retried:
                log.info("launched %d pair(s) after a retry in guild %s", len(report.retried), guild_id)
                # One report per pair: it names the pair's members when shown (an erased member is not).
                for pair in await self.pairs.get_many(report.retried):
                    await self._tell_moderators(
                        guild, "pairs.launch.retried", pair=pair, event_key=f"retried:{launch_key(pair)}"
                    )

    def forget_channel(self, guild_id: int, channel_id: int) -> None:
        """A channel was deleted: never mistake it for a live pair channel again."""
        created = self._created.get(guild_id, [])
        created[:] = [channel for channel in created if channel.id != channel_id]

    async def advance(self, guild: discord.Guild, pair_id: int, generation: int) -> bool:
        """Take the pair's launch `generation` to its end; False when it is no longer this generation's
        to take (ended, or its channel was deleted meanwhile: the next generation relaunches it)."""
        pair = await self.pairs.get(pair_id)
        if pair is None or pair.launch_generation != generation or pair.status not in OPEN:
            return False
        # A kickoff can only exist already if an earlier attempt got past channel creation.
        may_have_kickoff = True
        if pair.status == PENDING:
            channel, may_have_kickoff = await self._make_channel(guild, pair)
            pair = await self.pairs.channel_created(pair.id, channel.id, channel.category_id)
        if pair.status == CHANNEL_CREATED:
            channel = pair_channel(guild, pair)
            if channel is None:
                # Deleted between two steps: recorded (once) and relaunched as a new generation.
                self.forget_channel(guild.id, pair.channel_id or 0)
                await self._on_channel_gone(guild, pair)
                return False
            message = await find_kickoff(channel, pair.id, self.bot.user) if may_have_kickoff else None
            if message is None:
                message = await self._send_kickoff(guild, channel, pair)
            pair = await self.pairs.kickoff_sent(pair.id, message.id)
        if pair.status == KICKOFF_SENT:
            await self.pairs.activate(pair.id)
        return True

    async def _make_channel(self, guild: discord.Guild, pair: Pair) -> tuple[discord.TextChannel, bool]:
        """The pair's channel, and whether it already existed (made before an interruption)."""
        async with self.bot.locks.hold(CREATION_LOCK, guild.id):
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
            locale = self.bot.pair_locale(guild, pair)
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
        locale = self.bot.pair_locale(guild, pair)
        catalogue = await self.bot.membership.catalogue(guild.id)
        content, view = kickoff_message(pair, catalogue, locale)
        mentioned = [discord.Object(id=m) for m in pair.members() if m is not None]
        return await channel.send(
            content,
            view=view,
            allowed_mentions=discord.AllowedMentions(users=mentioned),
            nonce=claim_nonce(f"{launch_key(pair)}:kickoff"),
        )
