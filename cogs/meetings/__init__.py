"""Meeting for real: the pair's agreed weekly slot (`/pair slot`, defined with the other `/pair`
commands and handled in `slot`), its reminders and `.ics` invite, and the first meeting planned from the
kickoff (`first_meeting`). The scheduled work is in `reminders`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    # Imported here: `/pair` (cogs.pair) imports this package's modules, and they import its helpers.
    from cogs.meetings.reminders import meetings_check
    from cogs.meetings.slot import SlotButton

    bot.add_dynamic_items(SlotButton)
    bot.scheduler.add_check("meetings", functools.partial(meetings_check, bot))


async def teardown(bot: Binome) -> None:
    bot.scheduler.remove_check("meetings")
