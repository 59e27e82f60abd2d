"""`/pair slot` [`creneau`]: propose the pair's weekly slot (in one's own time zone), accept it with a
button or propose another, change the reminder, or see it. The agreed slot's invite is posted once."""

from __future__ import annotations

import logging
import re
import secrets

import discord
from discord import app_commands

from bot.client.interactions import UserError, binome, locale_of, mention, pings, reply
from bot.client.ui import GuardedItem, OwnedModal, temporary_id
from bot.db.models import Pair, PairSlot
from bot.domain.slots import (
    MAX_LENGTH,
    MIN_LENGTH,
    REMINDER_CHOICES,
    Refusal,
    SlotProblem,
    WeeklySlot,
    next_occurrence,
    parse_time_of_day,
    time_suggestions,
)
from bot.i18n import SUPPORTED, t
from bot.i18n.dates import long_date, short_time, weekday_name
from bot.services.slots import AcceptOutcome, as_weekly, slot_key
from cogs.meetings.render import length_text, local_view, post_invite_once, reminder_text, slot_invite_file, when
from cogs.pair.context import pair_by_id
from cogs.pair_channels.channels import pair_channel

log = logging.getLogger(__name__)

SLOT_ID = "binome:slot:{slot_id}:{action}"
SLOT_PATTERN = r"binome:slot:(?P<slot_id>\d+):(?P<action>accept|counter)"
DEFAULT_LENGTH = 60


async def member_zone(interaction: discord.Interaction) -> str:
    profile = await binome(interaction).membership.profile(interaction.guild_id or 0, interaction.user.id)
    if profile is None or not profile.timezone:
        raise UserError("meetings.slot.errors.no_timezone")
    return profile.timezone


def parse_weekday(text: str) -> int | None:
    """ "mardi", "Tuesday", "tue", "2" (1 = Monday) → 1; None when it is no day."""
    cleaned = text.strip().casefold().rstrip(".")
    if cleaned.isdigit() and 1 <= int(cleaned) <= 7:
        return int(cleaned) - 1
    if len(cleaned) < 2:
        return None
    for locale in SUPPORTED:
        for weekday in range(7):
            name = weekday_name(weekday, locale).casefold()
            if name == cleaned or (len(cleaned) >= 3 and name.startswith(cleaned)):
                return weekday
    return None


def refusal_error(refusal: Refusal, slot: WeeklySlot, locale: str) -> UserError:
    if refusal.problem is SlotProblem.BAD_LENGTH:
        return UserError("meetings.slot.errors.bad_length", low=MIN_LENGTH, high=MAX_LENGTH)
    assert refusal.day is not None
    return UserError(
        f"meetings.slot.errors.{refusal.problem.value}",
        time=short_time(slot.at, locale),
        date=long_date(refusal.day, locale),
        zone=slot.zone,
    )


async def time_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=value, value=value) for value in time_suggestions(current)]


async def slot_command(
    interaction: discord.Interaction,
    pair: Pair,
    *,
    day: int | None,
    time_text: str | None,
    length: int | None,
    reminder: str | None,
) -> None:
    bot = binome(interaction)
    locale = locale_of(interaction)
    lead = REMINDER_CHOICES[reminder] if reminder is not None else None
    if day is None and not time_text:
        if lead is not None:
            await bot.slots.set_reminder(pair.id, lead)
            await reply(interaction, t("meetings.slot.reminder_set", locale, reminder=reminder_text(lead, locale)))
        else:
            await show_slot(interaction, pair)
        return
    if day is None or not time_text:
        raise UserError("meetings.slot.errors.incomplete")
    at = parse_time_of_day(time_text)
    if at is None:
        raise UserError("meetings.slot.errors.bad_time", value=time_text.strip()[:20])
    slot = WeeklySlot(day, at, DEFAULT_LENGTH if length is None else length, await member_zone(interaction))
    await propose(interaction, pair, slot, lead)


