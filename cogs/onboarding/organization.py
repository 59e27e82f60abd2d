"""The join form's "Organization / team" button, shown when the server keeps colleagues apart
(`/mentoring-admin setup organizations:`): a one-field form whose answer waits in the draft."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import discord

from bot.client.ui import OwnedModal, temporary_id
from bot.domain.profiles import MAX_ORGANIZATION
from bot.i18n import t

if TYPE_CHECKING:
    from cogs.onboarding.join_flow import JoinView


class OrganizationModal(OwnedModal):
    def __init__(self, view: JoinView) -> None:
        super().__init__(
            title=t("separation.organization.title", view.locale),
            custom_id=temporary_id(f"join:organization:{view.owner_id}:{secrets.token_hex(4)}"),
            timeout=view.timeout,
        )
        self.join_view = view
        self.organization = discord.ui.TextInput(
            label=t("separation.organization.label", view.locale),
            placeholder=t("separation.organization.placeholder", view.locale),
            custom_id="organization",
            default=view.draft.organization or None,
            required=False,
            max_length=MAX_ORGANIZATION,
        )
        self.add_item(self.organization)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.join_view.interaction_check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.join_view.draft.organization = self.organization.value or ""
        await interaction.response.edit_message(content=self.join_view.content())


def organization_button(view: JoinView, row: int) -> discord.ui.Button:
    button = discord.ui.Button(
        custom_id=temporary_id("join:organization"),
        label=t("separation.organization.button", view.locale),
        style=discord.ButtonStyle.secondary,
        row=row,
    )

    async def open_form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(OrganizationModal(view))

    button.callback = open_form
    return button
