"""Checks made before creating pair channels, so a batch is refused whole instead of failing half-way."""

from __future__ import annotations

import discord

from bot.client.permissions import PermissionList
from bot.services.guild_config import GuildConfig
from cogs.pair_channels.channels import CHANNELS_PER_GUILD, guild_has_room, room_needed

# Pin Messages (1 << 51): the bot grants it to itself on each pair channel (to pin the signed charter),
# and Discord refuses an overwrite granting a permission the bot does not have in the server.
NEEDED = ("manage_channels", "manage_roles", "view_channel", "send_messages", "pin_messages")


def channel_problem(guild: discord.Guild, config: GuildConfig, new_pairs: int) -> tuple[str, dict] | None:
    """A message key (and its parameters) saying why `new_pairs` channels cannot be made, or None."""
    permissions = guild.me.guild_permissions
    missing = [name for name in NEEDED if not getattr(permissions, name)]
    if missing and not permissions.administrator:
        return "admin.preflight.missing_permissions", {"permissions": PermissionList(tuple(missing))}
    if not guild_has_room(guild, config.pair_category_name, new_pairs):
        free = CHANNELS_PER_GUILD - len(guild.channels)
        needed = room_needed(guild, config.pair_category_name, new_pairs)
        return "admin.preflight.guild_full", {"needed": needed, "free": max(free, 0), "limit": CHANNELS_PER_GUILD}
    return None
