"""Test-driver API for the world: build guilds/members/channels, act as a moderator, inspect state.

Every change made after the bot connected reaches it as the gateway event Discord would send.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .models import CATEGORY, TEXT, VOICE, Channel, Guild, Member, Message, Overwrite, Role, User, VoiceState
from .permissions import DEFAULT_BOT, DEFAULT_EVERYONE, Perm

if TYPE_CHECKING:
    from .state import World

_MISSING: Any = object()
Target = Role | Member | User | int
OverwriteSpec = dict[Any, tuple[int, int]] | Iterable[Overwrite] | None


def _id(value: Any) -> int:
    return value if isinstance(value, int) else int(value.id)


class WorldDriver:
    world: World

    # -- building ----------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        user_id: int | None = None,
        global_name: str | None = None,
        bot: bool = False,
        locale: str = "en-US",
    ) -> User:
        """A Discord user who is in no guild (yet)."""
        return self.world.add_user(name, user_id=user_id, global_name=global_name, bot=bot, locale=locale)

    def add_guild(
        self,
        name: str = "Test Server",
        *,
        guild_id: int | None = None,
        owner_id: int | None = None,
        preferred_locale: str = "en-US",
        bot_permissions: int = DEFAULT_BOT,
        everyone_permissions: int = DEFAULT_EVERYONE,
        features: list[str] | None = None,
    ) -> Guild:
        """A guild with @everyone (id == guild id), an owner, and the bot as a member holding a managed
        role with ``bot_permissions`` (not administrator by default). After the bot connected this
        dispatches GUILD_CREATE (the bot joined a server)."""
        return self.world.add_guild(
            name,
            guild_id=guild_id,
            owner_id=owner_id,
            preferred_locale=preferred_locale,
            bot_permissions=int(bot_permissions),
            everyone_permissions=int(everyone_permissions),
            features=features,
        )

    def remove_guild(self, guild_id: int) -> None:
        """The bot was removed from the guild (GUILD_DELETE)."""
        self.world.remove_guild(guild_id)

    def add_role(
        self,
        guild_id: int,
        name: str,
        permissions: int = 0,
        *,
        position: int | None = 1,
        mentionable: bool = False,
        hoist: bool = False,
        color: int = 0,
    ) -> Role:
        """A role; by default placed just above @everyone (below the bot's role, which it can manage)."""
        return self.world.add_role(
            guild_id, name, int(permissions), position=position, mentionable=mentionable, hoist=hoist, color=color
        )

    def add_member(
        self,
        guild_id: int,
        user_id: int | None = None,
        name: str | None = None,
        *,
        roles: Iterable[Role | int] = (),
        nick: str | None = None,
        permissions: int | None = None,
        global_name: str | None = None,
        locale: str = "en-US",
        bot: bool = False,
    ) -> Member:
        """A member (creating the user if needed). ``permissions`` gives them a personal role with
        those permissions. Dispatches GUILD_MEMBER_ADD to a connected bot with the members intent."""
        user = self.world.users.get(user_id) if user_id is not None else None
        if user is None:
            name = name or f"user{len(self.world.users)}"
            user = self.world.add_user(name, user_id=user_id, global_name=global_name, bot=bot, locale=locale)
        role_ids = [_id(r) for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild_id, f"{user.username}-permissions", int(permissions)).id)
        return self.world.add_member(guild_id, user, role_ids, nick=nick)

    def remove_member(self, guild_id: int, user_id: int) -> None:
        """The member left or was kicked (GUILD_MEMBER_REMOVE)."""
        self.world.remove_member(guild_id, _id(user_id))

    def update_member(
        self, guild_id: int, user_id: int, *, roles: Iterable[Role | int] | None = None, nick: Any = _MISSING
    ) -> Member:
        """Change a member's roles / nick (GUILD_MEMBER_UPDATE)."""
        kwargs: dict[str, Any] = {}
        if nick is not _MISSING:
            kwargs["nick"] = nick
        return self.world.update_member(
            guild_id, _id(user_id), roles=None if roles is None else [_id(r) for r in roles], **kwargs
        )

    def set_bot_permissions(self, guild_id: int, permissions: int) -> Role:
        """Set the permissions of the bot's managed role in ``guild_id`` (GUILD_ROLE_UPDATE)."""
        guild = self.world.guilds[guild_id]
        assert guild.bot_role is not None
        return self.world.update_role(guild.bot_role, permissions=int(permissions))

    def set_role_permissions(self, guild_id: int, role_id: Role | int, permissions: int) -> Role:
        """Set any role's permissions; ``role_id == guild_id`` is @everyone."""
        return self.world.update_role(self.world.guilds[guild_id].roles[_id(role_id)], permissions=int(permissions))

    def _overwrites(self, guild: Guild, spec: OverwriteSpec) -> list[Overwrite]:
        if spec is None:
            return []
        if isinstance(spec, dict):
            return [self._overwrite(guild, target, allow, deny) for target, (allow, deny) in spec.items()]
        return list(spec)

    def _overwrite(self, guild: Guild, target: Target, allow: int, deny: int) -> Overwrite:
        target_id = _id(target)
        kind = (
            0 if isinstance(target, Role) or (not isinstance(target, Member | User) and target_id in guild.roles) else 1
        )
        return Overwrite(id=target_id, type=kind, allow=int(allow), deny=int(deny))

    def add_text_channel(
        self,
        guild_id: int,
        name: str,
        *,
        parent_id: Channel | int | None = None,
        topic: str | None = None,
        overwrites: OverwriteSpec = None,
        position: int | None = None,
    ) -> Channel:
        """A text channel, created as a moderator would (no limits or permission checks).
        ``overwrites``: ``{role_or_member_or_id: (allow, deny)}``."""
        guild = self.world.guilds[guild_id]
        return self.world.create_channel(
            guild_id,
            TEXT,
            name,
            parent_id=_id(parent_id) if parent_id else None,
            topic=topic,
            overwrites=self._overwrites(guild, overwrites),
            position=position,
        )

    def add_voice_channel(
        self,
        guild_id: int,
        name: str,
        *,
        parent_id: Channel | int | None = None,
        overwrites: OverwriteSpec = None,
        user_limit: int = 0,
        position: int | None = None,
    ) -> Channel:
        """A voice channel, created as a moderator would (CHANNEL_CREATE)."""
        guild = self.world.guilds[guild_id]
        return self.world.create_channel(
            guild_id,
            VOICE,
            name,
            parent_id=_id(parent_id) if parent_id else None,
            overwrites=self._overwrites(guild, overwrites),
            position=position,
            user_limit=user_limit,
        )

    def join_voice(self, guild_id: int, user_id: User | Member | int, channel_id: Channel | int) -> VoiceState:
        """The member connects to (or moves to) a voice channel: VOICE_STATE_UPDATE to a bot with the
        voice-states intent. Raises ``AssertionError`` for what the client would not let them do: a
        channel that is not a voice channel, that they cannot see or connect to, or that is full."""
        guild = self.world.guilds[guild_id]
        uid, cid = _id(user_id), _id(channel_id)
        assert uid in guild.members, f"user {uid} is not a member of guild {guild_id}"
        channel = guild.channels.get(cid)
        assert channel is not None and channel.type == VOICE, f"channel {cid} is not a voice channel of the guild"
        permissions = self.world.permissions_in(channel, uid)
        assert permissions & Perm.VIEW_CHANNEL and permissions & Perm.CONNECT, f"user {uid} cannot connect to {cid}"
        connected = [s for s in guild.voice_states.values() if s.channel_id == cid and s.user_id != uid]
        full = channel.user_limit and len(connected) >= channel.user_limit
        assert not full or permissions & Perm.MOVE_MEMBERS, f"voice channel {cid} is full"
        return self.world.join_voice(guild_id, uid, cid)

    def leave_voice(self, guild_id: int, user_id: User | Member | int) -> None:
        """The member disconnects from voice (VOICE_STATE_UPDATE with ``channel_id`` null)."""
        self.world.leave_voice(guild_id, _id(user_id))

    def voice_state(self, guild_id: int, user_id: User | Member | int) -> VoiceState | None:
        return self.world.guilds[guild_id].voice_states.get(_id(user_id))

    def add_category(
        self, guild_id: int, name: str, *, overwrites: OverwriteSpec = None, position: int | None = None
    ) -> Channel:
        guild = self.world.guilds[guild_id]
        return self.world.create_channel(
            guild_id, CATEGORY, name, overwrites=self._overwrites(guild, overwrites), position=position
        )

    def update_channel(self, channel_id: Channel | int, **changes: Any) -> Channel:
        """Edit a channel by hand (name, topic, parent_id, position...): CHANNEL_UPDATE."""
        return self.world.update_channel(self.world.channels[_id(channel_id)], **changes)

    def delete_channel(self, channel_id: Channel | int) -> None:
        """Delete a channel by hand, as a moderator would: CHANNEL_DELETE."""
        self.world.delete_channel(self.world.channels[_id(channel_id)])

    def set_overwrite(self, channel_id: Channel | int, target: Target, *, allow: int = 0, deny: int = 0) -> None:
        """Set a permission overwrite by hand (CHANNEL_UPDATE)."""
        channel = self.world.channels[_id(channel_id)]
        guild = self.world.guilds[channel.guild_id]  # type: ignore[index]
        self.world.set_overwrite(channel, self._overwrite(guild, target, allow, deny))

    def remove_overwrite(self, channel_id: Channel | int, target: Target) -> None:
        self.world.remove_overwrite(self.world.channels[_id(channel_id)], _id(target))

    def close_dms(self, user_id: User | Member | int) -> None:
        """The user does not accept DMs: the bot's DMs to them fail with 403 50007."""
        self.world.users[_id(user_id)].dms_closed = True

    def open_dms(self, user_id: User | Member | int) -> None:
        self.world.users[_id(user_id)].dms_closed = False

    def post_message(
        self, channel_id: Channel | int, user_id: User | Member | int, content: str, **fields: Any
    ) -> Message:
        """A user posts a message (MESSAGE_CREATE; content hidden without the message-content intent)."""
        channel = self.world.channels[_id(channel_id)]
        return self.world.create_message(channel, self.world.users[_id(user_id)], {"content": content, **fields})

    # -- inspection --------------------------------------------------------------------------

    def guild(self, guild_id: int) -> Guild:
        return self.world.guilds[guild_id]

    def user(self, user_id: int) -> User:
        return self.world.users[user_id]

    def member(self, guild_id: int, user_id: int) -> Member | None:
        return self.world.guilds[guild_id].members.get(_id(user_id))

    def channel(self, channel_id: Channel | int) -> Channel | None:
        """A live channel (None once deleted)."""
        return self.world.channels.get(_id(channel_id))

    def channels(
        self, guild_id: int, *, type: int | None = None, parent_id: Channel | int | None = _MISSING
    ) -> list[Channel]:
        """The guild's channels sorted like Discord's list (categories and position)."""
        result = list(self.world.guilds[guild_id].channels.values())
        if type is not None:
            result = [c for c in result if c.type == type]
        if parent_id is not _MISSING:
            parent = _id(parent_id) if parent_id is not None else None
            result = [c for c in result if c.parent_id == parent]
        return sorted(result, key=lambda c: (c.type == CATEGORY, c.position, c.id))

    def channel_named(self, guild_id: int, name: str) -> Channel | None:
        return next((c for c in self.world.guilds[guild_id].channels.values() if c.name == name), None)

    def messages(
        self, channel_id: Channel | int, *, ephemeral: bool = False, system: bool = False, deleted: bool = False
    ) -> list[Message]:
        """Messages of a channel, oldest first. By default what every member sees: no ephemeral
        replies, no system messages (e.g. "pinned a message"), no deleted messages."""
        return self.world.visible_messages(_id(channel_id), ephemeral=ephemeral, system=system, deleted=deleted)

    def message(self, message_id: int) -> Message:
        return self.world.messages[message_id]

    def dm_channel(self, user_id: User | Member | int) -> Channel | None:
        return self.world.dm_channels.get(_id(user_id))

    def dms(self, user_id: User | Member | int) -> list[Message]:
        """Messages the bot sent to the user's DM channel (oldest first)."""
        channel = self.world.dm_channels.get(_id(user_id))
        return self.world.visible_messages(channel.id) if channel is not None else []

    def pins(self, channel_id: Channel | int) -> list[Message]:
        """Pinned messages, most recently pinned first."""
        channel = self.world.channels[_id(channel_id)]
        return [self.world.messages[mid] for mid, _ in channel.pins]

    def permissions_of(self, channel_id: Channel | int, user_id: User | Member | int) -> int:
        """Computed permissions of a user in a channel (overwrites applied)."""
        return self.world.permissions_in(self.world.channels[_id(channel_id)], _id(user_id))

    def can_view(self, channel_id: Channel | int, user_id: User | Member | int) -> bool:
        return bool(self.permissions_of(channel_id, user_id) & Perm.VIEW_CHANNEL)

    def commands(self, scope: Any = "global") -> list[dict[str, Any]]:
        """Registered commands as the bot sent them (plus id, application_id, version):
        ``scope`` is "global" or a guild id."""
        return getattr(self, "command_store", {}).get(scope, [])

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any] | None:
        """The command ``name`` as Discord would resolve it: the guild's, else the global one."""
        scopes = ([guild_id] if guild_id is not None else []) + ["global"]
        for scope in scopes:
            for command in self.commands(scope):
                if command.get("name") == name and command.get("type", 1) == 1:
                    return command
        return None