async def show_slot(interaction: discord.Interaction, pair: Pair) -> None:
    bot = binome(interaction)
    locale, now = locale_of(interaction), bot.clock.now()
    agreed, pending = await bot.slots.agreed(pair.id), await bot.slots.pending(pair.id)
    lines = []
    if agreed is not None:
        slot = as_weekly(agreed)
        start = next_occurrence(slot, now)
        full, relative = when(start)
        lines.append(
            t("meetings.slot.agreed", locale, next=full, relative=relative, length=length_text(slot.minutes, locale))
        )
        zone = await _zone_or_none(interaction)
        if zone:
            lines.append(local_view(slot, start, zone, locale))
        lines.append(t("meetings.slot.reminder_now", locale, reminder=reminder_text(agreed.reminder_minutes, locale)))
    if pending is not None:
        slot = as_weekly(pending)
        lines.append(
            t(
                "meetings.slot.pending",
                locale,
                proposer=mention(pending.proposed_by),
                next=when(next_occurrence(slot, now))[0],
                length=length_text(slot.minutes, locale),
            )
        )
    await reply(interaction, "\n".join(lines) or t("meetings.slot.nothing", locale))


async def _zone_or_none(interaction: discord.Interaction) -> str | None:
    try:
        return await member_zone(interaction)
    except UserError:
        return None


