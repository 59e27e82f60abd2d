"""The Discord side of exactly-once work: post a claimed message once (see `bot.services.claims`).

    async with bot.claims.run("nudges") as run:
        claim = await run.acquire(guild.id, f"nudge:{week.id}")
        if not isinstance(claim, Refused):
            await post_once(run, claim, channel, lambda nonce: channel.send(text, nonce=nonce), matches=same_text(text))

A claim that was `resumed` (an earlier attempt may have posted before dying or losing its answer) is
looked for in the channel's recent history first; what is found counts as posted. Every post carries a
nonce derived from the claim's key, with discord.py's `enforce_nonce`, so that Discord itself returns the
earlier message instead of creating a second one when two attempts of the same key meet within its
nonce window (a few minutes): a second, independent guard behind the claims.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.client.ui import custom_ids, find_recent
from bot.services.claims import Claim, ClaimRun, Refused

log = logging.getLogger(__name__)

Send = Callable[[int], Awaitable[discord.Message]]
Record = Callable[[discord.Message], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Posted:
    message: discord.Message
    found: bool  # posted by an earlier attempt (found in the history), not now


def claim_nonce(key: str) -> int:
    """A message nonce (≤ 25 characters, as Discord requires) that is the same for every attempt of `key`."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1


def same_text(content: str) -> Callable[[discord.Message], bool]:
    return lambda message: message.content == content


def with_custom_id(prefix: str) -> Callable[[discord.Message], bool]:
    return lambda message: any(custom_id.startswith(prefix) for custom_id in custom_ids(message))


def describe_error(exc: discord.HTTPException) -> str:
    return f"{exc.status} {exc.text}".strip()[:200]


async def post_once(
    run: ClaimRun,
    claim: Claim,
    channel: discord.abc.Messageable,
    send: Send,
    *,
    matches: Callable[[discord.Message], bool],
    author: discord.abc.User | None = None,
    record: Record | None = None,
    look_first: bool = False,
) -> Posted | None:
    """Post the claimed message unless an earlier attempt did; `record` it, then close the claim.

    Returns the message (posted now or found), or None when Discord failed: the claim is then released
    with a backoff and retried by a later run. `author` defaults to the bot (the guild's own member).
    `look_first` looks in the history even for a claim that was not resumed.
    """
    me = author or getattr(getattr(channel, "guild", None), "me", None)
    try:
        found = None
        if claim.resumed or look_first:
            found = await find_recent(channel, matches, me)
            if found is not None:
                log.info("%s was already posted (message %s); not posting it again", claim.key, found.id)
        message = found or await send(claim_nonce(claim.key))
    except discord.HTTPException as exc:
        log.warning("%s failed (%s); retried after a backoff", claim.key, describe_error(exc))
        await run.failed(claim, describe_error(exc))
        return None
    if record is not None:
        await record(message)
    await run.done(claim, message.id)
    return Posted(message, found is not None)


async def post_claimed(
    claims,
    guild_id: int,
    purpose: str,
    key: str,
    channel: discord.abc.Messageable,
    send: Send,
    *,
    matches: Callable[[discord.Message], bool],
    record: Record | None = None,
) -> Posted | None:
    """Claim `key` in a run of its own and post it once (None: done already, held, or Discord failed)."""
    async with claims.run(purpose) as run:
        claim = await run.acquire(guild_id, key)
        if isinstance(claim, Refused):
            return None
        return await post_once(run, claim, channel, send, matches=matches, record=record)
