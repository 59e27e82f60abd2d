"""Discord's checks on the bot's REST calls: permissions, overwrite grants, channel limits."""

from __future__ import annotations

from typing import Any

from .errors import APIError, invalid_form, missing_access, missing_permissions, unknown
from .models import CATEGORY, Channel, Guild, Overwrite
from .permissions import Perm
from .state import World


def channel_or_404(world: World, channel_id: Any) -> Channel:
    try:
        channel = world.channels.get(int(channel_id))
    except (TypeError, ValueError):
        channel = None
    if channel is None:
        raise unknown("Channel")
    return channel


def guild_or_404(world: World, guild_id: Any) -> Guild:
    try:
        guild = world.guilds.get(int(guild_id))
    except (TypeError, ValueError):
        guild = None
    if guild is None:
        raise unknown("Guild")
    return guild


def require_in_channel(world: World, channel: Channel, *perms: int, any_of: bool = False) -> None:
    """The bot must see ``channel`` (else 50001) and hold ``perms`` there (else 50013)."""
    if not world.rules.enforce_permissions or channel.guild_id is None:
        return
    have = world.permissions_in(channel, world.bot_user.id)
    if not have & Perm.VIEW_CHANNEL:
        raise missing_access()
    if not perms:
        return
    granted = [bool(have & p) for p in perms]
    if not (any(granted) if any_of else all(granted)):
        raise missing_permissions()


def require_in_guild(world: World, guild: Guild, *perms: int) -> None:
    if not world.rules.enforce_permissions:
        return
    have = world.guild_permissions(guild.id, world.bot_user.id)
    if not all(have & p for p in perms):
        raise missing_permissions()


def parse_overwrites(raw: list[dict[str, Any]] | None, path: str = "permission_overwrites") -> list[Overwrite]:
    result = []
    for i, item in enumerate(raw or []):
        try:
            result.append(
                Overwrite(
                    id=int(item["id"]),
                    type=int(item.get("type", 0)),
                    allow=int(item.get("allow") or 0),
                    deny=int(item.get("deny") or 0),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise invalid_form((path, i), "BASE_TYPE_REQUIRED", "Invalid permission overwrite") from None
    return result


def check_overwrite_grants(
    world: World,
    guild: Guild,
    overwrites: list[Overwrite],
    channel: Channel | None = None,
    *,
    parent: Channel | None = None,
) -> None:
    """Setting overwrites (of ``channel``, or of a new channel in ``parent``) needs MANAGE_ROLES, and the
    bot can only allow/deny what it has itself in the guild or the parent category."""
    if not world.rules.enforce_permissions:
        return
    bot_id = world.bot_user.id
    base = world.guild_permissions(guild.id, bot_id)
    if base & Perm.ADMINISTRATOR:
        return
    # Discord: the grantable permissions are those the bot has in the guild or in the parent category.
    if channel is not None and channel.parent_id:
        parent = guild.channels.get(channel.parent_id)
    here = world.permissions_in(parent, bot_id) if parent is not None else base
    own_manage_roles = False
    if channel is not None:
        for overwrite in channel.overwrites.values():
            member = guild.members.get(bot_id)
            applies = overwrite.id == bot_id or (member is not None and overwrite.id in member.roles)
            if applies and overwrite.allow & Perm.MANAGE_ROLES:
                own_manage_roles = True
    channel_perms = world.permissions_in(channel, bot_id) if channel is not None else base
    if not (channel_perms & Perm.MANAGE_ROLES or base & Perm.MANAGE_ROLES):
        raise missing_permissions()
    if not world.rules.check_overwrite_grants or own_manage_roles:
        return
    for overwrite in overwrites:
        if (overwrite.allow | overwrite.deny) & ~here:
            raise missing_permissions()
    for target in overwrites:
        if target.type == 0 and target.id not in guild.roles:
            raise unknown("Role")
        if target.type == 1 and target.id not in guild.members:
            raise unknown("Member")


def check_channel_limits(
    world: World,
    guild: Guild,
    *,
    creating: bool,
    channel_type: int,
    parent_id: int | None,
    moving: Channel | None = None,
) -> None:
    """500 channels per guild (30013); 50 per category (50035 on ``parent_id``)."""
    rules = world.rules
    if creating and len(guild.channels) >= rules.max_guild_channels:
        raise APIError(400, 30013, f"Maximum number of guild channels reached ({rules.max_guild_channels})")
    if parent_id is None:
        return
    parent = guild.channels.get(parent_id)
    if parent is None or parent.type != CATEGORY or channel_type == CATEGORY:
        raise invalid_form(("parent_id",), "CHANNEL_PARENT_INVALID_TYPE", "Not a category")
    if moving is not None and moving.parent_id == parent_id:
        return
    if len(guild.children(parent_id)) >= rules.max_category_channels:
        raise invalid_form(
            ("parent_id",),
            "CHANNEL_PARENT_MAX_CHANNELS",
            f"Maximum number of channels in category reached ({rules.max_category_channels})",
        )
