"""Pair channels: launching them, their kickoff, and keeping them consistent with the server
(a channel deleted by hand, a member who leaves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pair_channels.cog import PairChannels, PairKickoffButton

if TYPE_CHECKING:
    from bot.client.bot import Binome


def pair_channels(bot: Binome) -> PairChannels:
    """The loaded PairChannels cog (other features launch and end pairs through it)."""
    cog = bot.get_cog(PairChannels.__cog_name__)
    if not isinstance(cog, PairChannels):
        raise RuntimeError("the pair_channels extension is not loaded")
    return cog


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(PairKickoffButton)
    await bot.add_cog(PairChannels(bot))
