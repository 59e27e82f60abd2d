"""The weekly message ("this week A mentors B on ..."), its buttons, `/pair week`, `/pair swap`, and
skipping a week (proposed by one member, accepted by the other, like a swap). Everything posted or
edited in the pair's channel is in the pair's language, whoever clicked.
The run that posts the message every week is `cogs.pair.weekly_run`."""

from __future__ import annotations

import contextlib
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, locale_of, mention, pings, reply, tr
from bot.client.ui import GuardedItem
from bot.db.models import Pair, PairWeek
from bot.i18n import t
from bot.i18n.dates import day_and_month
from bot.services.weekly import PAUSED_WEEK, SKIPPED, SkipOutcome, SwapOutcome, week_start_for
from cogs.meetings.render import weekly_line
from cogs.pair import checkins
from cogs.pair.context import pair_by_id
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

WEEK_ID = "binome:week:{week_id}:{action}"
WEEK_PATTERN = r"binome:week:(?P<week_id>\d+):(?P<action>log|swap|skip)"
SWAP_PATTERN = r"binome:swap:(?P<week_id>\d+)"
SKIP_ID = "binome:weekskip:{week_id}"
SKIP_PATTERN = r"binome:weekskip:(?P<week_id>\d+)"


async def skill_labels(bot: Binome, guild_id: int, locale: str) -> dict[str, str]:
    return {skill.key: skill.name(locale) for skill in await bot.membership.catalogue(guild_id)}


def topic_name(topic: str | None, labels: dict[str, str], locale: str) -> str:
    return t("weekly.message.free_topic", locale) if topic is None else labels.get(topic, topic)


def weekly_text(week: PairWeek, labels: dict[str, str], locale: str) -> str:
    return t(
        "weekly.message.text",
        locale,
        date=day_and_month(week.week_start, locale),
        mentor=mention(week.mentor_id),
        learner=mention(week.learner_id),
        topic=topic_name(week.topic, labels, locale),
    )


def weekly_message(
    week: PairWeek, labels: dict[str, str], locale: str, slot_line: str | None = None
) -> tuple[str, discord.ui.View]:
    content = weekly_text(week, labels, locale)
    if slot_line:  # the pair's weekly slot (cogs.meetings), in each reader's zone
        content = f"{content}\n{slot_line}"
    view = discord.ui.View(timeout=None)
    for action, style in (
        ("log", discord.ButtonStyle.primary),
        ("swap", discord.ButtonStyle.secondary),
        ("skip", discord.ButtonStyle.secondary),
    ):
        view.add_item(
            discord.ui.Button(
                label=t(f"weekly.message.button_{action}", locale),
                style=style,
                custom_id=WEEK_ID.format(week_id=week.id, action=action),
            )
        )
    return content, view


# --- /pair week, /pair swap and the buttons ----------------------------------------------------


async def current_week(interaction: discord.Interaction, pair: Pair) -> PairWeek:
    bot = binome(interaction)
    config = await bot.guild_configs.get(pair.guild_id)
    return await bot.weekly.week(pair, week_start_for(config, bot.clock.now()))


async def show_week(interaction: discord.Interaction, pair: Pair) -> None:
    """Ephemeral, in the member's language; it also says which language the pair's channel is in."""
    bot = binome(interaction)
    week = await current_week(interaction, pair)
    locale = locale_of(interaction)
    guild = interaction.guild
    assert guild is not None
    if week.status == PAUSED_WEEK:
        lines = [tr(interaction, "weekly.week.paused")]
    elif week.status == SKIPPED:
        lines = [tr(interaction, "weekly.week.skipped")]
    else:
        topic = topic_name(week.topic, await skill_labels(bot, pair.guild_id, locale), locale)
        lines = [
            tr(
                interaction,
                "weekly.week.show",
                date=day_and_month(week.week_start, locale),
                mentor=mention(week.mentor_id),
                learner=mention(week.learner_id),
                topic=topic,
            )
        ]
    led = await bot.weekly.sessions_led(pair.id)
    counts = " · ".join(f"{mention(m)} {led.get(m, 0)}" for m in pair.members() if m)
    lines.append(tr(interaction, "weekly.week.sessions_led", counts=counts))
    config = await bot.guild_configs.get(pair.guild_id)
    lines.append(weekly_line(await bot.slots.agreed(pair.id), config, week.week_start, locale))
    language = t(f"common.languages.{bot.pair_locale(guild, pair)}", locale)
    lines.append(tr(interaction, "languages.pair.shown", language=language))
    await reply(interaction, "\n".join(lines))


