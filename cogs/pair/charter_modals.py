"""The charter's forms: the frame (five fields), one's own objectives, the shared goal.

Each form is pre-filled with what is stored and hands the typed texts to `submit`; its limits are
the domain's (Discord enforces `max_length` in the client only: the service checks them again).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.client.ui import OwnedModal, temporary_id
from bot.domain.charter import FRAME_PARTS, LIMITS
from bot.i18n import t

Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]

# Forms stay open at most this long (then a late submission is answered "menu expired").
MODAL_TIMEOUT = 1800

PARAGRAPHS = {"confidentiality", "ending", "objectives", "shared_goal"}


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # a part of `LIMITS`; also the text input's custom id
    value: str


class CharterModal(OwnedModal):
    def __init__(self, kind: str, pair_id: int, user_id: int, fields: list[Field], locale: str, submit: Submit) -> None:
        # Modal custom ids must be unique per open modal: discord.py keys open modals by it.
        super().__init__(
            title=t(f"charter.modal.title_{kind}", locale),
            custom_id=temporary_id(f"charter:{kind}:{pair_id}:{user_id}:{secrets.token_hex(4)}"),
            timeout=MODAL_TIMEOUT,
        )
        self._submit = submit
        self._inputs: dict[str, discord.ui.TextInput] = {}
        for field in fields:
            text_input = discord.ui.TextInput(
                label=t(f"charter.modal.{field.name}", locale),
                placeholder=t(f"charter.modal.{field.name}_placeholder", locale),
                custom_id=field.name,
                default=field.value or None,
                required=False,
                max_length=LIMITS[field.name],
                style=discord.TextStyle.paragraph if field.name in PARAGRAPHS else discord.TextStyle.short,
            )
            self._inputs[field.name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, {name: text_input.value or "" for name, text_input in self._inputs.items()})


def frame_modal(pair_id: int, user_id: int, values: dict[str, str], locale: str, submit: Submit) -> CharterModal:
    fields = [Field(part, values.get(part, "")) for part in FRAME_PARTS]
    return CharterModal("frame", pair_id, user_id, fields, locale, submit)


def objectives_modal(pair_id: int, user_id: int, value: str, locale: str, submit: Submit) -> CharterModal:
    return CharterModal("objectives", pair_id, user_id, [Field("objectives", value)], locale, submit)


def goal_modal(pair_id: int, user_id: int, value: str, locale: str, submit: Submit) -> CharterModal:
    return CharterModal("goal", pair_id, user_id, [Field("shared_goal", value)], locale, submit)
