"""The weekly run: each active pair's "this week A mentors B" message, posted exactly once, then the
silence reports and first-meeting reminders; and the nudges three days later (for pairs with an
agreed slot, right after it: cogs.meetings).

`remind-now`, the scheduled run and the catch-up after downtime are one path, `run_week`, which may
run several times at once (a `remind-now` during the scheduled run, two moderators, two processes on
one database). Every message has a claim key (`bot.services.claims`): a live run never posts what
another live run holds, and counts it as already sent. A run that died releases its keys when its
lease runs out; the next run takes them over and looks in the channel's history before posting.

A week's run is completed only once every message is posted. Until then the scheduler calls it again
at each tick (within the catch-up grace): a message Discord refused is retried after its claim's
backoff, a message held by a dead run after its lease, while the bot keeps running.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import binome, locale_of, mention, pings, reply
from bot.client.once import post_once, same_text, with_custom_id
from bot.db.models import Pair
from bot.i18n import t
from bot.i18n.dates import long_date
from bot.services.claims import Claim, ClaimRun, Refused
from bot.services.weekly import (
    PAUSED_WEEK,
    POSTED,
    POSTING,
    TO_POST,
    RosterEntry,
    first_meeting_key,
    nudge_key,
    silence_key,
    unsent_report_key,
    week_key,
    week_start_for,
)
from cogs.meetings.render import weekly_lines
from cogs.pair.weekly import weekly_message
from cogs.pair_channels import pair_channels
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

CONCURRENT_POSTS = 8  # different channels, different buckets; the global limit is the real bound


@dataclass(slots=True)
class RunReport:
    posted: int = 0  # posted by this run
    already: int = 0  # posted earlier, or being posted right now by another live run
    paused: int = 0
    unsent: int = 0  # not posted yet: Discord failed (retried after a backoff) or the channel is being recreated
    held: int = 0  # (among `already`) held by another run, which may still fail or have died

    @property
    def complete(self) -> bool:
        return self.unsent == 0 and self.held == 0


async def run_week(bot: Binome, guild: discord.Guild, week: date) -> RunReport:
    """Post `week`'s message to every active, unpaused pair exactly once; report silent pairs; remind
    pairs whose first meeting is not planned. Safe to call again and concurrently."""
    await bot.weekly.begin_run(guild.id, week)
    report = RunReport()
    roster = await bot.weekly.roster(guild.id, week)
    report.paused = sum(1 for entry in roster if entry.week.status == PAUSED_WEEK)
    report.already = sum(1 for entry in roster if entry.week.status == POSTED)
    to_post = [entry for entry in roster if entry.week.status in TO_POST]
    async with bot.claims.run("weekly") as run:
        claims = await run.acquire_many(guild.id, [week_key(entry.week.id) for entry in to_post])
        if to_post:
            # Each pair reads its own language: the skill names in each language used, read once.
            catalogue = await bot.membership.catalogue(guild.id)
            locales = {bot.pair_locale(guild, entry.pair) for entry in to_post}
            labels = {locale: {skill.key: skill.name(locale) for skill in catalogue} for locale in locales}
            slot_lines = await weekly_lines(bot, guild, [entry.pair for entry in to_post], week)
            limit = asyncio.Semaphore(CONCURRENT_POSTS)

            async def post(entry: RosterEntry) -> None:
                claim = claims[week_key(entry.week.id)]
                if isinstance(claim, Refused):
                    _count_refused(report, claim)
                    return
                async with limit:
                    await _post_week(bot, run, claim, guild, entry, labels, report, slot_lines.get(entry.pair.id))

            await asyncio.gather(*(post(entry) for entry in to_post))
        await _report_silent_pairs(bot, run, guild, week)
        await _remind_first_meetings(bot, run, guild, {e.pair.id for e in roster if e.week.status == PAUSED_WEEK})
        if report.complete:
            await bot.weekly.complete_run(guild.id, week)
        elif report.unsent:
            await _tell_unsent(bot, run, guild, week, report.unsent)
    return report


def _count_refused(report: RunReport, refused: Refused) -> None:
    if refused is Refused.WAITING:  # failed recently: retried once its backoff is over
        report.unsent += 1
        return
    report.already += 1  # done, or being posted by another live run: not this run's to post
    if refused is Refused.HELD:
        report.held += 1


async def _post_week(
    bot: Binome,
    run: ClaimRun,
    claim: Claim,
    guild: discord.Guild,
    entry: RosterEntry,
    labels: dict[str, dict[str, str]],
    report: RunReport,
    slot_line: str | None = None,
) -> None:
    pair, week = entry.pair, entry.week
    channel = pair_channel(guild, pair)
    if channel is None:
        log.warning("pair %s has no channel; its weekly message waits for the channel to be recreated", pair.id)
        await run.release(claim)
        report.unsent += 1
        return
    locale = bot.pair_locale(guild, pair)
    content, view = weekly_message(week, labels[locale], locale, slot_line)

    async def record(message: discord.Message) -> None:
        await bot.weekly.mark_posted(week.id, message.id)

    posted = await post_once(
        run,
        claim,
        channel,
        lambda nonce: channel.send(content, view=view, allowed_mentions=pings(*pair.members()), nonce=nonce),
        matches=with_custom_id(f"binome:week:{week.id}:"),
        record=record,
        look_first=week.status == POSTING,  # written by a run from before the claims: it may have posted
    )
    if posted is None:
        report.unsent += 1
    elif posted.found:
        report.already += 1
    else:
        report.posted += 1


async def _report_silent_pairs(bot: Binome, run: ClaimRun, guild: discord.Guild, week: date) -> None:
    silences = await bot.weekly.silent_pairs(guild.id, week)
    if not silences:
        return
    claims = await run.acquire_many(guild.id, [silence_key(s) for s in silences])
    for silence in silences:
        claim = claims[silence_key(silence)]
        if claim is Refused.DONE:
            await bot.weekly.mark_silence_reported(silence.pair.id)  # recorded by a run that died just after
        if isinstance(claim, Refused):
            continue
        # Stored once per event key: a run resuming this claim after a crash adds no second report.
        await pair_channels(bot).tell_moderators(
            guild, "weekly.report.silent", pair=silence.pair, event_key=claim.key, weeks=silence.weeks
        )
        await bot.weekly.mark_silence_reported(silence.pair.id)
        await run.done(claim)


async def _remind_first_meetings(bot: Binome, run: ClaimRun, guild: discord.Guild, paused: set[int]) -> None:
    due = [pair for pair in await bot.weekly.first_meetings_due(guild.id, bot.clock.now()) if pair.id not in paused]
    if not due:
        return
    claims = await run.acquire_many(guild.id, [first_meeting_key(pair.id) for pair in due])
    for pair in due:
        claim = claims[first_meeting_key(pair.id)]
        if claim is Refused.DONE:
            await bot.weekly.mark_first_meeting_reminded(pair.id)
        if isinstance(claim, Refused):
            continue
        locale = bot.pair_locale(guild, pair)
        text = t("weekly.first_meeting.reminder", locale, a=mention(pair.member_a_id), b=mention(pair.member_b_id))

        async def record(_: discord.Message, pair: Pair = pair) -> None:
            await bot.weekly.mark_first_meeting_reminded(pair.id)

        await _post_text_once(bot, run, claim, guild, pair, text, record)


async def _post_text_once(bot: Binome, run: ClaimRun, claim: Claim, guild, pair: Pair, text: str, record) -> None:
    channel = pair_channel(guild, pair)
    if channel is None:
        await run.release(claim)  # being recreated: a later run posts it
        return
    await post_once(
        run,
        claim,
        channel,
        lambda nonce: channel.send(text, allowed_mentions=pings(*pair.members()), nonce=nonce),
        matches=same_text(text),
        record=record,
    )


async def _tell_unsent(bot: Binome, run: ClaimRun, guild: discord.Guild, week: date, unsent: int) -> None:
    """Once per week: the moderators hear that some messages could not be posted yet (retried meanwhile)."""
    claim = await run.acquire(guild.id, unsent_report_key(guild.id, week))
    if isinstance(claim, Refused):
        return
    locale = bot.moderators_locale(guild)
    await pair_channels(bot).tell_moderators(
        guild, "weekly.report.unsent", event_key=claim.key, count=unsent, date=long_date(week, locale)
    )
    await run.done(claim)


async def send_nudges(bot: Binome, guild: discord.Guild, week: date, now: datetime) -> None:
    """Three days after the week's message, a pair with no session logged is nudged, once."""
    due = await bot.weekly.nudges_due(guild.id, week, now)
    slotted = await bot.slots.slotted_pairs(guild.id) if due else set()
    due = [entry for entry in due if entry.pair.id not in slotted]  # nudged right after their slot instead
    if not due:
        return
    async with bot.claims.run("nudges") as run:
        claims = await run.acquire_many(guild.id, [nudge_key(entry.week.id) for entry in due])
        for entry in due:
            claim = claims[nudge_key(entry.week.id)]
            if claim is Refused.DONE:
                await bot.weekly.mark_nudged(entry.week.id)
            if isinstance(claim, Refused):
                continue
            pair, row = entry.pair, entry.week
            text = t(
                "weekly.nudge.text",
                bot.pair_locale(guild, pair),
                a=mention(pair.member_a_id),
                b=mention(pair.member_b_id),
                mentor=mention(row.mentor_id),
            )

            async def record(_: discord.Message, week_id: int = row.id) -> None:
                await bot.weekly.mark_nudged(week_id)

            await _post_text_once(bot, run, claim, guild, pair, text, record)


async def weekly_check(bot: Binome, now: datetime) -> None:
    """The scheduler's check: run each guild's week when due (on time, as a catch-up, or again while
    some of its messages are unsent), then the nudges."""
    for guild in bot.guilds:
        config = await bot.guild_configs.get(guild.id)
        week = await bot.weekly.due_week(config, now)
        if week is not None:
            report = await run_week(bot, guild, week)
            log.info("weekly run %s for guild %s: %s", week, guild.id, report)
        await send_nudges(bot, guild, week_start_for(config, now), now)


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
    lines = [t("weekly.remind_now.done", locale, **counts)]
    if report.unsent:
        lines.append(t("weekly.remind_now.unsent", locale, count=report.unsent))
    await reply(interaction, "\n".join(lines))
