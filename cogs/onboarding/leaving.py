"""Leaving the program: one path for the member's own `/mentoring leave` and a moderator's
`/mentoring-admin forget`, so both erase exactly the same data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.pair_channels import pair_channels

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def leave_program(bot: Binome, guild: discord.Guild, user_id: int) -> bool:
    """End the member's pair (the partner and moderators are told), then erase the member's personal
    data. False when there was nothing to erase (already gone)."""
    await pair_channels(bot).member_leaves_program(guild, user_id)
    return await bot.membership.leave(guild.id, user_id)
