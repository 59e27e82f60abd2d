"""`/pair` [`/binome`]: what a pair does in its channel — charter and shared goal, the weekly
alternation of who mentors whom, session check-ins, ending the pair and the cycle check-ins."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from cogs.pair import charter, checkins, ending, weekly, weekly_run
from cogs.pair.cog import PairCommands

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    for feature in (charter, checkins, ending, weekly):
        bot.add_dynamic_items(*feature.DYNAMIC_ITEMS)
    await bot.add_cog(PairCommands(bot))
    bot.scheduler.add_check("cycles", ending.cycle_check(bot))
    bot.scheduler.add_check("weekly", functools.partial(weekly_run.weekly_check, bot))
