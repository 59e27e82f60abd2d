"""Deliberate application-command sync: push the command set only when it changed.

Discord rate-limits command registration and every sync makes clients refetch the commands, so the
bot remembers a fingerprint of what it last pushed (per application and scope) in the database, and
processes sharing it compare and push one at a time (`bot.locks`), so a deploy pushes once.
A development guild is synced on every start, since that is where commands are being worked on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CommandSyncState

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

SYNC_LOCK = "command-sync"


async def command_fingerprint(bot: Binome, guild: discord.abc.Snowflake | None = None) -> str:
    tree = bot.tree
    translator = tree.translator
    commands = tree.get_commands(guild=guild)
    if translator is not None:
        payload = [await command.get_translated_payload(tree, translator) for command in commands]
    else:
        payload = [command.to_dict(tree) for command in commands]
    blob = json.dumps(sorted(payload, key=lambda c: (c.get("type", 1), c["name"])), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


async def _stored_fingerprint(session: AsyncSession, scope: str) -> str | None:
    state = await session.get(CommandSyncState, scope)
    return state.payload_hash if state else None


async def sync_commands(bot: Binome) -> bool:
    """Sync if needed. Returns True when commands were pushed to Discord."""
    if bot.settings.dev_guild_id is not None:
        guild = discord.Object(id=bot.settings.dev_guild_id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        log.info("application commands synced to the development guild %s", guild.id)
        return True

    scope = f"global:{bot.application_id}"
    fingerprint = await command_fingerprint(bot)
    # Processes started together (a deploy) all compare: one at a time, so only the first pushes.
    async with bot.locks.hold(SYNC_LOCK, bot.application_id or 0):
        async with bot.db.session() as session:
            if await _stored_fingerprint(session, scope) == fingerprint:
                log.info("application commands unchanged; not syncing")
                return False
        await bot.tree.sync()
        async with bot.db.session() as session:
            await session.merge(CommandSyncState(scope=scope, payload_hash=fingerprint, synced_at=bot.clock.now()))
    log.info("application commands changed; synced globally")
    return True
