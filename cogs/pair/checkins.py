"""Check-ins: recording a session (`/pair log`, or the weekly message's "Log a session" button).

The session's date is offered while typing (today, yesterday, the days before in the member's
language; YYYY-MM-DD still works); a day in the future or before the pair started is refused. The
summary is posted in the pair's channel, in the pair's language (whoever logged it).
"""

from __future__ import annotations

import secrets
from datetime import date

import discord
from discord import app_commands

from bot.client.interactions import UserError, binome, locale_of, reply
from bot.client.ui import OwnedModal, OwnedView, temporary_id
from bot.db.models import Pair, PairSession
from bot.domain.log_dates import matching, offered_days, read_day
from bot.i18n import t
from bot.i18n.dates import day_and_month, long_date
from bot.services.guild_config import GuildConfig
from bot.services.weekly import LogError, local_today, pair_start_date

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = ()
MAX_NOTE = 500
MIN_MINUTES, MAX_MINUTES = 5, 600
MAX_CHOICES = 25  # Discord's limit for an autocomplete answer


def day_label(day: date, today: date, locale: str) -> str:
    """ "Aujourd'hui, lundi 30 novembre" / "Yesterday, Sunday, November 29" / "vendredi 27 novembre"."""
    named = day_and_month(day, locale)
    if day == today:
        return t("checkins.dates.today", locale, date=named)
    if (today - day).days == 1:
        return t("checkins.dates.yesterday", locale, date=named)
    return named


def offered(pair: Pair, config: GuildConfig, now, locale: str) -> list[tuple[date, str]]:
    today = local_today(config, now)
    return [(day, day_label(day, today, locale)) for day in offered_days(today, pair_start_date(pair, config))]


def parse_date(text: str | None, pair: Pair, config: GuildConfig, now, locale: str) -> date | None:
    """The day typed (YYYY-MM-DD, or a label offered by the autocomplete), None for today."""
    if not text or not text.strip():
        return None
    day = read_day(text, offered(pair, config, now, locale))
    if day is None:
        raise UserError("checkins.errors.bad_date", value=text.strip()[:20])
    return day


async def date_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """`/pair log date:` autocomplete: the days a session can be logged for, in the member's language.
    Outside a pair channel, or with nothing matching, a short list all the same (never an error)."""
    bot = binome(interaction)
    pair = await bot.pairs.by_channel(interaction.channel_id or 0)
    if pair is None or pair.guild_id != interaction.guild_id:
        return []
    config = await bot.guild_configs.get(pair.guild_id)
    locale = locale_of(interaction)
    days = offered(pair, config, bot.clock.now(), locale)
    found = matching(current, days) or days
    return [app_commands.Choice(name=label[:100], value=day.isoformat()) for day, label in found[:MAX_CHOICES]]


async def log_session(
    interaction: discord.Interaction,
    pair: Pair,
    *,
    held: bool,
    mode: str | None,
    minutes: int | None,
    led_by: int | None,
    date_text: str | None,
    note: str,
) -> None:
    """Record the session and tell the pair (in its channel, so the partner sees it too)."""
    bot = binome(interaction)
    if len(note) > MAX_NOTE:
        raise UserError("checkins.errors.note_too_long", limit=MAX_NOTE)
    guild = interaction.guild
    assert guild is not None
    config = await bot.guild_configs.get(pair.guild_id)
    now = bot.clock.now()
    session_date = parse_date(date_text, pair, config, now, locale_of(interaction))
    result = await bot.weekly.log_session(
        pair,
        config,
        logged_by=interaction.user.id,
        held=held,
        mode=mode,
        minutes=minutes,
        led_by=led_by,
        session_date=session_date,
        note=note,
    )
    if isinstance(result, LogError):
        started = long_date(pair_start_date(pair, config), locale_of(interaction))
        raise UserError(f"checkins.errors.{result.value}", date=started)
    led = await bot.weekly.sessions_led(pair.id)
    await reply(
        interaction,
        describe(result, pair, led, bot.pair_locale(guild, pair)),
        ephemeral=False,
        allowed_mentions=discord.AllowedMentions.none(),
    )


