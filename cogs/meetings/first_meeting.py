"""The kickoff's "First meeting planned" button: a short form (date, time, and a place, or video);
the pair gets the meeting with its `.ics` invite in its channel, and a reminder the day before."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import discord

from bot.client.interactions import UserError, binome, locale_of, mention, reply
from bot.client.ui import OwnedModal, temporary_id
from bot.db.models import FirstMeeting, Pair
from bot.domain.slots import SlotProblem, local_kind, parse_time_of_day
from bot.i18n import t
from bot.i18n.dates import long_date, short_time
from bot.services.first_meetings import MAX_PLACE, PlanRefusal, first_meeting_invite_key
from cogs.meetings.render import first_meeting_file, post_invite_once, when, where
from cogs.meetings.slot import member_zone
from cogs.pair_channels.channels import pair_channel


async def open_first_meeting_form(interaction: discord.Interaction, pair: Pair) -> None:
    await member_zone(interaction)  # the time is read in the member's zone: refuse early without one
    await interaction.response.send_modal(FirstMeetingModal(pair, locale_of(interaction), interaction.user.id))


def meeting_start(day_text: str, time_text: str, zone: str, locale: str) -> datetime:
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError as exc:
        raise UserError("meetings.first.errors.bad_date", value=day_text.strip()[:20]) from exc
    at = parse_time_of_day(time_text)
    if at is None:
        raise UserError("meetings.slot.errors.bad_time", value=time_text.strip()[:20])
    if local_kind(day, at, ZoneInfo(zone)) is SlotProblem.NONEXISTENT:
        raise UserError(
            "meetings.first.errors.nonexistent", time=short_time(at, locale), date=long_date(day, locale), zone=zone
        )
    # A time the clocks repeat that night is its first occurrence (fold=0), as calendars read it too.
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


class FirstMeetingModal(OwnedModal):
    def __init__(self, pair: Pair, locale: str, owner_id: int) -> None:
        super().__init__(
            title=t("meetings.first.title", locale),
            custom_id=temporary_id(f"first:{owner_id}:{secrets.token_hex(4)}"),
        )
        self.pair = pair
        self.day = discord.ui.TextInput(
            custom_id="date", label=t("meetings.first.date", locale), max_length=10, placeholder="2026-12-15"
        )
        self.time = discord.ui.TextInput(
            custom_id="time", label=t("meetings.first.time", locale), max_length=5, placeholder="18:30"
        )
        self.place = discord.ui.TextInput(
            custom_id="place", label=t("meetings.first.place", locale), max_length=MAX_PLACE, required=False
        )
        for item in (self.day, self.time, self.place):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        locale = locale_of(interaction)
        zone = await member_zone(interaction)
        starts_at = meeting_start(self.day.value, self.time.value, zone, locale)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await bot.first_meetings.plan(self.pair, interaction.user.id, starts_at, zone, self.place.value)
        if isinstance(result, PlanRefusal):
            raise UserError(f"meetings.first.errors.{result.value}")
        assert interaction.guild is not None
        await post_first_meeting(bot, interaction.guild, self.pair, result, interaction.user.id)
        await reply(interaction, t("meetings.first.noted", locale, when=when(result.starts_at)[0]))


async def post_first_meeting(bot, guild: discord.Guild, pair: Pair, meeting: FirstMeeting, member_id: int) -> None:
    """The planned meeting and its invite in the pair's channel, once per planning."""
    channel = pair_channel(guild, pair)
    if channel is None:
        return
    locale, now = bot.pair_locale(guild, pair), bot.clock.now()
    full, relative = when(meeting.starts_at)
    text = t(
        "meetings.first.moved" if meeting.sequence else "meetings.first.planned",
        locale,
        member=mention(member_id),
        when=full,
        relative=relative,
        where=where(meeting, locale),
    )
    await post_invite_once(
        bot,
        guild,
        channel,
        "first-meeting",
        first_meeting_invite_key(pair.id, meeting.sequence),
        text,
        lambda: first_meeting_file(guild, pair, meeting, locale, now),
    )
