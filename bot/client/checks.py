"""Server-side permission checks. `default_permissions` only hides commands in the client; these
run on every call (and on every moderator button click)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client.errors import NotModerator
from bot.client.interactions import binome, reply_key


async def is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    config = await binome(interaction).guild_configs.get(interaction.guild_id)
    return config.moderator_role_id is not None and member.get_role(config.moderator_role_id) is not None


async def moderator_or_refuse(interaction: discord.Interaction) -> bool:
    """For a moderator-only button's `interaction_check`: refuse others politely (a forged click)."""
    if not await is_moderator(interaction):
        await reply_key(interaction, "common.errors.not_moderator")
        return False
    return True


async def ensure_moderator(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not await is_moderator(interaction):
        raise NotModerator()


async def _moderator_predicate(interaction: discord.Interaction) -> bool:
    await ensure_moderator(interaction)
    return True


moderator_only = app_commands.check(_moderator_predicate)
