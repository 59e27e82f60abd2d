"""Base classes for the bot's temporary views (menus attached to one member's ephemeral message).

Their custom ids carry the process's boot id, so a click on a menu left over from before a restart
is recognised and answered ("this menu expired") instead of failing silently.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.client.interactions import UserError, reply_key
from bot.i18n import t

log = logging.getLogger(__name__)

BOOT_ID = secrets.token_hex(3)
TEMPORARY_PREFIX = "binome:t:"


def temporary_id(name: str) -> str:
    """custom_id for a component of a temporary view (≤ 100 chars, namespaced, tied to this boot)."""
    return f"{TEMPORARY_PREFIX}{BOOT_ID}:{name}"


def has_handler(interaction: discord.Interaction) -> bool:
    """Whether discord.py hands this component click or form submission to one of the bot's items: a
    persistent `DynamicItem` whose pattern matches, or a live view or modal of this process. A menu
    from before a restart, one that timed out, or a custom id the bot never made (malformed, an unknown
    verb, a negative id) has none, and discord.py would drop it without an answer.

    Mirrors `discord.ui.view.ViewStore.dispatch_view` / `dispatch_modal` (discord.py 2.x), reading the
    store they use; `tests/e2e/test_interactions_answered.py` checks both ways."""
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str):
        return True  # not a component or a form: the command tree answers it
    store = interaction.client._connection._view_store
    if interaction.type is discord.InteractionType.modal_submit:
        return custom_id in store._modals
    if interaction.type is not discord.InteractionType.component:
        return True
    if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
        # discord.py only runs a dynamic item found among the clicked message's components: a button the
        # message no longer has (removed by an edit), a forged or replayed payload, or no message, is dropped.
        return interaction.message is not None and custom_id in custom_ids(interaction.message)
    key = (data.get("component_type"), custom_id)
    message_id = interaction.message.id if interaction.message is not None else None
    return any(
        key in store._views.get(entity, {}) and store._views[entity][key].view is not None
        for entity in (message_id, None)
    )


class OwnedView(discord.ui.View):
    """A view that only its owner may use; others get a polite localized refusal."""

    def __init__(self, owner_id: int, *, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await reply_key(interaction, "common.errors.not_your_menu")
            return False
        return True

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        # The message may be gone or its token expired: then there is nothing left to tidy.
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=None)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


class OwnedModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


def raise_if(condition: bool, key: str, **params: Any) -> None:
    if condition:
        raise UserError(key, **params)


class ConfirmView(OwnedView):
    """Confirm / Cancel for one member. `on_confirm` does the work and returns the text to show.

    The buttons disappear on the first click, so the action runs at most once.
    """

    def __init__(
        self,
        owner_id: int,
        locale: str,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        danger: bool = False,
        timeout: float = 180,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self._on_confirm = on_confirm
        confirm = discord.ui.Button(
            custom_id=temporary_id("confirm"),
            label=t("common.buttons.confirm", locale),
            style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.success,
        )
        cancel = discord.ui.Button(custom_id=temporary_id("cancel"), label=t("common.buttons.cancel", locale))
        confirm.callback, cancel.callback = self._confirm, self._cancel
        self.add_item(confirm)
        self.add_item(cancel)
        self._locale = locale

    async def _confirm(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.defer()  # the work may touch Discord several times
        text = await self._on_confirm(interaction)
        await interaction.edit_original_response(content=text, view=None)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=t("common.buttons.cancelled", self._locale), view=None)


class GuardedItem:
    """Mixin for persistent `DynamicItem`s: discord.py only logs their errors, so route them to the
    tree's error handler (the member gets a localized answer). Subclasses implement `run`."""

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


def custom_ids(message: discord.Message) -> list[str]:
    """The custom ids of a message's buttons and menus."""
    ids: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", []):
            custom_id = getattr(child, "custom_id", None)
            if custom_id:
                ids.append(custom_id)
    return ids


HISTORY_LOOKBACK = 50  # messages searched for what an interrupted attempt may already have posted


async def find_recent(
    channel: discord.abc.Messageable,
    matches: Callable[[discord.Message], bool],
    author: discord.abc.User | None,
    limit: int = HISTORY_LOOKBACK,
) -> discord.Message | None:
    """A recent message of `author` satisfying `matches` (newest first).

    Used when resuming interrupted work, to find what an earlier attempt may already have posted.
    """
    async for message in channel.history(limit=limit):
        if author is not None and message.author.id != author.id:
            continue
        if matches(message):
            return message
    return None


async def find_recent_message(
    channel: discord.abc.Messageable,
    has_id: Callable[[str], bool],
    author: discord.abc.User | None,
    limit: int = HISTORY_LOOKBACK,
) -> discord.Message | None:
    """A recent message of `author` with a component whose custom id satisfies `has_id`."""
    return await find_recent(channel, lambda message: any(has_id(c) for c in custom_ids(message)), author, limit)
