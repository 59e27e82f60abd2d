"""Best-effort messages from the bot to a member (DMs may be closed: that is not an error)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import t

if TYPE_CHECKING:
    from bot.client.bot import Binome
    from bot.db.models import Pair

log = logging.getLogger(__name__)


async def dm_member(
    bot: Binome, guild: discord.Guild, user_id: int, key: str, *, pair: Pair | None = None, **params: Any
) -> bool:
    """DM the member the message `key`: in their pair's language when it is about `pair`, else in their
    own (`Binome.member_locale`). False when it could not be delivered."""
    member = guild.get_member(user_id)
    if member is None:
        return False
    locale = bot.pair_locale(guild, pair) if pair is not None else bot.member_locale(guild, user_id)
    try:
        await member.send(t(key, locale, guild=guild.name, **params))
        return True
    except discord.HTTPException as exc:
        log.info("could not DM %s (%s): %s", user_id, key, exc)
        return False
