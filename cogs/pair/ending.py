"""Ending a pair and the cycle check-ins: what the `/pair` cog and its setup use.

- `ending_flow`: `/pair end`, the proposal's Confirm / Withdraw, the members' feedback once ended;
- `cycles`: the mid-cycle and end-of-cycle check-ins (scheduled) and their buttons.
"""

from __future__ import annotations

import discord

from cogs.pair.cycles import CycleButton, cycle_check
from cogs.pair.ending_flow import EndButton, RatingButton, propose_end

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = (EndButton, RatingButton, CycleButton)

__all__ = ["DYNAMIC_ITEMS", "CycleButton", "EndButton", "RatingButton", "cycle_check", "propose_end"]
