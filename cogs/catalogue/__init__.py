"""`/mentoring-admin skills`: the server's own skill catalogue (list, add, rename, remove)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.catalogue.cog import SkillsAdmin

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    await bot.add_cog(SkillsAdmin(bot))
