"""Nobody left out silently: after a confirmed round, every member it did not pair hears why, in plain
words, and what would help — by DM, or (DMs closed) in the welcome channel, mentioning only them. The
odd one out, and a member whose proposed partner became unavailable, are told they go first next round.

Each message is claimed once per member and round (`member:<guild>:<user>:left-out:<round>`: erased
with the member), so a second confirmation attempt or a second process never sends it twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.db.models import MatchRound, OnceClaim
from bot.domain.skills import SkillSpec
from bot.i18n import t
from bot.services.claims import Refused
from bot.services.rounds import ConfirmOutcome
from cogs.catalogue.render import labelled

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

PARTNER_UNAVAILABLE = "partner_unavailable"  # their proposed partner left or paused before the confirmation
FIRST_NEXT_TIME = {"odd_one_out", PARTNER_UNAVAILABLE}


def left_out_key(guild_id: int, user_id: int, round_id: int) -> str:
    return f"{OnceClaim.member_prefix(guild_id, user_id)}left-out:{round_id}"


def who_was_left_out(round_: MatchRound, outcome: ConfirmOutcome) -> list[dict]:
    """The round's unmatched members (reason and suggestions), and those whose proposed pair was dropped."""
    entries = list(round_.proposal.get("unmatched", []))
    for a, b, gone in outcome.dropped:
        entries += [{"user_id": m, "reason": PARTNER_UNAVAILABLE} for m in (a, b) if m not in gone]
    return entries


def left_out_text(entry: dict, catalogue: list[SkillSpec], locale: str, guild: str) -> str:
    """Why the member was not paired, what would help, and (odd one out) that they go first next time."""
    reason = entry["reason"]
    labels = {skill.key: labelled(skill, locale) for skill in catalogue}

    def named(keys: list[str]) -> str:  # most helpful first, as the engine ranked them
        return ", ".join(labels.get(key, key) for key in keys)

    lines = [t("announce.left_out.header", locale, guild=guild), t(f"announce.left_out.why_{reason}", locale)]
    if entry.get("suggested_skills"):
        lines.append(t("announce.left_out.help_teach", locale, skills=named(entry["suggested_skills"])))
    elif entry.get("suggested_learning"):
        lines.append(t("announce.left_out.help_learn", locale, skills=named(entry["suggested_learning"])))
    elif reason not in FIRST_NEXT_TIME:
        lines.append(t(f"announce.left_out.help_{reason}", locale))
    if reason in FIRST_NEXT_TIME:
        lines.append(t("announce.left_out.first_next_time", locale))
    return "\n".join(lines)


async def _deliver(bot: Binome, guild: discord.Guild, member: discord.Member, text: str) -> bool:
    try:
        await member.send(text)
        return True
    except discord.HTTPException as exc:
        log.info("could not DM %s the round's explanation (%s); trying the welcome channel", member.id, exc.status)
    config = await bot.guild_configs.get(guild.id)
    channel = guild.get_channel(config.welcome_channel_id) if config.welcome_channel_id else None
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        await channel.send(f"{member.mention} {text}", allowed_mentions=discord.AllowedMentions(users=[member]))
        return True
    except discord.HTTPException as exc:
        log.warning("could not tell %s in the welcome channel why they were not paired: %s", member.id, exc)
        return False


async def tell_left_out(bot: Binome, guild: discord.Guild, round_: MatchRound, outcome: ConfirmOutcome) -> int:
    """Tell every member the confirmed round left out why. Returns how many were told."""
    entries = who_was_left_out(round_, outcome)
    if not entries:
        return 0
    catalogue = await bot.membership.catalogue(guild.id)
    told = 0
    async with bot.claims.run("left-out") as run:
        for entry in entries:
            user_id = int(entry["user_id"])
            member = guild.get_member(user_id)
            if member is None:
                continue  # left the server meanwhile
            claim = await run.acquire(guild.id, left_out_key(guild.id, user_id, round_.id))
            if isinstance(claim, Refused):
                continue
            text = left_out_text(entry, catalogue, bot.member_locale(guild, user_id), guild.name)
            delivered = await _deliver(bot, guild, member, text)
            await run.done(claim)  # best effort, like the welcome: not retried when neither way works
            told += delivered
            if not delivered:
                log.info("%s was not told why the round left them out: DMs closed and no welcome channel", user_id)
    return told
