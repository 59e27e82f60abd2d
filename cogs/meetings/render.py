"""Texts about slots and first meetings: Discord timestamps (each reader sees their own zone), lengths
with CLDR plurals, and the `.ics` invites as Discord files."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.client.once import post_claimed, same_text
from bot.db.models import FirstMeeting, Pair, PairSlot
from bot.domain.invites import EventText, first_meeting_uid, single_invite, slot_uid, weekly_invite
from bot.domain.rotation import parse_time_of_day as parse_hhmm
from bot.domain.rotation import run_moment
from bot.domain.slots import REMINDER_CHOICES, WeeklySlot, next_occurrence, seen_from
from bot.i18n import t
from bot.i18n.dates import discord_timestamp, short_time, weekday_name
from bot.services.guild_config import GuildConfig
from bot.services.slots import as_weekly
from bot.services.weekly import zone_of

if TYPE_CHECKING:
    from bot.client.bot import Binome

REMINDER_NAMES = {minutes: name for name, minutes in REMINDER_CHOICES.items()}


def length_text(minutes: int, locale: str) -> str:
    return t("meetings.slot.length", locale, count=minutes)


def reminder_text(minutes: int, locale: str) -> str:
    return t(f"meetings.slot.reminders.{REMINDER_NAMES.get(minutes, '1h')}", locale)


def when(moment: datetime) -> tuple[str, str]:
    """The full date and time, and "in 2 days", as Discord timestamps."""
    return discord_timestamp(moment, "F"), discord_timestamp(moment, "R")


def local_view(slot: WeeklySlot, moment: datetime, zone: str, locale: str) -> str:
    """ "In your time zone (America/Toronto): Tuesday at 12:00." — the slot as one member sees it."""
    weekday, at = seen_from(moment, zone)
    return t(
        "meetings.slot.in_your_zone",
        locale,
        zone=zone,
        weekday=weekday_name(weekday, locale),
        time=short_time(at, locale),
    )


def week_occurrence(slot: WeeklySlot, config: GuildConfig, week_start) -> datetime:
    """The slot's occurrence in the week whose run is on `week_start` (the first one after the run)."""
    return next_occurrence(slot, run_moment(week_start, parse_hhmm(config.nudge_time), zone_of(config)))


def weekly_line(row: PairSlot | None, config: GuildConfig, week_start, locale: str) -> str:
    """The weekly message's and `/pair week`'s line about the slot."""
    if row is None:
        return t("meetings.slot.weekly_line_none", locale)
    slot = as_weekly(row)
    moment = week_occurrence(slot, config, week_start)
    return t("meetings.slot.weekly_line", locale, when=when(moment)[0], length=length_text(slot.minutes, locale))


async def weekly_lines(bot: Binome, guild: discord.Guild, pairs: list[Pair], week_start) -> dict[int, str]:
    """The slot line of each pair's weekly message, in the pair's language."""
    config = await bot.guild_configs.get(guild.id)
    agreed = {pair.id: slot for pair, slot in await bot.slots.agreed_in_guild(guild.id)}
    return {
        pair.id: weekly_line(agreed.get(pair.id), config, week_start, bot.pair_locale(guild, pair)) for pair in pairs
    }


def member_names(guild: discord.Guild, pair: Pair) -> str:
    names = []
    for member_id in pair.members():
        member = guild.get_member(member_id or 0)
        names.append(member.display_name if member else "?")
    return " & ".join(names)


def slot_invite_file(
    guild: discord.Guild, pair: Pair, row: PairSlot, locale: str, now: datetime, *, cancel: bool = False
) -> discord.File:
    """The pair's weekly event (one UID per pair; a cancellation is one SEQUENCE more than the last invite)."""
    slot = as_weekly(row)
    text = EventText(
        summary=t("meetings.invite.slot_summary", locale, names=member_names(guild, pair)),
        description=t("meetings.invite.slot_description", locale),
        location=t("meetings.invite.video", locale),
    )
    data = weekly_invite(
        slot,
        next_occurrence(slot, row.decided_at or now),
        uid=slot_uid(pair.guild_id, pair.id),
        sequence=row.sequence + 1 if cancel else row.sequence,
        text=text,
        stamp=now,
        cancel=cancel,
    )
    return ics_file(data, t("meetings.invite.slot_file", locale))


def first_meeting_file(guild: discord.Guild, pair: Pair, meeting: FirstMeeting, locale: str, now: datetime):
    text = EventText(
        summary=t("meetings.invite.first_summary", locale, names=member_names(guild, pair)),
        description=t("meetings.invite.first_description", locale),
        location=meeting.place or t("meetings.invite.video", locale),
    )
    data = single_invite(
        meeting.starts_at,
        meeting.minutes,
        meeting.timezone,
        uid=first_meeting_uid(pair.guild_id, pair.id),
        sequence=meeting.sequence,
        text=text,
        stamp=now,
    )
    return ics_file(data, t("meetings.invite.first_file", locale))


async def post_invite_once(
    bot: Binome, guild: discord.Guild, channel, purpose: str, key: str, text: str, build: Callable[[], discord.File]
) -> None:
    """`text` with a freshly built `.ics` attachment, posted once for `key` (no pings: it is a file)."""
    await post_claimed(
        bot.claims,
        guild.id,
        purpose,
        key,
        channel,
        lambda nonce: channel.send(text, file=build(), allowed_mentions=discord.AllowedMentions.none(), nonce=nonce),
        matches=same_text(text),
    )


def ics_file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename, description="iCalendar (.ics)")


def where(meeting: FirstMeeting, locale: str) -> str:
    if meeting.place:
        return t("meetings.first.in_person", locale, place=meeting.place)
    return t("meetings.first.by_video", locale)
