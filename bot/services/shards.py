"""One live process per shard: the shard leases, and the process's own connection to PostgreSQL.

Several processes share one PostgreSQL database, each running some of Discord's shards
(`SHARD_COUNT`, `SHARD_IDS`). A shard run twice would double the gateway events (and hand the same
servers to two processes), so a process first takes a lease on each of its shards:

- **PostgreSQL**: a session-level advisory lock per (shard count, shard id), taken with
  `pg_try_advisory_lock` on a connection of the process's own and held for its whole life. PostgreSQL
  releases it the moment that process (or its connection) dies, kill -9 included; the server is told
  to probe an idle client every few seconds, so a vanished host is noticed too. A row of
  `shard_leases` names the holder and carries its heartbeat, so that a second process started with
  the same shard ids refuses, naming the first. Leases of different shard counts do not conflict:
  that is a re-shard in progress (old and new processes overlap; the claims make it harmless).
- **SQLite** (one process only): an exclusive lock on a file beside the database, naming the holder.

The same connection LISTENs for what other processes announce (a server's settings changed). Should
it drop, the process takes its locks again on a new connection, tells its listeners to re-read what
they may have missed, and stops (`on_lost`) if another process took one of its shards meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.models import ShardLease
from bot.db.postgres import advisory_key, is_postgresql, own_connection
from bot.domain.shards import describe_shards

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
RECONNECT_ATTEMPTS = 6  # one per heartbeat: about a minute without PostgreSQL, then the process stops
# The server probes an idle client after 10 s, every 5 s, 3 times: a vanished host's locks go in ~25 s.
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}

Listener = Callable[[str], Awaitable[None]]


def process_name() -> str:
    """ "host:pid", as at the start of claim owners."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def shard_key(shard_count: int, shard_id: int) -> int:
    """The advisory lock of one shard of one shard count."""
    return advisory_key("shard", f"{shard_count}/{shard_id}")


class ShardsTaken(Exception):
    """Another live process runs (some of) these shards; the message names it."""

    def __init__(self, message: str, holders: Iterable[str | None] = ()) -> None:
        super().__init__(message)
        self.holders = list(holders)


def _ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


def refusal(shards: str, holders: Iterable[ShardLease | None], now: datetime) -> str:
    named = []
    for row in holders:
        if row is None:
            named.append("another process (it has not named itself yet)")
        else:
            who = describe_shards([row.shard_id], row.shard_count)
            named.append(
                f"{who} by {row.holder} (started {row.started_at:%Y-%m-%d %H:%M:%S} UTC, "
                f"last heartbeat {_ago(row.heartbeat_at, now)})"
            )
    return (
        f"cannot run {shards}: already run by a live process — {'; '.join(named)}. Two processes must not run "
        "the same shard: give this one other SHARD_IDS, or stop that process first"
    )


