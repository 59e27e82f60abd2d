"""Discord-side helpers shared by every cog: the locale of an interaction, localized replies,
and the errors a command raises to tell the member something went wrong on their side."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.client.acknowledge import answer_lock
from bot.i18n import supported_locale, t

if TYPE_CHECKING:
    from bot.client.bot import Binome


class UserError(app_commands.AppCommandError):
    """A problem the member can fix; the tree's error handler replies with the message `key`."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def mention(user_id: int | None) -> str:
    """A user mention (renders as the name; pings only if the message's AllowedMentions say so)."""
    return f"<@{user_id}>" if user_id else "?"


def mention_all(user_ids: Iterable[int | None]) -> str:
    return " & ".join(mention(u) for u in user_ids if u) or "?"


def pings(*user_ids: int | None) -> discord.AllowedMentions:
    """AllowedMentions that ping exactly these users (never @everyone or roles)."""
    return discord.AllowedMentions(users=[discord.Object(id=u) for u in user_ids if u])


def binome(interaction: discord.Interaction) -> Binome:
    return interaction.client  # type: ignore[return-value]


def locale_of(interaction: discord.Interaction) -> str:
    """The member's own language first, then the server's configured one, then the default."""
    return supported_locale(str(interaction.locale)) or binome(interaction).guild_locale(
        interaction.guild_id, str(interaction.guild_locale) if interaction.guild_locale else None
    )


def tr(interaction: discord.Interaction, key: str, /, **params: Any) -> str:
    return t(key, locale_of(interaction), **params)


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """An ephemeral answer, whether or not the interaction was already acknowledged (by the handler, or
    by the bot when busy: `bot.client.acknowledge`, whose timer takes the same lock)."""
    kwargs.setdefault("ephemeral", True)
    if content is not None:
        kwargs["content"] = content
    async with answer_lock(interaction):
        if not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
            return
    await interaction.followup.send(**kwargs)


async def reply_key(interaction: discord.Interaction, key: str, /, **params: Any) -> None:
    await reply(interaction, tr(interaction, key, **params))
