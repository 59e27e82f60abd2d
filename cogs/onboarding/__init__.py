"""`/mentoring` for members: joining, the profile, pause/resume, leaving and the data export;
and the welcome message for newcomers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.onboarding.cog import Onboarding

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    await bot.add_cog(Onboarding(bot))
