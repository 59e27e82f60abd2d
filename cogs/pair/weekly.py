"""The weekly message ("this week A mentors B on ..."), its buttons, `/pair week`, `/pair swap`,
and the scheduled weekly run with its nudges and reports."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, locale_of, mention, pings, reply, tr
from bot.client.ui import GuardedItem, find_recent_message
from bot.db.models import Pair, PairWeek
from bot.i18n import t
from bot.services.weekly import PAUSED_WEEK, SKIPPED, PostAction, SwapOutcome, week_start_for
from cogs.pair import checkins
from cogs.pair.context import pair_by_id
from cogs.pair_channels import pair_channels
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

WEEK_ID = "binome:week:{week_id}:{action}"
WEEK_PATTERN = r"binome:week:(?P<week_id>\d+):(?P<action>log|swap|skip)"
SWAP_PATTERN = r"binome:swap:(?P<week_id>\d+)"
CONCURRENT_POSTS = 8  # different channels, different buckets; the global limit is the real bound


async def skill_labels(bot: Binome, guild_id: int, locale: str) -> dict[str, str]:
    return {skill.key: skill.name(locale) for skill in await bot.membership.catalogue(guild_id)}


def topic_name(topic: str | None, labels: dict[str, str], locale: str) -> str:
    return t("weekly.message.free_topic", locale) if topic is None else labels.get(topic, topic)


def weekly_message(week: PairWeek, labels: dict[str, str], locale: str) -> tuple[str, discord.ui.View]:
    content = t(
        "weekly.message.text",
        locale,
        date=week.week_start.isoformat(),
        mentor=mention(week.mentor_id),
        learner=mention(week.learner_id),
        topic=topic_name(week.topic, labels, locale),
    )
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


# --- the weekly run ---------------------------------------------------------------------------


@dataclass(slots=True)
class RunReport:
    posted: int = 0
    already: int = 0
    paused: int = 0


async def _post_week(
    bot: Binome, guild: discord.Guild, pair: Pair, week: PairWeek, labels: dict[str, str], report: RunReport
) -> None:
    action = await bot.weekly.claim_posting(week.id)
    if action is PostAction.NOTHING:
        report.already += 1
        return
    channel = pair_channel(guild, pair)
    if channel is None:
        log.warning("pair %s has no channel; its weekly message waits for the channel to be recreated", pair.id)
        return
    prefix = f"binome:week:{week.id}:"
    found = None
    if action is PostAction.LOOK_FIRST:  # an interrupted run may already have posted it
        found = await find_recent_message(channel, lambda custom_id: custom_id.startswith(prefix), bot.user)
    if found is not None:
        await bot.weekly.mark_posted(week.id, found.id)
        report.already += 1
        return
    content, view = weekly_message(week, labels, bot.server_locale(guild))
    try:
        message = await channel.send(content, view=view, allowed_mentions=pings(*pair.members()))
    except discord.HTTPException as exc:
        log.warning("weekly message for pair %s failed (%s); retried at the next run", pair.id, exc)
        return
    await bot.weekly.mark_posted(week.id, message.id)
    report.posted += 1


async def run_week(bot: Binome, guild: discord.Guild, week: date) -> RunReport:
    """Post `week`'s message to every active, unpaused pair once; report silent pairs; remind pairs
    whose first meeting is not planned. Safe to call again: nothing is posted twice."""
    await bot.weekly.begin_run(guild.id, week)
    report = RunReport()
    roster = await bot.weekly.roster(guild.id, week)
    report.paused = sum(1 for entry in roster if entry.week.status == PAUSED_WEEK)
    limit = asyncio.Semaphore(CONCURRENT_POSTS)
    labels = await skill_labels(bot, guild.id, bot.server_locale(guild))

    async def post(entry) -> None:
        async with limit:
            await _post_week(bot, guild, entry.pair, entry.week, labels, report)

    await asyncio.gather(*(post(e) for e in roster if e.week.status not in (PAUSED_WEEK, SKIPPED)))
    now = bot.clock.now()
    locale = bot.server_locale(guild)
    for pair, weeks in await bot.weekly.silent_pairs_to_report(guild.id, week, now):
        await pair_channels(bot).tell_moderators(guild, "weekly.report.silent", pair=pair, weeks=weeks)
    paused_pairs = {e.pair.id for e in roster if e.week.status == PAUSED_WEEK}
    for pair in await bot.weekly.first_meetings_to_remind(guild.id, now):
        if pair.id not in paused_pairs:
            text = t("weekly.first_meeting.reminder", locale, a=mention(pair.member_a_id), b=mention(pair.member_b_id))
            await _send(guild, pair, text)
    await bot.weekly.complete_run(guild.id, week)
    return report


async def _send(guild: discord.Guild, pair: Pair, text: str) -> None:
    channel = pair_channel(guild, pair)
    if channel is not None:
        try:
            await channel.send(text, allowed_mentions=pings(*pair.members()))
        except discord.HTTPException as exc:
            log.warning("could not post in the channel of pair %s: %s", pair.id, exc)


async def weekly_check(bot: Binome, now: datetime) -> None:
    """The scheduler's check: run each guild's week when due (on time or as a catch-up), then nudges."""
    for guild in bot.guilds:
        config = await bot.guild_configs.get(guild.id)
        week = await bot.weekly.due_week(config, now)
        if week is not None:
            report = await run_week(bot, guild, week)
            log.info("weekly run %s for guild %s: %s", week, guild.id, report)
        locale = bot.server_locale(guild)
        for entry in await bot.weekly.weeks_to_nudge(guild.id, week_start_for(config, now), now):
            pair, row = entry.pair, entry.week
            text = t(
                "weekly.nudge.text",
                locale,
                a=mention(pair.member_a_id),
                b=mention(pair.member_b_id),
                mentor=mention(row.mentor_id),
            )
            await _send(guild, pair, text)


async def remind_now(interaction: discord.Interaction) -> None:
    """`/mentoring-admin remind-now`: this week's messages, now (nothing is sent twice)."""
    bot = binome(interaction)
    assert interaction.guild is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    config = await bot.guild_configs.get(interaction.guild.id)
    report = await run_week(bot, interaction.guild, week_start_for(config, bot.clock.now()))
    locale = locale_of(interaction)
    counts = {
        part: t(f"weekly.remind_now.{part}", locale, count=count)
        for part, count in (("sent", report.posted), ("already", report.already), ("paused", report.paused))
    }
    await reply(interaction, t("weekly.remind_now.done", locale, **counts))


