"""After a member edits their profile: their pair keeps its language even if one of the two no longer
speaks it, and both are told how to change it."""

from __future__ import annotations

import logging

import discord

from bot.client.interactions import binome, mention
from bot.db.models import Pair
from bot.i18n import t
from cogs.pair_channels.channels import pair_channel

log = logging.getLogger(__name__)


def language_name(language: str, locale: str) -> str:
    return t(f"common.languages.{language}", locale)


async def tell_pair(guild: discord.Guild, pair: Pair, text: str) -> None:
    """Best effort: a notice in the pair's channel (mentions shown, nobody pinged)."""
    channel = pair_channel(guild, pair)
    if channel is None:
        return
    try:
        await channel.send(text)
    except discord.HTTPException as exc:
        log.warning("could not post in the channel of pair %s: %s", pair.id, exc)


async def after_profile_edit(interaction: discord.Interaction, locale: str, *, before: frozenset[str]) -> list[str]:
    """Lines to add to the member's (ephemeral) answer; when this edit is what left the pair without a
    language both speak, the pair's channel hears it too (in the pair's language)."""
    bot = binome(interaction)
    guild = interaction.guild
    if guild is None:
        return []
    speakers = await bot.languages.speakers(guild.id, interaction.user.id)
    if speakers is None:
        return []
    pair = speakers.pair
    language = bot.pair_locale(guild, pair)
    if speakers.both_speak(language):
        return []
    mine = speakers.first if interaction.user.id == pair.member_a_id else speakers.second
    if language in before and language not in mine:
        name = language_name(language, language)
        who = mention(interaction.user.id)
        await tell_pair(guild, pair, t("languages.pair.no_longer_shared", language, member=who, language=name))
    return [t("languages.pair.kept", locale, language=language_name(language, locale))]
