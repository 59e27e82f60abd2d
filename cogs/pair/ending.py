"""Placeholder: being written (see the `/pair` cog for the functions it must provide)."""

from __future__ import annotations

import discord

from bot.db.models import Pair

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = ()


async def propose_end(interaction: discord.Interaction, pair: Pair) -> None:
    raise NotImplementedError
