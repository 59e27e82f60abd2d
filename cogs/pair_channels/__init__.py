"""Pair channels: launching them, their kickoff, and keeping them consistent with the server
(a channel deleted by hand, a member who leaves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pair_channels.cog import PairChannels, PairKickoffButton

if TYPE_CHECKING:
    from bot.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(PairKickoffButton)
    await bot.add_cog(PairChannels(bot))
