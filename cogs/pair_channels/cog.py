from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.client.interactions import binome, reply_key
from bot.client.moderators import tell_moderators
from bot.client.ui import GuardedItem
from bot.db.models import Pair
from bot.db.repositories.pairs import ACTIVE
from bot.i18n import t
from bot.services.guild_config import DELETE
from bot.services.pairing import ChannelLoss
from cogs.pair_channels.channels import pair_channel
from cogs.pair_channels.kickoff import KICKOFF_PATTERN
from cogs.pair_channels.launcher import PairLauncher

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


class PairKickoffButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=KICKOFF_PATTERN):
    """The kickoff's buttons; persistent, so they keep working after a restart."""

    def __init__(self, pair_id: int, action: str) -> None:
        super().__init__(discord.ui.Button(custom_id=f"binome:pair:{pair_id}:{action}"))
        self.pair_id = pair_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PairKickoffButton:
        return cls(int(match["pair_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        pair = await binome(interaction).pairs.get(self.pair_id)
        if pair is None or interaction.user.id not in pair.members():
            await reply_key(interaction, "pairs.errors.not_your_pair")
            return
        # Imported here: the /pair extension itself relies on this one (launching, ending pairs).
        from cogs.pair.context import pair_by_id

        if self.action == "met":  # a short form: when, and where (or video); then the invite and a reminder
            from cogs.meetings.first_meeting import open_first_meeting_form

            await open_first_meeting_form(interaction, await pair_by_id(interaction, pair.id))
        else:
            from cogs.pair.charter import open_charter

            await open_charter(interaction, await pair_by_id(interaction, pair.id))


class PairChannels(commands.Cog):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self.launcher = PairLauncher(
            bot, bot.pairs, on_channel_gone=self._channel_vanished, tell_moderators=self.tell_moderators
        )
        self._resumed = False

    async def cog_load(self) -> None:
        # Launches Discord refused are retried while the bot runs (after their backoff), not only at start.
        self.bot.scheduler.add_check("launches", self.launcher.retry_launches)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove_check("launches")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # on_ready fires again after a reconnect; resuming once per process is enough.
        if not self._resumed:
            self._resumed = True
            await self._notice_channels_deleted_while_offline()
            await self.launcher.retry_launches(self.bot.clock.now(), everything=True)

    async def _notice_channels_deleted_while_offline(self) -> None:
        for guild in self.bot.guilds:
            for pair in await self.bot.pairs.open_pairs(guild.id):
                if pair.status == ACTIVE and pair_channel(guild, pair) is None:
                    await self._channel_gone(guild, pair, str(pair.channel_id), relaunch_now=False)

    async def _channel_vanished(self, guild: discord.Guild, pair: Pair) -> None:
        """The launcher found the pair's new channel gone: recorded once; the next launch recreates it."""
        await self._channel_gone(guild, pair, str(pair.channel_id), relaunch_now=False)

    # --- ending a pair -----------------------------------------------------------------------

    async def end_pair(self, guild: discord.Guild, pair: Pair, reason: str, *, departed: int | None = None) -> bool:
        """End the pair: record it, close its channel per the server's setting, tell the people concerned.
        False when it had already ended (someone else, maybe another process, did all this).

        `departed` is the member who left (the server or the program): their partner goes first in line.
        """
        partner = pair.partner_of(departed) if departed is not None else None
        ended = await self.bot.pairs.end(pair.id, reason, requeue=(partner,) if partner else ())
        if ended is None:
            return False  # already ended by someone else
        config = await self.bot.guild_configs.get(guild.id)
        locale = self.bot.pair_locale(guild, pair)
        channel = pair_channel(guild, pair)
        if channel is not None:
            if partner is not None:
                await self._send(channel, t("pairs.ended.partner_left", locale, partner=f"<@{partner}>"), partner)
            try:
                if config.archive_mode == DELETE:
                    await channel.delete(reason=f"Binôme pair {pair.id} ended")
                else:
                    await channel.edit(overwrites=self._read_only(channel), reason=f"Binôme pair {pair.id} ended")
            except discord.HTTPException as exc:
                log.warning("could not close the channel of pair %s: %s", pair.id, exc)
        await self.tell_moderators(guild, f"pairs.ended.moderators_{reason}", pair=pair)
        return True

    @staticmethod
    def _read_only(channel: discord.TextChannel) -> dict[Any, discord.PermissionOverwrite]:
        overwrites = dict(channel.overwrites)
        for target, overwrite in overwrites.items():
            if isinstance(target, discord.Member | discord.Object) and target != channel.guild.me:
                overwrite.update(send_messages=False)
        return overwrites

    async def _send(self, channel: discord.abc.Messageable, text: str, *mention: int) -> None:
        try:
            mentions = discord.AllowedMentions(users=[discord.Object(id=m) for m in mention])
            await channel.send(text, allowed_mentions=mentions)
        except discord.HTTPException as exc:
            log.warning("could not post in %s: %s", getattr(channel, "id", channel), exc)

    async def tell_moderators(
        self, guild: discord.Guild, kind: str, *, pair: Pair | None = None, event_key: str | None = None, **params: Any
    ) -> None:
        """A trouble report (`kind`: its message key): stored (once per `event_key`), then posted once
        in the moderators' channel; without one it waits at the top of `/mentoring-admin pairs`
        (bot.client.moderators)."""
        await tell_moderators(self.bot, guild, kind, pair=pair, event_key=event_key, **params)

    # --- the server changing under us --------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        pair = await self.bot.pairs.open_pair_of(payload.guild_id, payload.user.id)
        if guild is not None and pair is not None:
            await self.end_pair(guild, pair, "member_left_server", departed=payload.user.id)

    async def member_leaves_program(self, guild: discord.Guild, user_id: int) -> None:
        pair = await self.bot.pairs.open_pair_of(guild.id, user_id)
        if pair is not None:
            await self.end_pair(guild, pair, "member_left_program", departed=user_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        self.launcher.forget_channel(channel.guild.id, channel.id)
        pair = await self.bot.pairs.by_channel(channel.id)
        if pair is not None:
            await self._channel_gone(channel.guild, pair, channel.name, relaunch_now=True)

    async def _channel_gone(self, guild: discord.Guild, pair: Pair, channel_name: str, *, relaunch_now: bool) -> None:
        """A pair channel was deleted by hand: tell the moderators; an open pair gets a new channel.
        Whoever notices first does it (another process may notice the same deletion)."""
        loss = await self.bot.pairs.channel_lost(pair.id, pair.channel_id)
        if loss is ChannelLoss.HANDLED:
            return
        await self.tell_moderators(guild, f"pairs.channel_deleted.{loss.value}", pair=pair, channel=channel_name)
        if loss is ChannelLoss.RELAUNCH and relaunch_now:
            await self.launcher.launch(guild, [pair.id])  # (otherwise the scheduler's retry does it)