async def propose_swap(interaction: discord.Interaction, pair: Pair) -> None:
    """Propose to swap this week's roles: posted in the pair's channel for the partner to accept."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    config = await bot.guild_configs.get(pair.guild_id)
    week_start = week_start_for(config, bot.clock.now())
    outcome, week, swapped = await bot.weekly.propose_swap(pair, week_start, interaction.user.id)
    if outcome is not SwapOutcome.PROPOSED:
        raise UserError(f"weekly.swap.{outcome.value}")
    locale = bot.pair_locale(guild, pair)
    partner = pair.partner_of(interaction.user.id)
    text = t(
        "weekly.swap.proposal",
        locale,
        proposer=mention(interaction.user.id),
        mentor=mention(swapped.mentor),
        learner=mention(swapped.learner),
        topic=topic_name(swapped.topic, await skill_labels(bot, guild.id, locale), locale),
        partner=mention(partner),
    )
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=t("weekly.swap.button_accept", locale),
            style=discord.ButtonStyle.success,
            custom_id=f"binome:swap:{week.id}",
        )
    )
    channel = pair_channel(guild, pair)
    if channel is None:
        raise UserError("pair.errors.not_a_pair_channel")
    await channel.send(text, view=view, allowed_mentions=pings(partner))
    await reply(interaction, tr(interaction, "weekly.swap.proposed"))


class WeekButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=WEEK_PATTERN):
    """The weekly message's buttons: log a session, swap this week, skip this week."""

    def __init__(self, week_id: int, action: str) -> None:
        super().__init__(discord.ui.Button(custom_id=WEEK_ID.format(week_id=week_id, action=action)))
        self.week_id, self.action = week_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> WeekButton:
        return cls(int(match["week_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        week = await bot.weekly.get_week(self.week_id)
        if week is None:
            raise UserError("pair.errors.not_a_pair_channel")
        pair = await pair_by_id(interaction, week.pair_id)
        if self.action == "log":
            await checkins.open_log_form(interaction, pair)
        elif self.action == "swap":
            await propose_swap(interaction, pair)
        else:
            await propose_skip(interaction, pair, week)


async def propose_skip(interaction: discord.Interaction, pair: Pair, week: PairWeek) -> None:
    """Propose to skip this week: posted in the pair's channel; the week is skipped once the partner accepts."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    outcome, _ = await bot.weekly.propose_skip(pair, week.id, interaction.user.id)
    if outcome is SkipOutcome.WEEK_CLOSED:
        raise UserError("weekly.skip.cannot")
    if outcome is not SkipOutcome.PROPOSED:
        raise UserError(f"weekly.skip.{outcome.value}")
    channel = pair_channel(guild, pair)
    if channel is None:
        raise UserError("pair.errors.not_a_pair_channel")
    locale = bot.pair_locale(guild, pair)
    partner = pair.partner_of(interaction.user.id)
    text = t("weekly.skip.proposal", locale, proposer=mention(interaction.user.id), partner=mention(partner))
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=t("weekly.skip.button_accept", locale),
            style=discord.ButtonStyle.success,
            custom_id=SKIP_ID.format(week_id=week.id),
        )
    )
    await channel.send(text, view=view, allowed_mentions=pings(partner))
    await reply(interaction, tr(interaction, "weekly.skip.proposed"))


async def _proposal_context(
    interaction: discord.Interaction, week_id: int, missing: str
) -> tuple[Binome, discord.Guild, Pair]:
    """The week a swap or skip proposal is about: its pair, checked for the clicker (`missing`: the
    message key when the week is gone)."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    week = await bot.weekly.get_week(week_id)
    if week is None:
        raise UserError(missing)
    return bot, guild, await pair_by_id(interaction, week.pair_id)


class SwapAcceptButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=SWAP_PATTERN):
    def __init__(self, week_id: int) -> None:
        super().__init__(discord.ui.Button(custom_id=f"binome:swap:{week_id}"))
        self.week_id = week_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SwapAcceptButton:
        return cls(int(match["week_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        bot, guild, pair = await _proposal_context(interaction, self.week_id, "weekly.swap.nothing_proposed")
        outcome, week = await bot.weekly.accept_swap(pair, self.week_id, interaction.user.id)
        if outcome is not SwapOutcome.SWAPPED or week is None:
            raise UserError(f"weekly.swap.{outcome.value}")
        locale = bot.pair_locale(guild, pair)  # the proposal keeps its language, whoever accepts it
        topic = topic_name(week.topic, await skill_labels(bot, pair.guild_id, locale), locale)
        text = t(
            "weekly.swap.done",
            locale,
            mentor=mention(week.mentor_id),
            learner=mention(week.learner_id),
            topic=topic,
        )
        await interaction.response.edit_message(content=text, view=None)


class SkipAcceptButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=SKIP_PATTERN):
    """The partner's consent to skip the week (on the proposal `propose_skip` posted)."""

    def __init__(self, week_id: int) -> None:
        super().__init__(discord.ui.Button(custom_id=SKIP_ID.format(week_id=week_id)))
        self.week_id = week_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SkipAcceptButton:
        return cls(int(match["week_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        bot, guild, pair = await _proposal_context(interaction, self.week_id, "weekly.skip.nothing_proposed")
        outcome, week = await bot.weekly.accept_skip(pair, self.week_id, interaction.user.id)
        if outcome is SkipOutcome.WEEK_CLOSED:
            raise UserError("weekly.skip.cannot")
        if outcome is not SkipOutcome.SKIPPED or week is None:
            raise UserError(f"weekly.skip.{outcome.value}")
        locale = bot.pair_locale(guild, pair)
        text = t("weekly.skip.done", locale, member=mention(interaction.user.id))
        await interaction.response.edit_message(content=text, view=None)
        await _mark_weekly_message_skipped(bot, guild, pair, week, locale)


async def _mark_weekly_message_skipped(
    bot: Binome, guild: discord.Guild, pair: Pair, week: PairWeek, locale: str
) -> None:
    """The week's message says it was skipped (and loses its buttons); best effort: the skip is stored."""
    channel = pair_channel(guild, pair)
    if channel is None or week.message_id is None:
        return
    labels = await skill_labels(bot, guild.id, locale)
    content = weekly_text(week, labels, locale) + "\n" + t("weekly.message.skipped", locale)
    with contextlib.suppress(discord.HTTPException):
        await channel.get_partial_message(week.message_id).edit(content=content, view=None)


DYNAMIC_ITEMS = (WeekButton, SwapAcceptButton, SkipAcceptButton)
