"""The Discord side of running shards across processes (`bot.services.shards`, `bot.services.identify`).

The Binome class is discord.py's `AutoShardedBot`: with `SHARD_COUNT`/`SHARD_IDS` it runs exactly those
shards; without them, every shard of the count Discord recommends (`GET /gateway/bot`: one until the bot
is big enough to need more). Each process sees only its shards' servers, so `bot.guilds` — what every
scheduled check and start-up pass iterates — holds only the servers whose work is this process's.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.domain.shards import describe_shards, identify_bucket

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


async def take_shards(bot: Binome) -> None:
    """In `setup_hook`, before any gateway connection: learn Discord's identify limit (and its
    recommended shard count when none is configured), take this process's shard leases (raising
    `ShardsTaken` when a live process has one), and say which shards this process runs."""
    recommended, _url, limits = await bot.http.get_bot_gateway()
    bot.max_concurrency = max(int(limits.get("max_concurrency", 1)), 1)
    configured = bot.shard_count is not None
    if bot.shard_count is None:
        bot.shard_count = recommended
    shard_ids = list(bot.shard_ids) if bot.shard_ids is not None else list(range(bot.shard_count))
    await bot.shard_leases.hold(bot.shard_count, shard_ids)
    if configured and recommended > bot.shard_count:
        log.warning(
            'Discord recommends %d shards but SHARD_COUNT=%d: re-shard soon (README, "Running several processes")',
            recommended,
            bot.shard_count,
        )
    origin = "SHARD_COUNT/SHARD_IDS" if configured else "Discord's recommendation, one process"
    log.info(
        "this process runs %s (%s) as %s; identify: max_concurrency %d, %s session starts left",
        describe_shards(shard_ids, bot.shard_count),
        origin,
        bot.shard_leases.holder,
        bot.max_concurrency,
        limits.get("remaining", "?"),
    )


async def before_identify(bot: Binome, shard_id: int | None) -> None:
    """discord.py's `before_identify_hook`: wait for this shard's bucket's turn among every process."""
    shard = shard_id or 0
    count = bot.shard_count or 1
    who = f"{describe_shards([shard], count)} by {bot.shard_leases.holder}"
    await bot.identify_gate.take_turn(identify_bucket(shard, bot.max_concurrency), bot.max_concurrency, who)
