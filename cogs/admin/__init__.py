"""`/mentoring-admin`: the moderators' commands. Every one is checked server-side (`moderator_only`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.admin.cog import Admin

if TYPE_CHECKING:
    from bot.bot import Binome


async def setup(bot: Binome) -> None:
    await bot.add_cog(Admin(bot))
