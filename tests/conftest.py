"""Shared fixtures: a migrated database on SQLite and (when a server is given) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FixedClock
from bot.db.engine import Database
from bot.db.migrate import upgrade_engine
from bot.settings import normalise_database_url

POSTGRES_URL_ENV = "BINOME_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url and os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_URL_ENV} is not set: CI must test PostgreSQL (.ci/run starts a server)")
    return normalise_database_url(url) if url else None


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def fresh_database_url(backend: str, tmp_path) -> str:
    """An empty database of the given backend (skips when no PostgreSQL server is configured)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'binome-test.db'}"
    url = postgres_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_URL_ENV} (as .ci/run does)")
    await reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def database(backend: str, tmp_path) -> AsyncIterator[Database]:
    db = Database(await fresh_database_url(backend, tmp_path))
    await upgrade_engine(db.engine)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
