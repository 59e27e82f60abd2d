"""`/mentoring-admin`: the moderators' commands. Every one is checked server-side (`moderator_only`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.admin.cog import Admin
from cogs.admin.rounds_view import RoundButton

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(RoundButton)
    await bot.add_cog(Admin(bot))
