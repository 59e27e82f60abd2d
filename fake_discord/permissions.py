"""Discord permission bits and the permission computation Discord performs.

The computation follows Discord's documented algorithm: guild owner and ADMINISTRATOR get
everything; otherwise @everyone's permissions OR the member's roles, then the channel's
overwrites for @everyone, then the union of the member's role overwrites, then the member's own
overwrite. A channel the member cannot view grants nothing.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Channel, Guild


class Perm(enum.IntFlag):
    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    PIN_MESSAGES = 1 << 51


ALL_PERMISSIONS = (1 << 52) - 1

#: What @everyone gets in a fresh Discord server (roughly Discord's default role).
DEFAULT_EVERYONE = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.ADD_REACTIONS
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_INSTANT_INVITE
    | Perm.CHANGE_NICKNAME
    | Perm.CONNECT
    | Perm.SPEAK
)

#: The bot's managed role by default: what an invite link with these scopes would grant.
DEFAULT_BOT = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.MANAGE_CHANNELS
    | Perm.MANAGE_ROLES
    | Perm.MANAGE_MESSAGES
    | Perm.PIN_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
)

#: Permissions that only make sense on a text channel and vanish when SEND_MESSAGES is denied.
_SEND_DEPENDENT = int(Perm.MENTION_EVERYONE | Perm.SEND_TTS_MESSAGES | Perm.ATTACH_FILES | Perm.EMBED_LINKS)

#: What a bot may do in a DM channel.
DM_PERMISSIONS = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.ADD_REACTIONS
    | Perm.USE_APPLICATION_COMMANDS
)


def base_permissions(guild: Guild, user_id: int) -> int:
    """Guild-level permissions of a member (no channel overwrites)."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    if member is None:
        return 0
    perms = guild.roles[guild.id].permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, channel: Channel, user_id: int) -> int:
    """Permissions of a member in a guild channel, overwrites applied."""
    perms = base_permissions(guild, user_id)
    if perms & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    if member is None:
        return 0
    everyone = channel.overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        overwrite = channel.overwrites.get(role_id)
        if overwrite is not None and overwrite.type == 0:
            allow |= overwrite.allow
            deny |= overwrite.deny
    perms = (perms & ~deny) | allow
    own = channel.overwrites.get(user_id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Perm.VIEW_CHANNEL:
        return 0
    if not perms & Perm.SEND_MESSAGES:
        perms &= ~_SEND_DEPENDENT
    return perms


def names(perms: int) -> list[str]:
    """Readable names of the bits set in ``perms`` (for error messages)."""
    return [p.name or str(int(p)) for p in Perm if perms & p]
