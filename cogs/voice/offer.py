"""The "you met for 35 minutes, log it?" message's buttons: log it as measured, or edit it first.

The check-in is video, the length measured (or edited), led by the mentor of the session's week; a
session is logged once whoever clicks, however often (`VoiceSessions.log`)."""

from __future__ import annotations

import re
import secrets

import discord

from bot.client.interactions import UserError, binome, locale_of, mention
from bot.client.ui import GuardedItem, OwnedModal, temporary_id
from bot.db.models import Pair
from bot.domain.rotation import week_of
from bot.i18n import t
from bot.services.voice_sessions import together_minutes
from bot.services.weekly import zone_of
from cogs.meetings.render import length_text
from cogs.pair.checkins import MAX_MINUTES, MAX_NOTE, MIN_MINUTES
from cogs.pair.context import pair_by_id

VOICE_ID = "binome:voice:{voice_id}:{action}"
VOICE_PATTERN = r"binome:voice:(?P<voice_id>\d+):(?P<action>log|edit)"


def offer_view(voice_id: int, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action, style in (("log", discord.ButtonStyle.success), ("edit", discord.ButtonStyle.secondary)):
        view.add_item(
            discord.ui.Button(
                label=t(f"voice.offer.button_{action}", locale),
                style=style,
                custom_id=VOICE_ID.format(voice_id=voice_id, action=action),
            )
        )
    return view


async def log_voice_session(
    interaction: discord.Interaction, pair: Pair, voice_id: int, *, minutes: int | None, note: str
) -> None:
    """Record it (once) and turn the offer into what was logged."""
    bot = binome(interaction)
    row = await bot.voice_sessions.get(voice_id)
    if row is None:
        raise UserError("voice.offer.unknown")
    config = await bot.guild_configs.get(pair.guild_id)
    day = row.started_at.astimezone(zone_of(config)).date()
    week = await bot.weekly.week(pair, week_of(day, config.nudge_weekday))
    logged = await bot.voice_sessions.log(
        voice_id,
        pair,
        logged_by=interaction.user.id,
        led_by=week.mentor_id,
        session_date=day,
        week_start=week.week_start,
        minutes=minutes,
        note=note,
    )
    if logged is None:
        raise UserError("voice.offer.unknown")
    if logged.session is None:
        raise UserError("voice.offer.already")
    locale = bot.pair_locale(interaction.guild, pair) if interaction.guild else locale_of(interaction)
    line = t(
        "voice.offer.logged",
        locale,
        member=mention(interaction.user.id),
        minutes=length_text(logged.session.minutes or 0, locale),
        leader=mention(logged.session.led_by),
    )
    original = interaction.message.content if interaction.message else ""
    await interaction.response.edit_message(content=f"{original}\n{line}", view=None)


class VoiceLogModal(OwnedModal):
    def __init__(self, pair: Pair, voice_id: int, measured: int, locale: str, owner_id: int) -> None:
        super().__init__(
            title=t("voice.form.title", locale), custom_id=temporary_id(f"voice:{owner_id}:{secrets.token_hex(4)}")
        )
        self.pair, self.voice_id = pair, voice_id
        self.minutes = discord.ui.TextInput(
            custom_id="minutes", label=t("voice.form.minutes", locale), max_length=3, default=str(measured)
        )
        self.note = discord.ui.TextInput(
            custom_id="note",
            label=t("voice.form.note", locale),
            required=False,
            max_length=MAX_NOTE,
            style=discord.TextStyle.paragraph,
        )
        self.add_item(self.minutes)
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.minutes.value.strip()
        if not text.isdigit() or not MIN_MINUTES <= int(text) <= MAX_MINUTES:
            raise UserError("voice.errors.bad_minutes", low=MIN_MINUTES, high=MAX_MINUTES)
        await log_voice_session(interaction, self.pair, self.voice_id, minutes=int(text), note=self.note.value.strip())


class VoiceLogButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=VOICE_PATTERN):
    def __init__(self, voice_id: int, action: str) -> None:
        super().__init__(discord.ui.Button(custom_id=VOICE_ID.format(voice_id=voice_id, action=action)))
        self.voice_id, self.action = voice_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> VoiceLogButton:
        return cls(int(match["voice_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        row = await binome(interaction).voice_sessions.get(self.voice_id)
        if row is None:
            raise UserError("voice.offer.unknown")
        pair = await pair_by_id(interaction, row.pair_id)
        if self.action == "log":
            await log_voice_session(interaction, pair, self.voice_id, minutes=None, note="")
            return
        if row.session_id is not None:
            raise UserError("voice.offer.already")
        measured = min(max(together_minutes(row), MIN_MINUTES), MAX_MINUTES)
        modal = VoiceLogModal(pair, self.voice_id, measured, locale_of(interaction), interaction.user.id)
        await interaction.response.send_modal(modal)
