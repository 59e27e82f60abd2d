"""The moderators' console under `/mentoring-admin`: pairs (health), stats (figures and chart),
export (CSV), audit (who did what) and forget (erasure on request); trouble reports that wait for
a moderators' channel are shown at the top of `pairs`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.console.cog import Console
from cogs.console.pages import PageButton

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(PageButton)
    await bot.add_cog(Console(bot))