def describe(record: PairSession, pair: Pair, led: dict[int, int], locale: str) -> str:
    counts = " · ".join(f"<@{m}> {led.get(m, 0)}" for m in pair.members() if m)
    if not record.held:
        head = t(
            "checkins.logged_not_held",
            locale,
            member=f"<@{record.logged_by}>",
            date=day_and_month(record.session_date, locale),
        )
    else:
        details = [t(f"checkins.mode_{record.mode}", locale)] if record.mode else []
        if record.minutes:
            details.append(t("checkins.minutes", locale, minutes=record.minutes))
        head = t(
            "checkins.logged",
            locale,
            member=f"<@{record.logged_by}>",
            date=day_and_month(record.session_date, locale),
            leader=f"<@{record.led_by}>" if record.led_by else "?",
            details=", ".join(details) or "—",
        )
    lines = [head, t("checkins.balance", locale, counts=counts)]
    if record.note:
        lines.insert(1, f"> {record.note}")
    return "\n".join(lines)


async def open_log_form(interaction: discord.Interaction, pair: Pair) -> None:
    """The button's way in: two menus (held? how?) then a short form."""
    locale = locale_of(interaction)
    view = LogFormView(pair, interaction.user.id, locale)
    await reply(interaction, t("checkins.form_intro", locale), view=view)
    view.message = await interaction.original_response()


class LogFormView(OwnedView):
    def __init__(self, pair: Pair, owner_id: int, locale: str) -> None:
        super().__init__(owner_id)
        self.pair, self.locale = pair, locale
        self.held: bool | None = None
        self.mode: str | None = None
        held = discord.ui.Select(
            custom_id=temporary_id("log:held"),
            placeholder=t("checkins.held_placeholder", locale),
            options=[
                discord.SelectOption(label=t("checkins.held_yes", locale), value="yes"),
                discord.SelectOption(label=t("checkins.held_no", locale), value="no"),
            ],
        )
        mode = discord.ui.Select(
            custom_id=temporary_id("log:mode"),
            placeholder=t("checkins.mode_placeholder", locale),
            min_values=0,
            options=[
                discord.SelectOption(label=t("checkins.mode_in_person", locale), value="in_person"),
                discord.SelectOption(label=t("checkins.mode_video", locale), value="video"),
            ],
        )
        proceed = discord.ui.Button(
            custom_id=temporary_id("log:continue"),
            label=t("checkins.continue", locale),
            style=discord.ButtonStyle.primary,
        )

        async def on_held(select_interaction: discord.Interaction) -> None:
            self.held = held.values == ["yes"]
            await select_interaction.response.defer()

        async def on_mode(select_interaction: discord.Interaction) -> None:
            self.mode = mode.values[0] if mode.values else None
            await select_interaction.response.defer()

        async def on_continue(button_interaction: discord.Interaction) -> None:
            if self.held is None:
                raise UserError("checkins.errors.held_missing")
            await button_interaction.response.send_modal(LogModal(self))

        held.callback, mode.callback, proceed.callback = on_held, on_mode, on_continue
        for item in (held, mode, proceed):
            self.add_item(item)


class LogModal(OwnedModal):
    def __init__(self, form: LogFormView) -> None:
        super().__init__(
            title=t("checkins.modal_title", form.locale),
            custom_id=temporary_id(f"log:modal:{form.owner_id}:{secrets.token_hex(4)}"),
        )
        self.form = form
        self.minutes = discord.ui.TextInput(
            custom_id="minutes",
            label=t("checkins.field_minutes", form.locale),
            required=False,
            max_length=3,
            placeholder="60",
        )
        self.when = discord.ui.TextInput(
            custom_id="date",
            label=t("checkins.field_date", form.locale),
            required=False,
            max_length=40,
            placeholder=t("checkins.date_placeholder", form.locale),
        )
        self.note = discord.ui.TextInput(
            custom_id="note",
            label=t("checkins.field_note", form.locale),
            required=False,
            max_length=MAX_NOTE,
            style=discord.TextStyle.paragraph,
        )
        for item in (self.minutes, self.when, self.note):
            self.add_item(item)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.form.interaction_check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        minutes: int | None = None
        if self.minutes.value.strip():
            if not self.minutes.value.strip().isdigit() or not MIN_MINUTES <= int(self.minutes.value) <= MAX_MINUTES:
                raise UserError("checkins.errors.bad_minutes", low=MIN_MINUTES, high=MAX_MINUTES)
            minutes = int(self.minutes.value)
        await log_session(
            interaction,
            self.form.pair,
            held=bool(self.form.held),
            mode=self.form.mode,
            minutes=minutes,
            led_by=None,
            date_text=self.when.value,
            note=self.note.value.strip(),
        )
        self.form.stop()
