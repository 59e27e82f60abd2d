"""Check-ins from voice presence (off by default: `/mentoring-admin setup voice-checkins`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.voice.cog import VoiceCheckins
from cogs.voice.offer import VoiceLogButton

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(VoiceLogButton)
    await bot.add_cog(VoiceCheckins(bot))
