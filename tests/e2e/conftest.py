"""End-to-end fixtures: the local fake Discord, a database, and the real bot process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db.engine import Database
from fake_discord import FakeDiscord
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """The local Discord, as strict as Discord: the test fails if the bot sent a body Discord refuses
    (its OpenAPI schema or limits), or if the fake answered something Discord's spec does not allow."""
    async with FakeDiscord(expect_valid_requests=True) as server:
        server.rules.validate_responses = True
        yield server


@pytest.fixture
async def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """SQLite by default; a test may ask for both with `parametrize("database_url", [...], indirect=True)`."""
    return await fresh_database_url(getattr(request, "param", "sqlite"), tmp_path)


@pytest.fixture
async def bot(fake: FakeDiscord, database_url: str, tmp_path) -> AsyncIterator[BotProcess]:
    """The bot process, migrated but not started: each test decides when (after building its guild)."""
    process = BotProcess.for_fake(fake, database_url, tmp_path)
    await process.migrate()
    try:
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The bot's database, opened by the test to check what was stored."""
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.close()
