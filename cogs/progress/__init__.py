"""Progress on objectives, from both sides: self-ratings (1–5) at the charter, at mid-cycle and at the
end of the cycle, "who led most?", the pair's own progress card, and the moderators' aggregates in
`/mentoring-admin stats`. The buttons ride on the signed charter and on the cycle check-ins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.progress.buttons import ProgressButton

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(ProgressButton)
