"""Placeholder: being written (see the `/pair` cog for the functions it must provide)."""

from __future__ import annotations

import discord

from bot.db.models import Pair

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = ()


async def open_charter(interaction: discord.Interaction, pair: Pair) -> None:
    raise NotImplementedError


async def show_or_update_goal(
    interaction: discord.Interaction, pair: Pair, progress: int | None, note: str | None
) -> None:
    raise NotImplementedError