async def propose(interaction: discord.Interaction, pair: Pair, slot: WeeklySlot, lead: int | None) -> None:
    """Store the proposal and post it in the pair's channel, with Accept / Propose another."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    channel = pair_channel(guild, pair)
    if channel is None:
        raise UserError("pair.errors.not_a_pair_channel")
    await interaction.response.defer(ephemeral=True, thinking=True)
    replaced = await bot.slots.pending(pair.id)
    result = await bot.slots.propose(pair, interaction.user.id, slot, lead)
    if isinstance(result, Refusal):
        raise refusal_error(result, slot, locale_of(interaction))
    locale = bot.pair_locale(guild, pair)
    if replaced is not None and replaced.message_id is not None:
        await close_proposal(channel, replaced.message_id, t("meetings.slot.superseded", locale))
    partner = pair.partner_of(interaction.user.id)
    start = next_occurrence(slot, bot.clock.now())
    full, relative = when(start)
    text = t(
        "meetings.slot.proposal",
        locale,
        proposer=mention(interaction.user.id),
        weekday=weekday_name(slot.weekday, locale),
        time=short_time(slot.at, locale),
        zone=slot.zone,
        length=length_text(slot.minutes, locale),
        next=full,
        relative=relative,
        partner=mention(partner),
    )
    view = discord.ui.View(timeout=None)
    for action, style in (("accept", discord.ButtonStyle.success), ("counter", discord.ButtonStyle.secondary)):
        view.add_item(
            discord.ui.Button(
                label=t(f"meetings.slot.button_{action}", locale),
                style=style,
                custom_id=SLOT_ID.format(slot_id=result.id, action=action),
            )
        )
    message = await channel.send(text, view=view, allowed_mentions=pings(partner))
    await bot.slots.set_message(result.id, message.id)
    mine = locale_of(interaction)
    await reply(interaction, "\n".join((t("meetings.slot.proposed", mine), local_view(slot, start, slot.zone, mine))))


async def close_proposal(channel: discord.TextChannel, message_id: int, note: str) -> None:
    """A proposal that can no longer be accepted (replaced, expired) says so and loses its buttons."""
    try:
        message = await channel.fetch_message(message_id)
        await message.edit(content=f"{message.content}\n{note}", view=None)
    except discord.HTTPException as exc:
        log.warning("could not close the slot proposal %s: %s", message_id, exc)


async def post_invite(bot, guild: discord.Guild, pair: Pair, row: PairSlot, *, changed: bool) -> None:
    """The agreed slot's `.ics` (an update of the pair's event when it replaces another), posted once."""
    channel = pair_channel(guild, pair)
    if channel is None:
        return
    locale, now = bot.pair_locale(guild, pair), bot.clock.now()
    slot = as_weekly(row)
    text = t(
        "meetings.invite.updated" if changed else "meetings.invite.posted",
        locale,
        next=when(next_occurrence(slot, now))[0],
        length=length_text(slot.minutes, locale),
    )
    await post_invite_once(
        bot,
        guild,
        channel,
        "slot-invite",
        slot_key("invite", row.id),
        text,
        lambda: slot_invite_file(guild, pair, row, locale, now),
    )


async def accept(interaction: discord.Interaction, slot_id: int) -> None:
    bot = binome(interaction)
    row = await bot.slots.get(slot_id)
    if row is None:
        raise UserError("meetings.slot.errors.gone")
    pair = await pair_by_id(interaction, row.pair_id)
    result = await bot.slots.accept(pair, slot_id, interaction.user.id)
    if result.outcome is not AcceptOutcome.AGREED or result.slot is None:
        raise UserError(f"meetings.slot.errors.{result.outcome.value}")
    agreed = result.slot
    guild = interaction.guild
    assert guild is not None
    locale = bot.pair_locale(guild, pair)
    slot = as_weekly(agreed)
    accepted = t(
        "meetings.slot.accepted",
        locale,
        member=mention(interaction.user.id),
        weekday=weekday_name(slot.weekday, locale),
        time=short_time(slot.at, locale),
        zone=slot.zone,
        length=length_text(slot.minutes, locale),
    )
    original = interaction.message.content if interaction.message else ""
    await interaction.response.edit_message(content=f"{original}\n{accepted}", view=None)
    mine = locale_of(interaction)
    zone = await _zone_or_none(interaction)
    if zone:
        await interaction.followup.send(
            local_view(slot, next_occurrence(slot, bot.clock.now()), zone, mine), ephemeral=True
        )
    await post_invite(bot, guild, pair, agreed, changed=result.previous is not None)


class CounterModal(OwnedModal):
    """Propose another slot: day, time (in one's own zone), length."""

    def __init__(self, pair: Pair, locale: str, owner_id: int) -> None:
        super().__init__(
            title=t("meetings.slot.form.title", locale),
            custom_id=temporary_id(f"slot:counter:{owner_id}:{secrets.token_hex(4)}"),
        )
        self.pair, self.owner_id = pair, owner_id
        self.day = discord.ui.TextInput(custom_id="day", label=t("meetings.slot.form.weekday", locale), max_length=12)
        self.time = discord.ui.TextInput(
            custom_id="time", label=t("meetings.slot.form.time", locale), max_length=5, placeholder="18:30"
        )
        self.minutes = discord.ui.TextInput(
            custom_id="minutes",
            label=t("meetings.slot.form.minutes", locale),
            max_length=3,
            required=False,
            default=str(DEFAULT_LENGTH),
        )
        for item in (self.day, self.time, self.minutes):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        day = parse_weekday(self.day.value)
        if day is None:
            raise UserError("meetings.slot.errors.bad_weekday", value=self.day.value.strip()[:20])
        at = parse_time_of_day(self.time.value)
        if at is None:
            raise UserError("meetings.slot.errors.bad_time", value=self.time.value.strip()[:20])
        text = self.minutes.value.strip() or str(DEFAULT_LENGTH)
        if not text.isdigit():
            raise UserError("meetings.slot.errors.bad_length", low=MIN_LENGTH, high=MAX_LENGTH)
        slot = WeeklySlot(day, at, int(text), await member_zone(interaction))
        await propose(interaction, self.pair, slot, None)


class SlotButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=SLOT_PATTERN):
    """The proposal's buttons: accept it, or propose another slot."""

    def __init__(self, slot_id: int, action: str) -> None:
        super().__init__(discord.ui.Button(custom_id=SLOT_ID.format(slot_id=slot_id, action=action)))
        self.slot_id, self.action = slot_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SlotButton:
        return cls(int(match["slot_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        if self.action == "accept":
            await accept(interaction, self.slot_id)
            return
        row = await binome(interaction).slots.get(self.slot_id)
        if row is None:
            raise UserError("meetings.slot.errors.gone")
        pair = await pair_by_id(interaction, row.pair_id)
        await interaction.response.send_modal(CounterModal(pair, locale_of(interaction), interaction.user.id))
