"""Mutual exclusion by key (a pair, a guild's channel creation, the command sync), across processes.

    async with bot.locks.hold("pair", pair.id):
        ...                                         # no other holder of ("pair", pair.id) anywhere

An asyncio lock per key comes first (waiting in this process costs no database connection); then, on
PostgreSQL, a transaction-level advisory lock (`pg_advisory_xact_lock`) on a connection held for the
block, so that a holder in another process sharing the database waits too. The transaction ends with
the block (or with the connection, if the process dies), and the lock with it: it can never be left
behind. On SQLite (one process) the asyncio lock is all there is.

Each holder keeps one connection open for the block and may open others inside it; blocks are short
(a Discord call or two) and keyed per pair or guild, so a process holds few at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.postgres import advisory_key, is_postgresql


class Locks:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._local: dict[tuple[str, int], asyncio.Lock] = {}
        self._waiting: dict[tuple[str, int], int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, kind: str, key: int) -> AsyncIterator[None]:
        name = (kind, key)
        local = self._local.setdefault(name, asyncio.Lock())
        self._waiting[name] = self._waiting.get(name, 0) + 1
        try:
            async with local:
                if not is_postgresql(self._db.engine):
                    yield
                    return
                async with self._db.engine.connect() as connection, connection.begin():
                    await connection.execute(select(func.pg_advisory_xact_lock(advisory_key(kind, key))))
                    yield
        finally:
            self._waiting[name] -= 1
            if not self._waiting[name]:  # nobody holds or waits: forget the key
                del self._waiting[name]
                self._local.pop(name, None)

    def held_keys(self) -> int:
        """Keys held or waited for in this process (tests check that none is left behind)."""
        return len(self._local)
