"""Who must not be paired: `/mentoring avoid` (a member's private list, shown in their profile) and
`/mentoring-admin exclude` (moderators' exclusions, listed and removable). The organization field the
join form asks when the server keeps colleagues apart lives with the join form (cogs/onboarding)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.separation.cog import Separation
from cogs.separation.exclude import RemoveExclusions

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(RemoveExclusions)
    await bot.add_cog(Separation(bot))
