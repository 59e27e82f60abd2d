"""Placeholder: being written (see the `/pair` cog for the functions it must provide)."""

from __future__ import annotations

import discord

from bot.db.models import Pair

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = ()


async def log_session(
    interaction: discord.Interaction,
    pair: Pair,
    *,
    held: bool,
    mode: str | None,
    minutes: int | None,
    led_by: int | None,
    date_text: str | None,
    note: str,
) -> None:
    raise NotImplementedError
