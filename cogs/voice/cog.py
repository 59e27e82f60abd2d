"""Check-ins from voice presence, when the server turned them on (`setup voice-checkins`).

Each active pair gets a private voice channel, seen by exactly those who see its text channel. When
both members are in the same voice channel (theirs or any other of the server, whoever else is there),
the time is measured (`bot.services.voice_sessions`); once they part for longer than the merge gap, a
session long enough is offered in the pair's channel ("you met for 35 minutes, log it?"). Nothing is
recorded until a member clicks.

Voice states come from the gateway (the voice-states intent, not privileged): each change is an event,
and the guild's current states arrive with GUILD_CREATE, which is how a restarted bot finds a session
still going on.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.client.interactions import mention, pings
from bot.client.once import post_claimed, with_custom_id
from bot.db.models import Pair, VoiceSession
from bot.db.repositories.pairs import ACTIVE
from bot.i18n import t
from bot.services.voice_sessions import OFFERED, offer_key, together_minutes
from cogs.pair_channels.channels import CHANNELS_PER_CATEGORY, CHANNELS_PER_GUILD, pair_channel
from cogs.voice.offer import VOICE_ID, offer_view

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


def voice_channel_of(guild: discord.Guild, user_id: int | None) -> int | None:
    member = guild.get_member(user_id or 0)
    state = member.voice if member is not None else None
    return state.channel.id if state is not None and state.channel is not None else None


def together(guild: discord.Guild, pair: Pair) -> bool:
    """Both members in the same voice channel (any of the server's, others may be there too)."""
    a, b = (voice_channel_of(guild, member) for member in pair.members())
    return a is not None and a == b


def room_overwrites(text: discord.TextChannel) -> dict:
    """The text channel's visibility, for a voice channel: who may see one may see the other. Only
    View Channel is set (and the bot's own rights): connecting and speaking follow the server's roles."""
    overwrites: dict = {}
    for target, overwrite in text.overwrites.items():
        seen = overwrite.view_channel
        if target == text.guild.me:
            overwrites[target] = discord.PermissionOverwrite(view_channel=True, manage_channels=True)
        elif seen is not None:
            overwrites[target] = discord.PermissionOverwrite(view_channel=seen)
    return overwrites


class VoiceCheckins(commands.Cog):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._resumed = False
        # One change at a time per pair (`bot.locks`, across processes too): discord.py runs the handlers
        # of a burst of voice events concurrently, and each reads the current voice states (several may
        # see the pair together); during a re-shard two processes get the same server's events.

    async def cog_load(self) -> None:
        self.bot.scheduler.add_check("voice", self.tick)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove_check("voice")

    async def _active_pairs(self, guild: discord.Guild) -> list[Pair]:
        return [pair for pair in await self.bot.pairs.open_pairs(guild.id) if pair.status == ACTIVE]

    # --- presence -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if (before.channel and before.channel.id) == (after.channel and after.channel.id):
            return  # muted, deafened, video on...: not a move
        config = await self.bot.guild_configs.get(member.guild.id)
        if not config.voice_checkins:
            return
        pair = await self.bot.pairs.open_pair_of(member.guild.id, member.id)
        if pair is None or pair.status != ACTIVE:
            return
        async with self.bot.locks.hold("voice", pair.id):
            now = self.bot.clock.now()
            if together(member.guild, pair):
                await self.bot.voice_sessions.together(pair, now)
            else:
                await self.bot.voice_sessions.apart(pair.id, now)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self._resumed:  # on_ready fires again after a reconnect: the events in between were replayed
            return
        self._resumed = True
        now = self.bot.clock.now()
        for guild in self.bot.guilds:
            config = await self.bot.guild_configs.get(guild.id)
            if not config.voice_checkins:
                continue
            pairs = {pair.id: pair for pair in await self._active_pairs(guild)}
            here = {pair_id for pair_id, pair in pairs.items() if together(guild, pair)}
            for pair_id in await self.bot.voice_sessions.resume(guild.id, here, now):
                async with self._locks[pair_id]:
                    await self.bot.voice_sessions.together(pairs[pair_id], now)

    # --- the scheduler's tick -------------------------------------------------------------------

    async def tick(self, now: datetime) -> None:
        for guild in self.bot.guilds:
            config = await self.bot.guild_configs.get(guild.id)
            await self._rooms(guild, config.voice_checkins)
            if not config.voice_checkins:
                continue
            pairs = await self._active_pairs(guild)
            await self.bot.voice_sessions.seen([pair.id for pair in pairs if together(guild, pair)], now)
            for row in await self.bot.voice_sessions.closable(guild.id, now):
                async with self.bot.locks.hold("voice", row.pair_id):
                    closed = await self.bot.voice_sessions.close(row.id, config.voice_min_minutes)
                if closed is not None and closed.status == OFFERED:
                    await self._offer(guild, closed)

    async def _offer(self, guild: discord.Guild, row: VoiceSession) -> None:
        pair = await self.bot.pairs.get(row.pair_id)
        if pair is None or pair.status != ACTIVE:
            return
        channel = pair_channel(guild, pair)
        if channel is None:
            return
        locale = self.bot.pair_locale(guild, pair)
        minutes = together_minutes(row)
        text = t("voice.offer.text", locale, count=minutes, a=mention(pair.member_a_id), b=mention(pair.member_b_id))
        await post_claimed(
            self.bot.claims,
            guild.id,
            "voice-offer",
            offer_key(row.id),
            channel,
            lambda nonce: channel.send(
                text, view=offer_view(row.id, locale), allowed_mentions=pings(*pair.members()), nonce=nonce
            ),
            matches=with_custom_id(VOICE_ID.format(voice_id=row.id, action="")),
        )

    # --- the pairs' voice channels ----------------------------------------------------------------

    async def _rooms(self, guild: discord.Guild, wanted: bool) -> None:
        """Give each active pair its voice channel (when the switch is on); remove those of ended pairs,
        and all of them once the switch is off."""
        rooms = self.bot.voice_rooms
        for pair in await rooms.with_rooms(guild.id):
            if wanted and pair.status == ACTIVE:
                continue
            channel = guild.get_channel(pair.voice_channel_id or 0)
            try:
                if channel is not None:
                    await channel.delete(reason=f"Binôme pair {pair.id}: no voice channel any more")
            except discord.HTTPException as exc:
                log.warning("could not delete the voice channel of pair %s: %s", pair.id, exc)
                continue
            await rooms.set_room(pair.id, None)
        if not wanted:
            return
        for pair in await self._active_pairs(guild):
            if isinstance(guild.get_channel(pair.voice_channel_id or 0), discord.VoiceChannel):
                continue
            text = pair_channel(guild, pair)
            if text is None:
                continue  # its text channel is being (re)created: its voice channel follows
            channel = await self._make_room(guild, text, pair)
            if channel is not None:
                await rooms.set_room(pair.id, channel.id)

    async def _make_room(
        self, guild: discord.Guild, text: discord.TextChannel, pair: Pair
    ) -> discord.VoiceChannel | None:
        locale = self.bot.pair_locale(guild, pair)
        name = t("voice.channel.name", locale, name=text.name)
        category = text.category
        if category is not None and len(category.channels) >= CHANNELS_PER_CATEGORY:
            category = None  # its category is full: the room goes on its own (still private)
        # One made before a restart, not recorded yet: recognised by its name, place and visibility.
        for existing in guild.voice_channels:
            if existing.name == name and existing.category == category and existing.overwrites == room_overwrites(text):
                return existing
        if len(guild.channels) >= CHANNELS_PER_GUILD:
            log.warning("guild %s is full: pair %s gets no voice channel", guild.id, pair.id)
            return None
        try:
            return await guild.create_voice_channel(
                name, category=category, overwrites=room_overwrites(text), reason=t("voice.channel.reason", locale)
            )
        except discord.HTTPException as exc:
            log.warning("could not create the voice channel of pair %s: %s", pair.id, exc)
            return None
