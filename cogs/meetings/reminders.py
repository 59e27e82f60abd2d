"""The meetings' scheduled work, at every tick: reminders before each agreed slot, the "did you meet?"
nudge right after it, the first meeting's reminder the day before, proposals that expired, and the
invites of ended pairs cancelled.

Everything is derived from the database and the clock, and every message has a claim key: a restart
or a second process never sends one twice, and a reminder is only due between its time and the slot's
start, so after downtime across that time nothing is sent late.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import mention, pings
from bot.client.once import post_once, same_text
from bot.db.models import Pair
from bot.domain.slots import end_of, last_occurrence, reminder_due
from bot.i18n import t
from bot.services.claims import ClaimRun, Refused
from bot.services.first_meetings import first_meeting_reminder_key
from bot.services.slots import as_weekly, slot_key
from bot.services.weekly import PAUSED_WEEK, SKIPPED, nudge_key, week_start_for
from cogs.meetings.render import slot_invite_file, when, where
from cogs.meetings.slot import close_proposal
from cogs.pair.weekly import skill_labels, topic_name
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

AFTER_SLOT_WINDOW = timedelta(days=2)  # the "did you meet?" nudge is for a slot just past, not an old one
Build = Callable[[], discord.File | None]


async def meetings_check(bot: Binome, now: datetime) -> None:
    for guild in bot.guilds:
        await expire_proposals(bot, guild, now)
        await remind_slots(bot, guild, now)
        await nudge_after_slots(bot, guild, now)
        await remind_first_meetings(bot, guild, now)
        await cancel_ended_invites(bot, guild)


async def _post(
    run: ClaimRun,
    claim,
    guild: discord.Guild,
    pair: Pair,
    text: str,
    *,
    ping: bool = True,
    file: Build | None = None,
    record: Callable[[discord.Message], Awaitable[object]] | None = None,
) -> None:
    channel = pair_channel(guild, pair)
    if channel is None:
        await run.release(claim)  # the channel is being recreated: a later tick posts it
        return
    mentions = pings(*pair.members()) if ping else discord.AllowedMentions.none()

    async def send(nonce: int) -> discord.Message:
        attachment = file() if file is not None else None
        if attachment is None:
            return await channel.send(text, allowed_mentions=mentions, nonce=nonce)
        return await channel.send(text, file=attachment, allowed_mentions=mentions, nonce=nonce)

    await post_once(run, claim, channel, send, matches=same_text(text), record=record)


async def expire_proposals(bot: Binome, guild: discord.Guild, now: datetime) -> None:
    """A proposal nobody answered for 7 days expires, and its message says so."""
    for row in await bot.slots.expired_proposals(guild.id, now):
        if not await bot.slots.expire(row.id):
            continue  # decided meanwhile, or another process expired it
        pair = await bot.pairs.get(row.pair_id)
        channel = pair_channel(guild, pair) if pair is not None else None
        if channel is not None and pair is not None and row.message_id is not None:
            await close_proposal(channel, row.message_id, t("meetings.slot.expired", bot.pair_locale(guild, pair)))


async def remind_slots(bot: Binome, guild: discord.Guild, now: datetime) -> None:
    """Before each agreed slot (the pair's lead: 15 min, 1 h, 1 day), naming this week's mentor and topic."""
    due = []
    for pair, row in await bot.slots.agreed_in_guild(guild.id):
        start = reminder_due(as_weekly(row), row.reminder_minutes, now)
        if start is not None:
            due.append((pair, row, start))
    if not due:
        return
    config = await bot.guild_configs.get(guild.id)
    async with bot.claims.run("slot-reminders") as run:
        keys = {row.id: slot_key("reminder", row.id, start.strftime("%Y%m%dT%H%M")) for _, row, start in due}
        claims = await run.acquire_many(guild.id, list(keys.values()))
        for pair, row, start in due:
            claim = claims[keys[row.id]]
            if isinstance(claim, Refused):
                continue
            week = await bot.weekly.week(pair, week_start_for(config, start))
            if week.status in (PAUSED_WEEK, SKIPPED):
                log.info("slot of pair %s on %s not reminded: its week is %s", pair.id, start.isoformat(), week.status)
                await run.done(claim)  # a paused or skipped week: its slot is not reminded
                continue
            locale = bot.pair_locale(guild, pair)
            full, relative = when(start)
            text = t(
                "meetings.reminder.text",
                locale,
                a=mention(pair.member_a_id),
                b=mention(pair.member_b_id),
                relative=relative,
                when=full,
                mentor=mention(week.mentor_id),
                learner=mention(week.learner_id),
                topic=topic_name(week.topic, await skill_labels(bot, guild.id, locale), locale),
            )
            await _post(run, claim, guild, pair, text)


async def nudge_after_slots(bot: Binome, guild: discord.Guild, now: datetime) -> None:
    """Right after a slot with nothing logged for its week: "did you meet?" (this is the week's nudge:
    the one three days after the weekly message is not sent to pairs with a slot)."""
    config = await bot.guild_configs.get(guild.id)
    pairs, wanted = {}, {}
    for pair, row in await bot.slots.agreed_in_guild(guild.id):
        slot = as_weekly(row)
        start = last_occurrence(slot, now)
        end = end_of(slot, start)
        if end > now or now - end > AFTER_SLOT_WINDOW or (row.decided_at and start < row.decided_at):
            continue
        pairs[pair.id], wanted[pair.id] = pair, week_start_for(config, start)
    due = [(pairs[week.pair_id], week) for week in await bot.slots.weeks_to_nudge(guild.id, wanted)]
    if not due:
        return
    async with bot.claims.run("slot-nudges") as run:
        claims = await run.acquire_many(guild.id, [nudge_key(week.id) for _, week in due])
        for pair, week in due:
            claim = claims[nudge_key(week.id)]
            if claim is Refused.DONE:
                await bot.weekly.mark_nudged(week.id)
            if isinstance(claim, Refused):
                continue
            text = t(
                "meetings.reminder.after",
                bot.pair_locale(guild, pair),
                a=mention(pair.member_a_id),
                b=mention(pair.member_b_id),
            )

            async def record(_: discord.Message, week_id: int = week.id) -> None:
                await bot.weekly.mark_nudged(week_id)

            await _post(run, claim, guild, pair, text, record=record)


async def remind_first_meetings(bot: Binome, guild: discord.Guild, now: datetime) -> None:
    due = await bot.first_meetings.reminders_due(guild.id, now)
    if not due:
        return
    async with bot.claims.run("first-meeting-eve") as run:
        keys = {pair.id: first_meeting_reminder_key(pair.id, meeting.starts_at) for pair, meeting in due}
        claims = await run.acquire_many(guild.id, list(keys.values()))
        for pair, meeting in due:
            claim = claims[keys[pair.id]]
            if isinstance(claim, Refused):
                continue
            locale = bot.pair_locale(guild, pair)
            full, relative = when(meeting.starts_at)
            text = t(
                "meetings.first.eve",
                locale,
                a=mention(pair.member_a_id),
                b=mention(pair.member_b_id),
                relative=relative,
                when=full,
                where=where(meeting, locale),
            )
            await _post(run, claim, guild, pair, text)


async def cancel_ended_invites(bot: Binome, guild: discord.Guild) -> None:
    """A pair that ended gets its weekly event cancelled in the calendars (same UID, METHOD:CANCEL)."""
    ended = await bot.slots.slots_of_ended_pairs(guild.id)
    if not ended:
        return
    async with bot.claims.run("slot-cancel") as run:
        for pair, row in ended:
            claim = await run.acquire(guild.id, slot_key("cancel", row.id))
            if isinstance(claim, Refused):
                continue
            if row.status != "agreed" or pair_channel(guild, pair) is None:
                await bot.slots.end_slot(row.id)  # a mere proposal, or no channel left to tell
                await run.done(claim)
                continue
            locale = bot.pair_locale(guild, pair)

            async def record(_: discord.Message, slot_id: int = row.id) -> None:
                await bot.slots.end_slot(slot_id)

            await _post(
                run,
                claim,
                guild,
                pair,
                t("meetings.invite.cancelled", locale),
                ping=False,
                file=lambda pair=pair, row=row, locale=locale: slot_invite_file(
                    guild, pair, row, locale, bot.clock.now(), cancel=True
                ),
                record=record,
            )
