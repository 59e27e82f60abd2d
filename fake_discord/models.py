"""Records of the fake's in-memory Discord: users, guilds, roles, members, channels, messages."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Channel types
TEXT = 0
DM = 1
VOICE = 2
CATEGORY = 4

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_COMPONENTS_V2 = 1 << 15


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


class SnowflakeGenerator:
    """Strictly increasing Discord-shaped snowflakes (timestamp in the top bits)."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (1 << 17)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_closed: bool = False
    locale: str = "en-US"

    @property
    def name(self) -> str:
        return self.global_name or self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    bot_id: int | None = None
    hoist: bool = False
    mentionable: bool = False
    color: int = 0

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.nick or self.user.name

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None
    #: ``(message_id, pinned_at)``, most recent first
    pins: list[tuple[int, str]] = field(default_factory=list)
    #: voice channels only (Discord: 8,000–96,000 without boosts; 0 = no user limit, at most 99)
    bitrate: int = 64000
    user_limit: int = 0

    @property
    def is_category(self) -> bool:
        return self.type == CATEGORY

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def is_voice(self) -> bool:
        return self.type == VOICE

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def permission_overwrites(self) -> dict[int, Overwrite]:
        return self.overwrites


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    url: str = ""

    @property
    def size(self) -> int:
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        return self.data.decode(encoding)

    def json(self) -> Any:
        return json.loads(self.data)


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component in a (possibly nested) component tree, depth first."""
    for component in components or []:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    allowed_mentions: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    tts: bool = False
    nonce: Any = None
    pinned: bool = False
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    application_id: int | None = None
    webhook_id: int | None = None
    deleted: bool = False
    #: previous versions (``message_json`` snapshots), oldest first
    history: list[dict[str, Any]] = field(default_factory=list)
    #: the raw payload of the request that created / last edited the message
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def files(self) -> list[Attachment]:
        return self.attachments

    def walk_components(self) -> Iterator[dict[str, Any]]:
        return walk_components(self.components)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if c.get("custom_id")]

    def component(self, custom_id: str) -> dict[str, Any] | None:
        for component in self.walk_components():
            if component.get("custom_id") == custom_id:
                return component
        return None

    @property
    def text(self) -> str:
        """Content, embed texts and text-display components joined: handy for ``in`` assertions."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        for component in self.walk_components():
            if component.get("type") == 10:
                parts.append(component.get("content") or "")
            if component.get("label"):
                parts.append(component["label"])
        return "\n".join(p for p in parts if p)


@dataclass(eq=False)
class VoiceState:
    """A member connected to a voice channel of a guild (one channel at a time, as on Discord)."""

    user_id: int
    guild_id: int
    channel_id: int
    session_id: str
    self_mute: bool = False
    self_deaf: bool = False
    self_video: bool = False
    self_stream: bool = False


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    description: str | None = None
    joined_at: str = field(default_factory=iso_now)
    bot_role_id: int | None = None
    #: user id → voice state of the members connected to one of its voice channels
    voice_states: dict[int, VoiceState] = field(default_factory=dict)

    @property
    def everyone_role(self) -> Role:
        return self.roles[self.id]

    @property
    def bot_role(self) -> Role | None:
        return self.roles.get(self.bot_role_id) if self.bot_role_id else None

    def children(self, category_id: int) -> list[Channel]:
        return [c for c in self.channels.values() if c.parent_id == category_id]
