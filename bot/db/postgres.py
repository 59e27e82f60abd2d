"""PostgreSQL's own tools for processes sharing one database: advisory lock keys, NOTIFY, and a
connection of a process's own (outside the pool) for what lives as long as the process does.
On SQLite (one process) each of these has an in-process counterpart, chosen by the caller."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession


def is_postgresql(bind: AsyncEngine | AsyncConnection | AsyncSession) -> bool:
    engine = bind.bind if isinstance(bind, AsyncSession) else bind
    return engine.dialect.name == "postgresql"


def advisory_key(kind: str, value: int | str = 0) -> int:
    """A signed 64-bit key for `pg_advisory_lock(bigint)`, from what is locked (`"pair"`, 42). Hashed, so
    that guild ids (64-bit snowflakes) fit; the binome: prefix keeps clear of other applications' keys."""
    digest = hashlib.blake2b(f"binome:{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def notify(session: AsyncSession, channel: str, payload: str) -> None:
    """NOTIFY `channel` (delivered to every listening process when the transaction commits); nothing on
    SQLite, where the one process already knows."""
    if is_postgresql(session):
        await session.execute(select(func.pg_notify(channel, payload)))


async def own_connection(engine: AsyncEngine, **server_settings: str) -> Any:
    """A raw asyncpg connection with the engine's connection arguments, outside the pool (a LISTEN or a
    session-level advisory lock must stay on one connection for as long as it lasts)."""
    import asyncpg

    args, kwargs = engine.dialect.create_connect_args(engine.url)
    for option in ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback"):
        kwargs.pop(option, None)
    if server_settings:
        kwargs["server_settings"] = {**kwargs.get("server_settings", {}), **server_settings}
    return await asyncpg.connect(*args, **kwargs)
