"""The time-zone step of `/mentoring join`: a menu of the zones common for the server's languages (the
member's own and the server's first), and "Other…" for any IANA zone, typed in the form and checked.

Choosing in the menu opens the profile form at once (a menu answered by a form); the Continue button
opens it again if the member closed it. The zone picked in the menu is stored as is; one typed after
"Other…" is validated with the rest of the form (`bot.domain.timezones`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import discord

from bot.client.interactions import UserError
from bot.client.ui import OwnedView, temporary_id
from bot.domain.profiles import ProfileDraft
from bot.domain.timezones import common_zones, offset_of, offset_text
from bot.i18n import SUPPORTED, t

OTHER = "other"
MAX_ZONES = 24  # Discord's 25 options per menu, one of them "Other…"

OpenForm = Callable[[discord.Interaction, bool], Awaitable[None]]  # (interaction, ask for the zone in the form)


def join_zones(program: str, first: Sequence[str | None]) -> list[str]:
    """The zones offered: `first` (the member's current zone, the server's), then the common zones of
    the program's language, then of the other languages."""
    languages = [program, *(language for language in SUPPORTED if language != program)]
    return common_zones(languages, [zone for zone in first if zone], limit=MAX_ZONES)


def zone_option(zone: str, now: datetime, chosen: str) -> discord.SelectOption:
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return discord.SelectOption(
        label=f"{city} ({offset_text(offset_of(zone, now))})" if zone != "UTC" else "UTC",
        value=zone,
        description=zone,
        default=zone == chosen,
    )


class TimezoneStep(OwnedView):
    def __init__(
        self,
        owner_id: int,
        locale: str,
        draft: ProfileDraft,
        zones: Sequence[str],
        now: datetime,
        open_form: OpenForm,
        *,
        timeout: float | None,
    ) -> None:
        super().__init__(owner_id, timeout=timeout or 600)
        self.draft, self.locale = draft, locale
        self._open_form = open_form
        offered = list(zones)[:MAX_ZONES]
        # A zone typed earlier and not in the menu: "Other…" is preselected, and the form shows it.
        self.ask_zone = bool(draft.timezone) and draft.timezone not in offered
        options = [zone_option(zone, now, draft.timezone) for zone in offered]
        options.append(
            discord.SelectOption(
                label=t("onboarding.timezone.other", locale),
                value=OTHER,
                description=t("onboarding.timezone.other_description", locale),
                default=self.ask_zone,
            )
        )
        self.menu = discord.ui.Select(
            custom_id=temporary_id("join:timezone"),
            placeholder=t("onboarding.timezone.placeholder", locale),
            options=options,
        )
        proceed = discord.ui.Button(
            custom_id=temporary_id("join:timezone_continue"),
            label=t("onboarding.join.continue", locale),
            style=discord.ButtonStyle.primary,
        )
        self.menu.callback, proceed.callback = self.on_choice, self.on_continue
        self.add_item(self.menu)
        self.add_item(proceed)

    async def on_choice(self, interaction: discord.Interaction) -> None:
        choice = self.menu.values[0] if self.menu.values else None
        if choice is None:
            raise UserError("onboarding.timezone.missing")
        self.ask_zone = choice == OTHER
        if not self.ask_zone:
            self.draft.timezone = choice
        await self._open_form(interaction, self.ask_zone)

    async def on_continue(self, interaction: discord.Interaction) -> None:
        if not self.ask_zone and not self.draft.timezone:
            raise UserError("onboarding.timezone.missing")
        await self._open_form(interaction, self.ask_zone)
