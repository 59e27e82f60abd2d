"""Applying Alembic migrations from code: `python -m bot db upgrade`, `make run`, and the tests."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where migrations are applied, not by the running bot: with Mako and Pygments it
# is about 10 MB of a process that only needs to know the newest revision (see `current_and_head`).

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolates "%"; URL-encoded passwords contain it.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _ensure_sqlite_directory(url: str) -> None:
    if url.startswith("sqlite") and ":///" in url:
        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (blocking; call outside an event loop)."""
    from alembic import command

    _ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Same, on an engine an event loop already owns (tests, benchmarks)."""
    _ensure_sqlite_directory(str(engine.url))

    from alembic import command

    def run(connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def current_and_head(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """The database's migration revision and the newest one the code knows (read as Alembic does:
    the `alembic_version` table, and the revision no other migration revises)."""
    async with engine.connect() as connection:
        try:
            revision = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        except DBAPIError:  # no such table: never migrated
            revision = None
    return revision, head_revision()


def head_revision() -> str | None:
    """The newest revision of `migrations/versions` (one head: the chain is linear)."""
    revises: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        names = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                        names[target.id] = ast.literal_eval(node.value)
        if "revision" in names:
            revises[names["revision"]] = names.get("down_revision")
    heads = set(revises) - set(revises.values())
    return min(heads) if heads else None
