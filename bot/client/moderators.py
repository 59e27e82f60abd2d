"""The moderators' channel: trouble reports (stored, then posted exactly once) and the audit trail.

A report is stored before anything is posted, so none is lost: with a moderators' channel the bot
can post in, it is posted there once (claim `report:<id>`); otherwise it waits at the top of
`/mentoring-admin pairs` and is posted as soon as `setup` gives a channel (or at the next start-up).
Every moderator action is stored in the audit log and also posted in that channel when there is one.
Both are written in the program's language (`bot.moderators_locale`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.client.audit_text import audit_text, report_text
from bot.client.interactions import binome
from bot.client.permissions import PermissionList
from bot.db.models import AuditEntry, Pair
from bot.services.audit import Action
from bot.services.claims import Refused
from bot.services.reports import claim_key

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

NEEDED = ("view_channel", "send_messages")


@dataclass(frozen=True, slots=True)
class ModChannel:
    """The moderators' channel, or why the bot cannot post there (`problem` is a message key)."""

    channel: discord.TextChannel | None
    problem: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


async def moderators_channel(bot: Binome, guild: discord.Guild) -> ModChannel:
    config = await bot.guild_configs.get(guild.id)
    if config.mod_channel_id is None:
        return ModChannel(None, "console.channel.unset")
    channel = guild.get_channel(config.mod_channel_id)
    if not isinstance(channel, discord.TextChannel):
        return ModChannel(None, "console.channel.gone", {"channel": f"<#{config.mod_channel_id}>"})
    permissions = channel.permissions_for(guild.me)
    missing = tuple(name for name in NEEDED if not getattr(permissions, name))
    if missing:
        names = PermissionList(missing)  # named in the language of the message it goes into
        return ModChannel(None, "console.channel.forbidden", {"channel": channel.mention, "permissions": names})
    return ModChannel(channel)


async def tell_moderators(
    bot: Binome,
    guild: discord.Guild,
    kind: str,
    *,
    pair: Pair | None = None,
    subject_id: int | None = None,
    event_key: str | None = None,
    **params,
) -> None:
    """A trouble report (`kind` is its message key): stored (once per `event_key`), then posted once
    when a channel allows."""
    await bot.console.reports.add(
        guild.id, kind, pair_id=pair.id if pair else None, subject_id=subject_id, event_key=event_key, **params
    )
    await deliver_waiting(bot, guild)


async def _already_posted(channel: discord.TextChannel, text: str, author: discord.abc.User | None) -> discord.Message:
    async for message in channel.history(limit=25):
        if author is not None and message.author.id == author.id and message.content == text:
            return message
    return None  # type: ignore[return-value]


async def deliver_waiting(bot: Binome, guild: discord.Guild) -> int:
    """Post the reports waiting for this server, oldest first, each exactly once. Returns how many."""
    where = await moderators_channel(bot, guild)
    if where.channel is None:
        return 0
    waiting = await bot.console.reports.waiting(guild.id)
    if not waiting:
        return 0
    locale = bot.moderators_locale(guild)
    posted = 0
    async with bot.claims.run("reports") as run:
        for report in waiting:
            claim = await run.acquire(guild.id, claim_key(report.id))
            if claim is Refused.DONE:  # posted by an earlier run that stopped before recording it
                await bot.console.reports.mark_posted(report.id, None)
                continue
            if isinstance(claim, Refused):
                continue  # another run is posting it, or it failed a moment ago
            pair = await bot.pairs.get(report.pair_id) if report.pair_id else None
            text = report_text(report, pair, locale)
            try:
                found = await _already_posted(where.channel, text, bot.user) if claim.resumed else None
                message = found or await where.channel.send(text)
            except discord.HTTPException as exc:
                log.warning("report %s not posted in guild %s (%s); it waits", report.id, guild.id, exc)
                await run.failed(claim, f"{exc.status} {exc.text}", retry_in=timedelta(0))
                break
            await bot.console.reports.mark_posted(report.id, message.id)
            await run.done(claim, message.id)
            posted += 1
    return posted


async def post_audit(bot: Binome, guild: discord.Guild, entry: AuditEntry) -> None:
    """Best effort: the entry is stored whatever happens here."""
    where = await moderators_channel(bot, guild)
    if where.channel is None:
        return
    try:
        await where.channel.send(audit_text(entry, bot.moderators_locale(guild)))
    except discord.HTTPException as exc:
        log.warning("audit entry %s not posted in guild %s: %s", entry.id, guild.id, exc)


async def record_action(
    interaction: discord.Interaction, action: Action, *, targets: tuple[int, ...] = (), **details: Any
) -> AuditEntry:
    """Store a moderator's action in the audit log and post it in the moderators' channel."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    entry = await bot.console.audit.record(guild.id, interaction.user.id, action, targets=targets, details=details)
    await post_audit(bot, guild, entry)
    return entry
