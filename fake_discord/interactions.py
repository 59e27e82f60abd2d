"""Interaction records: what the fake sent (INTERACTION_CREATE) and how the bot answered."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import EPHEMERAL, Attachment, Message, walk_components

if TYPE_CHECKING:
    from .server import FakeDiscord

# Interaction types
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

CALLBACK_NAMES = {
    1: "PONG",
    4: "CHANNEL_MESSAGE_WITH_SOURCE",
    5: "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE",
    6: "DEFERRED_UPDATE_MESSAGE",
    7: "UPDATE_MESSAGE",
    8: "AUTOCOMPLETE_RESULT",
    9: "MODAL",
}


@dataclass
class Callback:
    """The bot's acknowledgement (``POST /interactions/{id}/{token}/callback``)."""

    type: int
    data: dict[str, Any]
    at: float  # time.monotonic()
    files: list[Attachment] = field(default_factory=list)

    @property
    def name(self) -> str:
        return CALLBACK_NAMES.get(self.type, str(self.type))

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def deferred(self) -> bool:
        return self.type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def title(self) -> str | None:
        """Modal title (type 9)."""
        return self.data.get("title")

    @property
    def custom_id(self) -> str | None:
        """Modal custom_id (type 9)."""
        return self.data.get("custom_id")

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if c.get("custom_id")]

    def __str__(self) -> str:
        return f"{self.name}{' (ephemeral)' if self.ephemeral else ''} {self.content[:60]!r}"


class Interaction:
    """An interaction the test sent to the bot, and everything the bot did with it."""

    def __init__(
        self,
        fake: FakeDiscord,
        payload: dict[str, Any],
        *,
        source_message_id: int | None = None,
        parent: Interaction | None = None,
    ) -> None:
        self._fake = fake
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        self.channel_id = int(payload["channel_id"])
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        self.user_id = int(user["id"])
        self.source_message_id = source_message_id
        self.parent = parent
        self.sent_at: float = time.monotonic()
        self.callback: Callback | None = None
        #: refused acknowledgements: (status, code), e.g. (404, 10062) late, (400, 40060) twice
        self.rejected: list[tuple[int, int]] = []
        self.original_message_id: int | None = None
        self.followup_ids: list[int] = []
        #: edits the original message had when the callback arrived (for ``wait_for_edit``)
        self.history_base = 0

    def __repr__(self) -> str:
        data = self.payload.get("data") or {}
        what = data.get("name") or data.get("custom_id")
        return f"<Interaction id={self.id} type={self.type} {what!r} callback={self.callback}>"

    # -- state -------------------------------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        return self.payload.get("data") or {}

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def latency(self) -> float | None:
        """Seconds between sending INTERACTION_CREATE and receiving the callback."""
        return None if self.callback is None else self.callback.at - self.sent_at

    @property
    def original_message(self) -> Message | None:
        if self.original_message_id is None:
            return None
        return self._fake.world.messages.get(self.original_message_id)

    @property
    def source_message(self) -> Message | None:
        """The message whose component was used (component interactions)."""
        if self.source_message_id is None:
            return None
        return self._fake.world.messages.get(self.source_message_id)

    @property
    def followups(self) -> list[Message]:
        world = self._fake.world
        return [world.messages[i] for i in self.followup_ids if i in world.messages]

    @property
    def modal(self) -> Callback | None:
        return self.callback if self.callback is not None and self.callback.type == MODAL else None

    @property
    def ephemeral(self) -> bool:
        message = self.original_message
        if message is not None:
            return message.ephemeral
        return bool(self.callback and self.callback.ephemeral)

    def _visible(self) -> Message | Callback | None:
        return self.original_message or self.callback

    @property
    def content(self) -> str:
        shown = self._visible()
        return shown.content if shown is not None else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        shown = self._visible()
        return shown.embeds if shown is not None else []

    @property
    def components(self) -> list[dict[str, Any]]:
        shown = self._visible()
        return shown.components if shown is not None else []

    @property
    def text(self) -> str:
        message = self.original_message
        return message.text if message is not None else self.content

    def custom_ids(self) -> list[str]:
        shown = self._visible()
        return shown.custom_ids() if shown is not None else []

    # -- waiting -----------------------------------------------------------------------------

    async def _wait(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        return await self._fake.wait_for(predicate, timeout=timeout, description=f"{self!r}: {what}")

    async def response(self, timeout: float = 5.0) -> Callback:
        """The bot's acknowledgement (waits for it)."""
        return await self._wait(lambda: self.callback, timeout, "waiting for the interaction callback")

    async def wait_for_followup(
        self, predicate: Callable[[Message], Any] | None = None, *, timeout: float = 5.0, count: int = 1
    ) -> Message:
        """The ``count``-th followup message (matching ``predicate``, if given)."""

        def found() -> Message | None:
            matching = [m for m in self.followups if predicate is None or predicate(m)]
            return matching[count - 1] if len(matching) >= count else None

        return await self._wait(found, timeout, f"waiting for followup #{count}")

    async def final_message(self, timeout: float = 5.0) -> Message:
        """The response message once it is no longer "thinking" (deferred answers end with an edit
        of @original or a first followup). For a component answered with type 6/7 it is the
        component's message."""
        callback = await self.response(timeout)
        if callback.type == MODAL:
            raise AssertionError(f"{self!r} was answered with a modal, not a message")

        def done() -> Message | None:
            message = self.original_message
            return message if message is not None and not message.loading else None

        return await self._wait(done, timeout, "waiting for the final (non-loading) response message")

    async def wait_for_edit(self, timeout: float = 5.0, *, edits: int = 1) -> Message:
        """The original/component message after it was edited ``edits`` times since the callback."""
        await self.response(timeout)

        def edited() -> Message | None:
            message = self.original_message
            return message if message is not None and len(message.history) - self.history_base >= edits else None

        return await self._wait(edited, timeout, f"waiting for {edits} edit(s) of the response message")
