"""Discord's identify limit, kept by every process sharing the database.

A gateway session starts with an IDENTIFY; Discord allows one per bucket (`shard_id % max_concurrency`)
every 5 seconds, for the whole bot token, and answers a faster one with an invalid session (op 9).
Processes started together (a cold start, a deploy) must therefore take turns, whichever process a
shard lives in. The turn of a bucket is held with a PostgreSQL advisory lock (`pg_advisory_xact_lock`,
one per bucket) while the process waits for the 5 s since the bucket's last IDENTIFY, read in
`gateway_identifies` on the server's clock; the lock is let go only once this process's IDENTIFY has
gone out and its time is recorded, so the next one in the bucket counts from the real instant. On
SQLite (one process) the turn is an asyncio lock, and the last instant is still stored so that a quick
restart waits too.

Called from discord.py's `before_identify_hook`, right before the IDENTIFY is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.models import GatewayIdentify
from bot.db.postgres import advisory_key, is_postgresql
from bot.domain.shards import IDENTIFY_INTERVAL_SECONDS

log = logging.getLogger(__name__)

# Beyond the 5 s: Discord (and the fake) measure when each IDENTIFY arrives, which can jitter.
MARGIN_SECONDS = 0.5
# The IDENTIFY is sent right after the hook returns; its instant is recorded this much later.
RECORD_AFTER_SECONDS = 0.05


class IdentifyGate:
    def __init__(
        self,
        db: Database,
        *,
        interval: float = IDENTIFY_INTERVAL_SECONDS,
        margin: float = MARGIN_SECONDS,
        wall: Clock | None = None,
    ) -> None:
        self._db = db
        self._spacing = timedelta(seconds=interval + margin)
        self._wall = wall or SystemClock()
        self._local: defaultdict[tuple[int, int], asyncio.Lock] = defaultdict(asyncio.Lock)
        self._recording: set[asyncio.Task[None]] = set()
        self.waited: list[float] = []  # seconds each turn waited (logged; read by tests)

    async def take_turn(self, bucket: int, max_concurrency: int, who: str) -> None:
        """Return when this process may IDENTIFY in `bucket` (sending it at once); `who` names the shard
        and the process in the record ("shard 1 of 3 by host:pid")."""
        local = self._local[(max_concurrency, bucket)]
        await local.acquire()
        held: AsyncConnection | None = None
        try:
            if is_postgresql(self._db.engine):
                # Held until the IDENTIFY is recorded: the transaction's end lets the bucket go.
                held = await self._db.engine.connect()
                await held.begin()
                await held.execute(select(func.pg_advisory_xact_lock(bucket_key(max_concurrency, bucket))))
                last, now = await _last_and_now(held, max_concurrency, bucket)
            else:
                async with self._db.engine.connect() as connection:  # SQLite: the asyncio lock is the turn
                    last, _ = await _last_and_now(connection, max_concurrency, bucket)
                now = self._wall.now().astimezone(UTC)
            wait = (last + self._spacing - now).total_seconds() if last is not None else 0.0
            if wait > 0:
                log.info("%s waits %.1f s for its turn to identify (bucket %d)", who, wait, bucket)
                await asyncio.sleep(wait)
            self.waited.append(max(wait, 0.0))
        except BaseException as exc:
            if held is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(held.close())
            local.release()
            if isinstance(exc, Exception):  # the database failing must not keep the bot off Discord
                log.warning("could not take the identify turn through the database (%s); waiting 5 s", exc)
                await asyncio.sleep(self._spacing.total_seconds())
                return
            raise
        task = asyncio.create_task(self._record(held, local, max_concurrency, bucket, who))
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    async def _record(
        self, held: AsyncConnection | None, local: asyncio.Lock, max_concurrency: int, bucket: int, who: str
    ) -> None:
        """After the IDENTIFY went out: store its instant, then let the bucket go."""
        try:
            await asyncio.sleep(RECORD_AFTER_SECONDS)
            if held is not None:
                await _store(held, max_concurrency, bucket, who, func.clock_timestamp())
                await held.commit()  # ends the advisory lock
            else:
                async with self._db.engine.begin() as connection:
                    await _store(connection, max_concurrency, bucket, who, self._wall.now().astimezone(UTC))
        except Exception:
            log.warning("could not record the identify of %s", who, exc_info=True)
        finally:
            if held is not None:
                with contextlib.suppress(Exception):
                    await held.close()
            local.release()

    async def close(self) -> None:
        if self._recording:
            await asyncio.wait(list(self._recording), timeout=5)


async def _last_and_now(
    connection: AsyncConnection, max_concurrency: int, bucket: int
) -> tuple[datetime | None, datetime | None]:
    """The bucket's last IDENTIFY, and (PostgreSQL) the server's clock: one clock for every process."""
    last = await connection.scalar(
        select(GatewayIdentify.identified_at).where(
            GatewayIdentify.max_concurrency == max_concurrency, GatewayIdentify.bucket == bucket
        )
    )
    now = await connection.scalar(select(func.clock_timestamp())) if is_postgresql(connection) else None
    return (_aware(last) if last else None), (_aware(now) if now else None)


async def _store(connection: AsyncConnection, max_concurrency: int, bucket: int, who: str, now) -> None:
    row = {"max_concurrency": max_concurrency, "bucket": bucket, "identified_at": now, "shard": who[:160]}
    insert = (pg_insert if is_postgresql(connection) else sqlite_insert)(GatewayIdentify).values([row])
    await connection.execute(
        insert.on_conflict_do_update(
            index_elements=["max_concurrency", "bucket"],
            set_={"identified_at": insert.excluded.identified_at, "shard": insert.excluded.shard},
        )
    )


def bucket_key(max_concurrency: int, bucket: int) -> int:
    return advisory_key("identify", f"{max_concurrency}/{bucket}")


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
