"""The database handle: one async engine and a session factory, owned by `python -m bot`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    # SQLite ignores ON DELETE CASCADE unless asked per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class RawJSON(str):
    """A JSON document already serialized (e.g. by the CPU worker): a JSON column stores it as is,
    so a large value is not serialized again on the event loop."""


def _json_serializer(value: Any) -> str:
    return str(value) if isinstance(value, RawJSON) else json.dumps(value)


def create_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_pre_ping=not url.startswith("sqlite"), json_serializer=_json_serializer)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
    return engine


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self, *, lock: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends normally, rolled back otherwise.

        `lock=True` for a read-then-write decision (a compare-and-set) whose reads must not be raced:
        PostgreSQL does it with the `SELECT … FOR UPDATE` row locks the block takes; SQLite has no row
        locks (it ignores FOR UPDATE, and its driver only opens a transaction at the first write), so
        the block takes the database's write lock from its first statement (BEGIN IMMEDIATE).
        """
        async with self._sessions() as session, session.begin():
            if lock and self.engine.dialect.name == "sqlite":
                await session.execute(text("BEGIN IMMEDIATE"))
            yield session

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
