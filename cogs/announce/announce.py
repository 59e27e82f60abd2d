"""`/mentoring-admin announce #channel date` [`annoncer`]: the next round, announced ahead in a channel,
in the program's language, with "I'm available" / "Sit this round out" buttons
(`binome:announce:<id>:<available|skip>`, persistent). Without options: the open announcement and its
answers so far (what moderators see before `match`, whose preview repeats them)."""

from __future__ import annotations

import contextlib
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.client.checks import moderator_only
from bot.client.interactions import UserError, binome, locale_of, reply, reply_key, tr
from bot.client.moderators import record_action
from bot.client.translator import cmd
from bot.client.ui import GuardedItem
from bot.domain.announcements import ANSWERS, DateProblem, parse_round_date
from bot.i18n import t
from bot.i18n.dates import full_date
from bot.services.announcements import Answered
from bot.services.audit import Action
from bot.services.health import local_today

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

ANSWER_ID = "binome:announce:{announcement_id}:{answer}"
ANSWER_PATTERN = r"binome:announce:(?P<announcement_id>\d+):(?P<answer>available|skip)"
NEEDED = ("view_channel", "send_messages")


def announcement_message(announcement_id: int, round_date, locale: str) -> tuple[str, discord.ui.View]:
    view = discord.ui.View(timeout=None)
    for answer, style in zip(ANSWERS, (discord.ButtonStyle.success, discord.ButtonStyle.secondary), strict=True):
        label = t(f"announce.post.button_{answer}", locale)
        view.add_item(AnswerButton(announcement_id, answer, label=label, style=style))
    return t("announce.post.text", locale, date=full_date(round_date, locale)), view


class AnswerButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=ANSWER_PATTERN):
    """A member's answer to an announcement (any member may click; the service says what counts)."""

    def __init__(self, announcement_id: int, answer: str, **button: object) -> None:
        custom_id = ANSWER_ID.format(announcement_id=announcement_id, answer=answer)
        super().__init__(discord.ui.Button(custom_id=custom_id, **button))  # type: ignore[arg-type]
        self.announcement_id, self.answer = announcement_id, answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["announcement_id"]), match["answer"])

    async def run(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        assert interaction.guild_id is not None
        announcements = bot.community.announcements
        outcome = await announcements.answer(
            interaction.guild_id, self.announcement_id, interaction.user.id, self.answer
        )
        row = await announcements.get(self.announcement_id)
        day = full_date(row.round_date, locale_of(interaction)) if row else ""
        if outcome in (Answered.RECORDED, Answered.CHANGED, Answered.ALREADY):
            await reply_key(interaction, f"announce.answer.{outcome.value}_{self.answer}", date=day)
        else:
            await reply_key(interaction, f"announce.answer.{outcome.value}", date=day)


async def show_current(interaction: discord.Interaction) -> None:
    bot = binome(interaction)
    assert interaction.guild_id is not None
    counts = await bot.community.announcements.current(interaction.guild_id)
    if counts is None:
        await reply_key(interaction, "announce.status.none")
        return
    await reply_key(
        interaction,
        "announce.status.open",
        date=full_date(counts.round_date, locale_of(interaction)),
        channel=f"<#{counts.channel_id}>",
        available=tr(interaction, "announce.count.available", count=counts.available),
        sitting_out=tr(interaction, "announce.count.sitting_out", count=counts.sitting_out),
    )


def _postable(guild: discord.Guild, channel: discord.TextChannel) -> bool:
    permissions = channel.permissions_for(guild.me)
    return all(getattr(permissions, name) for name in NEEDED)


@app_commands.rename(channel=cmd("admin.announce.channel.name"), date=cmd("admin.announce.date.name"))
@app_commands.describe(channel=cmd("admin.announce.channel.description"), date=cmd("admin.announce.date.description"))
@moderator_only
async def announce(
    interaction: discord.Interaction,
    channel: discord.TextChannel | None = None,
    date: app_commands.Range[str, 1, 20] | None = None,
) -> None:
    """Announce the next round (callback attached to /mentoring-admin by the Announce cog)."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    if channel is None and date is None:
        await show_current(interaction)
        return
    if channel is None or date is None:
        raise UserError("announce.errors.both_or_none")
    config = await bot.guild_configs.get(guild.id)
    parsed = parse_round_date(date, local_today(config, bot.clock.now()))
    if isinstance(parsed, DateProblem):
        raise UserError(f"announce.errors.{parsed.value}", value=date.strip()[:20])
    if not _postable(guild, channel):
        raise UserError("announce.errors.cannot_post", channel=channel.mention)
    await interaction.response.defer(ephemeral=True, thinking=True)
    announcements = bot.community.announcements
    locale = bot.moderators_locale(guild)  # the program's language: every member reads it
    announcement_id = await announcements.draft(guild.id, channel.id, parsed, locale, interaction.user.id)
    content, view = announcement_message(announcement_id, parsed, locale)
    try:
        message = await channel.send(content, view=view)
    except discord.HTTPException as exc:
        await announcements.discard(announcement_id)
        log.warning("announcement not posted in channel %s: %s", channel.id, exc)
        raise UserError("announce.errors.not_posted", channel=channel.mention) from exc
    previous = await announcements.open(announcement_id, message.id)
    if previous is not None:
        await replaced(bot, guild, previous.channel_id, previous.message_id, previous.locale, message.jump_url)
    counts = await announcements.current(guild.id)
    text = tr(interaction, "announce.done", channel=channel.mention, date=full_date(parsed, locale_of(interaction)))
    if previous is not None and counts is not None:
        text += "\n" + tr(
            interaction,
            "announce.carried_over",
            available=tr(interaction, "announce.count.available", count=counts.available),
            sitting_out=tr(interaction, "announce.count.sitting_out", count=counts.sitting_out),
        )
    await reply(interaction, text)
    await record_action(
        interaction,
        Action.ROUND_ANNOUNCED,
        channel=channel.mention,
        date=parsed.isoformat(),
        announcement=announcement_id,
    )


async def _edit(bot: Binome, guild: discord.Guild, channel_id: int, message_id: int | None, text: str) -> None:
    """Best effort: the announcement says what became of it. Its buttons stay, so a late click is told
    why it no longer counts (a button gone from the message would go unanswered)."""
    channel = guild.get_channel(channel_id)
    if message_id is None or not isinstance(channel, discord.TextChannel):
        return
    with contextlib.suppress(discord.HTTPException):
        await channel.get_partial_message(message_id).edit(content=text)


async def replaced(
    bot: Binome, guild: discord.Guild, channel_id: int, message_id: int | None, locale: str, link: str
) -> None:
    await _edit(bot, guild, channel_id, message_id, t("announce.post.replaced", locale, link=link))


async def round_ran(bot: Binome, guild: discord.Guild, announcement_id: int, pairs: int) -> None:
    """After the confirmed round: the announcement says the round took place (in its own language)."""
    row = await bot.community.announcements.get(announcement_id)
    if row is None:
        return
    locale = row.locale
    text = t(
        "announce.post.ran",
        locale,
        date=full_date(row.round_date, locale),
        pairs=t("console.count.created", locale, count=pairs),
    )
    await _edit(bot, guild, row.channel_id, row.message_id, text)
