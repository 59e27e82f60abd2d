"""Which pair a `/pair` command or button is about, and whether the clicker may act on it."""

from __future__ import annotations

import discord

from bot.client.checks import is_moderator
from bot.client.interactions import UserError, binome
from bot.db.models import Pair
from bot.db.repositories.pairs import ACTIVE


async def pair_here(interaction: discord.Interaction, *, moderators_too: bool = False) -> Pair:
    """The active pair whose channel this is, used by one of its two members (or a moderator)."""
    pair = await binome(interaction).pairs.by_channel(interaction.channel_id or 0)
    return await _checked(interaction, pair, moderators_too)


async def pair_by_id(interaction: discord.Interaction, pair_id: int, *, moderators_too: bool = False) -> Pair:
    """The pair a persistent button names, checked like `pair_here`."""
    return await _checked(interaction, await binome(interaction).pairs.get(pair_id), moderators_too)


async def _checked(interaction: discord.Interaction, pair: Pair | None, moderators_too: bool) -> Pair:
    if pair is None or pair.guild_id != interaction.guild_id:
        raise UserError("pair.errors.not_a_pair_channel")
    await ensure_member(interaction, pair, moderators_too=moderators_too)
    if pair.status != ACTIVE:
        raise UserError("pair.errors.pair_not_active")
    return pair


async def ensure_member(interaction: discord.Interaction, pair: Pair, *, moderators_too: bool = False) -> None:
    if interaction.user.id in pair.members():
        return
    if moderators_too and await is_moderator(interaction):
        return
    raise UserError("pair.errors.not_in_this_pair")
