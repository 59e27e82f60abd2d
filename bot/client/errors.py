"""The single error handler of the command tree (views and modals route their errors here too)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.client.interactions import UserError, reply_key
from bot.client.permissions import PermissionList

log = logging.getLogger(__name__)


class NotModerator(app_commands.CheckFailure):
    """The member is neither in the program's moderator role nor allowed to manage the server."""


def _describe(error: Exception) -> tuple[str, dict[str, Any]] | None:
    """The message key for an error the member should hear about, or None for a bug."""
    if isinstance(error, UserError):
        return error.key, error.params
    if isinstance(error, NotModerator):
        return "common.errors.not_moderator", {}
    if isinstance(error, app_commands.NoPrivateMessage):
        return "common.errors.guild_only", {}
    if isinstance(error, app_commands.MissingPermissions):
        return "common.errors.not_moderator", {}
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = PermissionList(tuple(error.missing_permissions))
        return "common.errors.bot_missing_permissions", {"permissions": missing}
    if isinstance(error, app_commands.CommandOnCooldown):
        return "common.errors.cooldown", {"seconds": f"{error.retry_after:.0f}"}
    if isinstance(error, discord.Forbidden):
        return "common.errors.discord_forbidden", {}
    return None


class BinomeTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original: Exception = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        described = _describe(original)
        if described is None:
            command = interaction.command.qualified_name if interaction.command else interaction.data
            log.error("unhandled error in %s", command, exc_info=original)
            described = ("common.errors.unexpected", {})
        key, params = described
        try:
            await reply_key(interaction, key, **params)
        except discord.HTTPException as exc:
            # Too late (3 s deadline passed, token expired): the member saw Discord's own failure.
            log.warning("could not send the error reply %r: %s", key, exc)