class ShardLeases:
    """The leases of this process (`hold`), its LISTENs (`listen`), until `close`."""

    def __init__(
        self,
        db: Database,
        *,
        on_lost: Callable[[str], None] = lambda reason: None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        wall: Clock | None = None,
    ) -> None:
        self._db = db
        self._on_lost = on_lost
        self._heartbeat = heartbeat_seconds
        self._wall = wall or SystemClock()
        self.holder = process_name()
        self.postgresql = is_postgresql(db.engine)
        self._shards: list[tuple[int, int]] = []  # (count, id)
        self._listeners: dict[str, Listener] = {}
        self._after_reconnect: list[Callable[[], Awaitable[None]]] = []
        self._connection: Any = None  # asyncpg.Connection (PostgreSQL)
        self._lock_file: Any = None  # the open lock file (SQLite)
        self._lost = asyncio.Event()
        self._beating: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    # --- taking the shards ------------------------------------------------------------------

    async def hold(self, shard_count: int, shard_ids: Iterable[int]) -> None:
        """Take a lease on each shard, or raise `ShardsTaken` naming the live process that has one."""
        self._shards = sorted((shard_count, shard_id) for shard_id in shard_ids)
        if self.postgresql:
            self._connection = await self._lock_all()
            await self._write_rows(started=True)
            self._beating = asyncio.create_task(self._beat_forever(), name="shard-leases-heartbeat")
        else:
            self._lock_sqlite_file()

    async def _lock_all(self) -> Any:
        connection = await own_connection(self._db.engine, **KEEPALIVES)
        try:
            taken = [
                shard
                for shard in self._shards
                if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", shard_key(*shard))
            ]
            if taken:
                raise await self._refusal(taken)
        except BaseException:
            await connection.close()  # releases whatever was locked
            raise
        connection.add_termination_listener(lambda _connection: self._lost.set())
        for channel, listener in self._listeners.items():
            await connection.add_listener(channel, self._dispatcher(listener))
        return connection

    async def _refusal(self, taken: list[tuple[int, int]]) -> ShardsTaken:
        async with self._db.session() as session:
            rows = {(r.shard_count, r.shard_id): r for r in (await session.scalars(select(ShardLease))).all()}
        holders = [rows.get(shard) for shard in taken]
        shards = describe_shards([s for _, s in self._shards], self._shards[0][0])
        return ShardsTaken(refusal(shards, holders, self._now()), [row.holder if row else None for row in holders])

    async def _write_rows(self, *, started: bool) -> None:
        now = self._now()
        async with self._db.session() as session:
            if started:
                rows = [
                    {"shard_count": c, "shard_id": s, "holder": self.holder, "started_at": now, "heartbeat_at": now}
                    for c, s in self._shards
                ]
                insert = pg_insert(ShardLease).values(rows)
                await session.execute(
                    insert.on_conflict_do_update(
                        index_elements=["shard_count", "shard_id"],
                        set_={"holder": insert.excluded.holder, "started_at": now, "heartbeat_at": now},
                    )
                )
            else:
                for count, shard in self._shards:
                    await session.execute(
                        update(ShardLease)
                        .where(
                            ShardLease.shard_count == count,
                            ShardLease.shard_id == shard,
                            ShardLease.holder == self.holder,
                        )
                        .values(heartbeat_at=now)
                    )

    def _lock_sqlite_file(self) -> None:
        path = _sqlite_lock_path(self._db.url)
        if path is None:
            return
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock (SQLite is for one process, as the README says)
            return
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ShardsTaken(
                f"the SQLite database {path.with_suffix('')} is already used by a running Binôme ({holder}). "
                "SQLite serves one process only: stop that one first, or share a PostgreSQL database between "
                'processes (README, "Running several processes")'
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{self.holder}, started {self._now():%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        self._lock_file = handle

    # --- listening ------------------------------------------------------------------------------

    async def listen(self, channel: str, listener: Listener, *, reread: Callable[[], Awaitable[None]]) -> None:
        """Call `listener(payload)` on each NOTIFY `channel` from any process (PostgreSQL; nothing on
        SQLite). After the connection was lost and taken again, `reread()` catches up on what was missed."""
        self._listeners[channel] = listener
        self._after_reconnect.append(reread)
        if self._connection is not None:
            await self._connection.add_listener(channel, self._dispatcher(listener))

    def _dispatcher(self, listener: Listener) -> Callable[..., None]:
        def dispatch(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
            task = asyncio.get_running_loop().create_task(self._run_listener(listener, payload))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

        return dispatch

    @staticmethod
    async def _run_listener(listener: Listener, payload: str) -> None:
        try:
            await listener(payload)
        except Exception:
            log.exception("a notification listener failed on %r", payload)

    # --- staying alive ----------------------------------------------------------------------

    async def _beat_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._heartbeat):
                    await self._lost.wait()
            try:
                if self._lost.is_set():
                    raise ConnectionError("the connection holding the shard leases was closed")
                await self._connection.fetchval("SELECT 1")
                await self._write_rows(started=False)
            except Exception as exc:
                log.warning("lost the connection holding %s (%s); taking the leases again", self._describe(), exc)
                if not await self._recover():
                    return

    async def _recover(self) -> bool:
        with contextlib.suppress(Exception):
            self._connection.terminate()
        for attempt in range(1, RECONNECT_ATTEMPTS + 1):
            self._lost.clear()
            connection = None
            try:
                connection = self._connection = await self._lock_all()
                await self._write_rows(started=True)
            except ShardsTaken as exc:
                if exc.holders and all(holder == self.holder for holder in exc.holders):
                    # Still held by this process's dropped connection: the server has not ended it yet.
                    log.info("the dropped connection still holds the shard leases; waiting for the server")
                    await asyncio.sleep(min(self._heartbeat, 1.0))
                    continue
                self._on_lost(f"another process took over while the database connection was down: {exc}")
                return False
            except Exception as exc:
                if connection is not None:
                    connection.terminate()  # (its locks with it: the next attempt takes them on a new one)
                log.warning("taking the shard leases again failed (attempt %d): %s", attempt, exc)
                await asyncio.sleep(self._heartbeat)
                continue
            log.info("holding %s again; re-reading what other processes announced meanwhile", self._describe())
            for reread in self._after_reconnect:
                try:
                    await reread()
                except Exception:
                    log.exception("re-reading after the reconnection failed")
            return True
        self._on_lost(f"no connection to PostgreSQL for {RECONNECT_ATTEMPTS} attempts: the shard leases are gone")
        return False

    def _describe(self) -> str:
        return describe_shards([s for _, s in self._shards], self._shards[0][0]) if self._shards else "no shard"

    def _now(self) -> datetime:
        return self._wall.now().astimezone(UTC)

    async def close(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
            self._beating = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), 5)  # the server releases the locks
            self._connection = None
        if self._lock_file is not None:
            self._lock_file.close()  # releases the file lock
            self._lock_file = None


def _sqlite_lock_path(url: str) -> Path | None:
    if ":///" not in url:
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path + ".lock")