# --- /pair week, /pair swap and the buttons ----------------------------------------------------


async def current_week(interaction: discord.Interaction, pair: Pair) -> PairWeek:
    bot = binome(interaction)
    config = await bot.guild_configs.get(pair.guild_id)
    return await bot.weekly.week(pair, week_start_for(config, bot.clock.now()))


async def show_week(interaction: discord.Interaction, pair: Pair) -> None:
    bot = binome(interaction)
    week = await current_week(interaction, pair)
    locale = locale_of(interaction)
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
                date=week.week_start.isoformat(),
                mentor=mention(week.mentor_id),
                learner=mention(week.learner_id),
                topic=topic,
            )
        ]
    led = await bot.weekly.sessions_led(pair.id)
    counts = " · ".join(f"{mention(m)} {led.get(m, 0)}" for m in pair.members() if m)
    lines.append(tr(interaction, "weekly.week.sessions_led", counts=counts))
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
    locale = bot.server_locale(guild)
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
        elif await bot.weekly.skip(pair, week.id) is None:
            raise UserError("weekly.skip.cannot")
        else:
            locale = locale_of(interaction)
            content = (
                (interaction.message.content if interaction.message else "")
                + "\n"
                + t("weekly.message.skipped", locale)
            )
            await interaction.response.edit_message(content=content, view=None)


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
        bot = binome(interaction)
        week = await bot.weekly.get_week(self.week_id)
        if week is None:
            raise UserError("weekly.swap.nothing_proposed")
        pair = await pair_by_id(interaction, week.pair_id)
        outcome, week = await bot.weekly.accept_swap(pair, self.week_id, interaction.user.id)
        if outcome is not SwapOutcome.SWAPPED or week is None:
            raise UserError(f"weekly.swap.{outcome.value}")
        locale = locale_of(interaction)
        topic = topic_name(week.topic, await skill_labels(bot, pair.guild_id, locale), locale)
        text = tr(
            interaction,
            "weekly.swap.done",
            mentor=mention(week.mentor_id),
            learner=mention(week.learner_id),
            topic=topic,
        )
        await interaction.response.edit_message(content=text, view=None)


DYNAMIC_ITEMS = (WeekButton, SwapAcceptButton)
