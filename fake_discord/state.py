"""The in-memory model of Discord, with the state changes Discord makes and the events it emits.

Every mutation goes through :class:`World`, which then emits the gateway event Discord would send
(``emit(event_name, data, intent)``, wired to the gateway by the server) and wakes the waiters
(``notify()``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import payloads
from .models import (
    CATEGORY,
    DM,
    EPHEMERAL,
    TEXT,
    VOICE,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    SnowflakeGenerator,
    User,
    VoiceState,
    iso_now,
)
from .permissions import DEFAULT_BOT, DEFAULT_EVERYONE, DM_PERMISSIONS, base_permissions, channel_permissions

# Gateway intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_VOICE_STATES = 1 << 7
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15

_MISSING: Any = object()


@dataclass
class Rules:
    """Discord rules the fake enforces; tests may switch them at any time (``fake.rules.x = ...``)."""

    max_guild_channels: int = 500
    max_category_channels: int = 50
    max_pins: int = 50
    #: check the bot's permissions on REST calls (403 50001 / 50013)
    enforce_permissions: bool = True
    #: the bot may only allow/deny in overwrites the permissions it has itself (50013)
    check_overwrite_grants: bool = True
    #: seconds to acknowledge an interaction (404 10062 afterwards)
    interaction_deadline: float = 3.0
    #: seconds an interaction token stays valid for followups / @original (401 50027 afterwards)
    interaction_token_lifetime: float = 900.0
    #: validate every request body against its operation's schema in Discord's OpenAPI spec, then
    #: against Discord's stricter limits (400 50035 Invalid Form Body; see validate.py)
    validate_payloads: bool = True
    #: check the fake's own JSON responses against the spec's response schemas (``fake.response_problems``;
    #: leaving ``async with`` raises if any). Off by default: the fake's self-tests turn it on.
    validate_responses: bool = False
    #: Discord lower-cases text channel names and turns spaces into dashes
    normalize_channel_names: bool = True
    #: refuse (AssertionError in the driver) what the Discord client would not let a user run:
    #: a command whose ``default_member_permissions`` the member lacks, or outside its ``contexts``
    enforce_command_permissions: bool = True
    #: seconds between two IDENTIFYs of one bucket (``shard_id % max_concurrency``); faster → op 9. 0: off
    identify_interval: float = 5.0
    #: guilds one shard may serve: an IDENTIFY with too few shards for the guilds is closed 4011. 0: off
    max_guilds_per_shard: int = 2500


def normalize_text_channel_name(name: str) -> str:
    name = re.sub(r"\s+", "-", name.strip().lower())
    return re.sub(r"[!\"#$%&()*+,./:;<=>?@\[\\\]^`{|}~]", "", name) or "channel"


class World:
    def __init__(self, *, application_id: int, bot_name: str, rules: Rules, application_flags: int) -> None:
        self.snowflake = SnowflakeGenerator()
        self.rules = rules
        self.application_id = application_id
        self.application_flags = application_flags
        self.bot_user = User(id=application_id, username=bot_name, bot=True)
        self.owner_user = User(id=self.snowflake(), username="app-owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.owner_user)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[Message]] = defaultdict(list)
        self.dm_channels: dict[int, Channel] = {}
        self.emit: Callable[[str, dict[str, Any], int], None] = lambda event, data, intent: None
        self.notify: Callable[[], None] = lambda: None

    # -- users, guilds, roles, members -------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        user_id: int | None = None,
        global_name: str | None = None,
        bot: bool = False,
        locale: str = "en-US",
    ) -> User:
        user = User(id=user_id or self.snowflake(), username=username, global_name=global_name, bot=bot, locale=locale)
        self.users[user.id] = user
        self.notify()
        return user

    def add_guild(
        self,
        name: str,
        *,
        guild_id: int | None = None,
        owner_id: int | None = None,
        preferred_locale: str = "en-US",
        bot_permissions: int = DEFAULT_BOT,
        everyone_permissions: int = DEFAULT_EVERYONE,
        features: list[str] | None = None,
    ) -> Guild:
        gid = guild_id or self.snowflake()
        if owner_id is None:
            owner_id = self.add_user(f"owner-{len(self.guilds) + 1}").id
        elif owner_id not in self.users:
            self.add_user(f"user-{owner_id}", user_id=owner_id)
        guild = Guild(
            id=gid, name=name, owner_id=owner_id, preferred_locale=preferred_locale, features=list(features or [])
        )
        guild.roles[gid] = Role(id=gid, guild_id=gid, name="@everyone", permissions=everyone_permissions)
        bot_role = Role(
            id=self.snowflake(),
            guild_id=gid,
            name=self.bot_user.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.bot_role_id = bot_role.id
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=gid, roles=[bot_role.id])
        guild.members[owner_id] = Member(user=self.users[owner_id], guild_id=gid)
        self.guilds[gid] = guild
        self.emit("GUILD_CREATE", payloads.guild_json(guild, self, gateway=True, joined=True), GUILDS)
        self.notify()
        return guild

    def remove_guild(self, guild_id: int) -> None:
        guild = self.guilds.pop(guild_id)
        for channel_id in guild.channels:
            self.channels.pop(channel_id, None)
        self.emit("GUILD_DELETE", {"id": str(guild_id)}, GUILDS)
        self.notify()

    def add_role(
        self,
        guild_id: int,
        name: str,
        permissions: int = 0,
        *,
        position: int | None = None,
        mentionable: bool = False,
        hoist: bool = False,
        color: int = 0,
    ) -> Role:
        guild = self.guilds[guild_id]
        if position is None:
            position = max(r.position for r in guild.roles.values()) + 1
        else:  # Discord shifts the roles above up to make room
            for other in guild.roles.values():
                if other.id != guild_id and other.position >= position:
                    other.position += 1
        role = Role(
            id=self.snowflake(),
            guild_id=guild_id,
            name=name,
            permissions=int(permissions),
            position=position,
            mentionable=mentionable,
            hoist=hoist,
            color=color,
        )
        guild.roles[role.id] = role
        self.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": payloads.role_json(role)}, GUILDS)
        self.notify()
        return role

    def update_role(self, role: Role, **changes: Any) -> Role:
        for key, value in changes.items():
            setattr(role, key, int(value) if key == "permissions" else value)
        self.emit("GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": payloads.role_json(role)}, GUILDS)
        self.notify()
        return role

    def add_member(self, guild_id: int, user: User, roles: list[int] | None = None, nick: str | None = None) -> Member:
        guild = self.guilds[guild_id]
        member = Member(user=user, guild_id=guild_id, roles=list(roles or []), nick=nick)
        guild.members[user.id] = member
        data = payloads.member_json(member)
        data["guild_id"] = str(guild_id)
        self.emit("GUILD_MEMBER_ADD", data, GUILD_MEMBERS)
        self.notify()
        return member

    def remove_member(self, guild_id: int, user_id: int) -> None:
        guild = self.guilds[guild_id]
        if user_id in guild.voice_states:  # leaving the server disconnects from voice first
            self.leave_voice(guild_id, user_id)
        member = guild.members.pop(user_id)
        self.emit(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild_id), "user": payloads.user_json(member.user)}, GUILD_MEMBERS
        )
        self.notify()

    def update_member(
        self, guild_id: int, user_id: int, *, roles: list[int] | None = None, nick: Any = _MISSING
    ) -> Member:
        member = self.guilds[guild_id].members[user_id]
        if roles is not None:
            member.roles = list(roles)
        if nick is not _MISSING:
            member.nick = nick
        data = payloads.member_json(member)
        data["guild_id"] = str(guild_id)
        self.emit("GUILD_MEMBER_UPDATE", data, GUILD_MEMBERS)
        self.notify()
        return member

    # -- channels ---------------------------------------------------------------------------

    def create_channel(
        self,
        guild_id: int,
        type: int,
        name: str,
        *,
        parent_id: int | None = None,
        position: int | None = None,
        topic: str | None = None,
        nsfw: bool = False,
        overwrites: list[Overwrite] | None = None,
        rate_limit_per_user: int = 0,
        bitrate: int | None = None,
        user_limit: int | None = None,
    ) -> Channel:
        guild = self.guilds[guild_id]
        if type == TEXT and self.rules.normalize_channel_names:
            name = normalize_text_channel_name(name)
        if position is None:
            same_kind = [c.position for c in guild.channels.values() if (c.type == CATEGORY) == (type == CATEGORY)]
            position = max(same_kind, default=-1) + 1
        channel = Channel(
            id=self.snowflake(),
            type=type,
            name=name,
            guild_id=guild_id,
            position=position,
            parent_id=parent_id,
            topic=topic,
            nsfw=nsfw,
            rate_limit_per_user=rate_limit_per_user,
            overwrites={o.id: o for o in overwrites or []},
        )
        if type == VOICE:
            channel.bitrate = 64000 if bitrate is None else bitrate
            channel.user_limit = user_limit or 0
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.emit("CHANNEL_CREATE", payloads.channel_json(channel), GUILDS)
        self.notify()
        return channel

    def update_channel(self, channel: Channel, **changes: Any) -> Channel:
        if "name" in changes and channel.type == TEXT and self.rules.normalize_channel_names:
            changes["name"] = normalize_text_channel_name(changes["name"])
        for key, value in changes.items():
            setattr(channel, key, value)
        self.emit("CHANNEL_UPDATE", payloads.channel_json(channel), GUILDS)
        self.notify()
        return channel

    def delete_channel(self, channel: Channel) -> None:
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        if guild is not None:  # whoever was connected to a deleted voice channel is disconnected
            for state in [s for s in guild.voice_states.values() if s.channel_id == channel.id]:
                self.leave_voice(guild.id, state.user_id)
        self.channels.pop(channel.id, None)
        if guild is not None:
            guild.channels.pop(channel.id, None)
        self.emit("CHANNEL_DELETE", payloads.channel_json(channel), GUILDS)
        if guild is not None and channel.type == CATEGORY:
            for child in guild.children(channel.id):
                self.update_channel(child, parent_id=None)
        self.notify()

    def set_overwrite(self, channel: Channel, overwrite: Overwrite) -> None:
        channel.overwrites[overwrite.id] = overwrite
        self.emit("CHANNEL_UPDATE", payloads.channel_json(channel), GUILDS)
        self.notify()

    def remove_overwrite(self, channel: Channel, target_id: int) -> None:
        channel.overwrites.pop(target_id, None)
        self.emit("CHANNEL_UPDATE", payloads.channel_json(channel), GUILDS)
        self.notify()

    # -- voice --------------------------------------------------------------------------------

    def join_voice(self, guild_id: int, user_id: int, channel_id: int) -> VoiceState:
        """Connect (or move) a member to a voice channel: VOICE_STATE_UPDATE."""
        guild = self.guilds[guild_id]
        state = guild.voice_states.get(user_id)
        if state is None:
            state = VoiceState(
                user_id=user_id, guild_id=guild_id, channel_id=channel_id, session_id=f"{self.snowflake():x}"
            )
            guild.voice_states[user_id] = state
        else:
            state.channel_id = channel_id
        self._emit_voice(guild, user_id, state)
        return state

    def leave_voice(self, guild_id: int, user_id: int) -> None:
        guild = self.guilds[guild_id]
        if guild.voice_states.pop(user_id, None) is not None:
            self._emit_voice(guild, user_id, None)

    def _emit_voice(self, guild: Guild, user_id: int, state: VoiceState | None) -> None:
        member = guild.members[user_id]
        self.emit("VOICE_STATE_UPDATE", payloads.voice_state_json(state, member, guild.id), GUILD_VOICE_STATES)
        self.notify()

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(id=self.snowflake(), type=DM, name=None, recipients=[user])
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
            self.notify()
        return channel

    # -- permissions ------------------------------------------------------------------------

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        if channel.guild_id is None:
            return DM_PERMISSIONS
        return channel_permissions(self.guilds[channel.guild_id], channel, user_id)

    def guild_permissions(self, guild_id: int, user_id: int) -> int:
        return base_permissions(self.guilds[guild_id], user_id)

    # -- messages ---------------------------------------------------------------------------

    def create_message(
        self,
        channel: Channel,
        author: User,
        payload: dict[str, Any],
        files: list[Attachment] | None = None,
        **extra: Any,
    ) -> Message:
        message = Message(id=self.snowflake(), channel_id=channel.id, guild_id=channel.guild_id, author=author)
        message.raw = payload
        _apply_fields(message, payload)
        message.attachments = self._attachments(channel, files or [], payload)
        for key, value in extra.items():
            setattr(message, key, value)
        self.messages[message.id] = message
        self.channel_messages[channel.id].append(message)
        if not message.ephemeral:
            channel.last_message_id = message.id
            self.emit("MESSAGE_CREATE", payloads.message_json(message, self), self._message_intent(channel))
        self.notify()
        return message

    def edit_message(
        self,
        message: Message,
        payload: dict[str, Any],
        files: list[Attachment] | None = None,
        *,
        mark_edited: bool = True,
    ) -> Message:
        message.history.append(payloads.message_json(message, self))
        message.raw = payload
        _apply_fields(message, payload, editing=True)
        channel = self.channels.get(message.channel_id)
        if "attachments" in payload or files:
            keep = {int(a["id"]) for a in payload.get("attachments") or [] if _is_snowflake(a.get("id"))}
            kept = [a for a in message.attachments if a.id in keep or "attachments" not in payload]
            message.attachments = kept + self._attachments(channel, files or [], payload)
        if mark_edited:
            message.edited_timestamp = iso_now()
        if not message.ephemeral and channel is not None:
            self.emit("MESSAGE_UPDATE", payloads.message_json(message, self), self._message_intent(channel))
        self.notify()
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        channel = self.channels.get(message.channel_id)
        if channel is not None:
            for pin in list(channel.pins):
                if pin[0] == message.id:
                    channel.pins.remove(pin)
            if not message.ephemeral:
                data = {"id": str(message.id), "channel_id": str(channel.id)}
                if channel.guild_id:
                    data["guild_id"] = str(channel.guild_id)
                self.emit("MESSAGE_DELETE", data, self._message_intent(channel))
        self.notify()

    def pin(self, channel: Channel, message: Message) -> None:
        if not message.pinned:
            message.pinned = True
            pinned_at = iso_now()
            channel.pins.insert(0, (message.id, pinned_at))
            data = {"channel_id": str(channel.id), "last_pin_timestamp": pinned_at}
            if channel.guild_id:
                data["guild_id"] = str(channel.guild_id)
            self.emit("CHANNEL_PINS_UPDATE", data, GUILDS if channel.guild_id else DIRECT_MESSAGES)
            # Discord posts a "pinned a message" system message (type 6).
            self.create_message(
                channel,
                self.bot_user,
                {"content": ""},
                type=6,
                message_reference={"message_id": str(message.id), "channel_id": str(channel.id)},
            )
        self.notify()

    def unpin(self, channel: Channel, message: Message) -> None:
        message.pinned = False
        channel.pins = [p for p in channel.pins if p[0] != message.id]
        data = {"channel_id": str(channel.id), "last_pin_timestamp": channel.pins[0][1] if channel.pins else None}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        self.emit("CHANNEL_PINS_UPDATE", data, GUILDS if channel.guild_id else DIRECT_MESSAGES)
        self.notify()

    def visible_messages(
        self, channel_id: int, *, ephemeral: bool = False, system: bool = False, deleted: bool = False
    ) -> list[Message]:
        return [
            m
            for m in self.channel_messages.get(channel_id, [])
            if (deleted or not m.deleted) and (ephemeral or not m.ephemeral) and (system or m.type in (0, 19, 20, 23))
        ]

    def _attachments(
        self, channel: Channel | None, files: list[Attachment], payload: dict[str, Any]
    ) -> list[Attachment]:
        described = {str(a.get("id")): a for a in payload.get("attachments") or []}
        for index, attachment in enumerate(files):
            attachment.id = self.snowflake()
            meta = described.get(str(index)) or {}
            attachment.description = meta.get("description")
            cid = channel.id if channel else 0
            attachment.url = f"https://cdn.discordapp.com/attachments/{cid}/{attachment.id}/{attachment.filename}"
        return list(files)

    @staticmethod
    def _message_intent(channel: Channel) -> int:
        return DIRECT_MESSAGES if channel.guild_id is None else GUILD_MESSAGES


_FIELDS = ("content", "embeds", "components", "allowed_mentions", "tts", "nonce", "message_reference")


def _apply_fields(message: Message, payload: dict[str, Any], *, editing: bool = False) -> None:
    for key in _FIELDS:
        if key in payload:
            value = payload[key]
            if key in ("embeds", "components") and value is None:
                value = []
            if key == "content" and value is None:
                value = ""
            if key == "components":
                value = payloads.returned_components(value)
            if key == "embeds":
                value = payloads.returned_embeds(value)
            setattr(message, key, value)
    if "flags" in payload and payload["flags"] is not None:
        flags = int(payload["flags"])
        if editing:
            # Only SUPPRESS_EMBEDS / components v2 can change on edit; ephemeral stays as it was.
            message.flags = (message.flags & EPHEMERAL) | (flags & ~EPHEMERAL)
        else:
            message.flags = flags
    if editing:
        message.flags &= ~(1 << 7)  # an edit ends the "is thinking" state


def _is_snowflake(value: Any) -> bool:
    return value is not None and str(value).isdigit() and int(value) > 1 << 22
