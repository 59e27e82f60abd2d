"""Typed settings, read once from the environment (and a `.env` file beside the project).

Secrets live only here and never reach a log: `Secret.__repr__` hides the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

from bot.domain.shards import ShardConfigError, describe_shards, parse_shard_count, parse_shard_ids

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("fr", "en")
DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot token, interactions excluded
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'binome.db'}"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says how to fix it."""


class Secret(str):
    """A string that does not show itself in reprs, tracebacks or logs."""

    def __repr__(self) -> str:
        return "Secret('********')" if self else "Secret('')"

    def reveal(self) -> str:
        return str.__str__(self)


def normalise_database_url(url: str) -> str:
    """Accept the usual URL spellings and pick the async driver SQLAlchemy needs."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def _optional_int(name: str, raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number (a Discord id), got {raw!r}") from exc


def _positive_float(name: str, raw: str | None, default: float) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def _rate(name: str, raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number of requests per second, got {raw!r}") from exc
    if value < 0:
        raise SettingsError(f"{name} must be 0 (no pacing) or more, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: Secret = field(default_factory=lambda: Secret(""))
    database_url: str = DEFAULT_DATABASE_URL
    dev_guild_id: int | None = None
    default_locale: str = "fr"
    log_level: str = "INFO"
    # Only for local fakes of Discord (the end-to-end tests); empty in production.
    api_base_url: str | None = None
    gateway_url: str | None = None
    # Path to a file holding an ISO-8601 instant; when set, it is the bot's clock (tests move time).
    clock_file: Path | None = None
    # How often the scheduler looks for due work (weekly messages, nudges). Tests shorten it.
    tick_seconds: float = 60.0
    # How long a run holds what it claimed (a week's message, a kickoff...) without renewing it: after
    # a crash, another run takes the work over once this has passed. Tests shorten it.
    claim_lease_seconds: float = 120.0
    # Sharding across processes (`SHARD_COUNT`, `SHARD_IDS`): None = one process running every shard of
    # the count Discord recommends. With SHARD_COUNT alone this process runs all of that many shards.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def on_postgresql(self) -> bool:
        return self.database_url.startswith("postgresql")

    # Requests per second this process sends to Discord's API (interactions excluded), paced before
    # sending (`bot.client.pacing`). Discord's global limit is 50 per bot token: processes sharing a
    # token split it — by default in proportion to the shards each runs. 0: no pacing (discord.py
    # only reacts to 429s).
    global_rate: int = DISCORD_GLOBAL_LIMIT

    @classmethod
    def from_env(cls, env_file: Path | None = PROJECT_ROOT / ".env") -> Settings:
        if env_file is not None and env_file.exists():
            load_dotenv(env_file, override=False)
        env = os.environ
        locale = env.get("DEFAULT_LOCALE", "fr").strip().lower() or "fr"
        if locale not in SUPPORTED_LOCALES:
            choices = ", ".join(SUPPORTED_LOCALES)
            raise SettingsError(f"DEFAULT_LOCALE must be one of {choices}, got {locale!r}")
        clock_file = env.get("BINOME_CLOCK_FILE", "").strip()
        database_url = normalise_database_url(env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL)
        shard_count, shard_ids = _shards(env.get("SHARD_COUNT", ""), env.get("SHARD_IDS", ""), database_url)
        return cls(
            discord_token=Secret(env.get("DISCORD_TOKEN", "").strip()),
            database_url=database_url,
            dev_guild_id=_optional_int("DEV_GUILD_ID", env.get("DEV_GUILD_ID")),
            default_locale=locale,
            log_level=(env.get("LOG_LEVEL", "INFO").strip() or "INFO").upper(),
            api_base_url=env.get("DISCORD_API_BASE_URL", "").strip() or None,
            gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip() or None,
            clock_file=Path(clock_file) if clock_file else None,
            tick_seconds=_positive_float("BINOME_TICK_SECONDS", env.get("BINOME_TICK_SECONDS"), 60.0),
            claim_lease_seconds=_positive_float(
                "BINOME_CLAIM_LEASE_SECONDS", env.get("BINOME_CLAIM_LEASE_SECONDS"), 120.0
            ),
            shard_count=shard_count,
            shard_ids=shard_ids,
            global_rate=_rate(
                "DISCORD_GLOBAL_RATE", env.get("DISCORD_GLOBAL_RATE"), _share_of_global(shard_count, shard_ids)
            ),
        )


def _share_of_global(shard_count: int | None, shard_ids: tuple[int, ...] | None) -> int:
    """This process's share of the bot token's 50 requests/s: all of it, or in proportion to its shards
    when several processes run the bot (16 for one shard of 3)."""
    if shard_count is None or shard_ids is None:
        return DISCORD_GLOBAL_LIMIT
    return max(1, DISCORD_GLOBAL_LIMIT * len(shard_ids) // shard_count)


def _shards(raw_count: str, raw_ids: str, database_url: str) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT and SHARD_IDS, checked together (and against the database: several processes need
    PostgreSQL, the one database they can all share)."""
    raw_count, raw_ids = raw_count.strip(), raw_ids.strip()
    if not raw_count and not raw_ids:
        return None, None
    if not raw_count:
        raise SettingsError(f"SHARD_IDS={raw_ids} needs SHARD_COUNT (the total number of shards, in every process)")
    try:
        count = parse_shard_count(raw_count)
        ids = parse_shard_ids(raw_ids, count) if raw_ids else None
    except ShardConfigError as exc:
        raise SettingsError(str(exc)) from exc
    if not database_url.startswith("postgresql"):
        shards = describe_shards(ids if ids is not None else range(count), count)
        raise SettingsError(
            f"SHARD_COUNT/SHARD_IDS ({shards}) split the bot across several processes, which must share one "
            "PostgreSQL database, but DATABASE_URL is SQLite (one process only). Set DATABASE_URL to "
            'postgresql://... (README, "Running several processes"), or remove SHARD_COUNT and SHARD_IDS.'
        )
    return count, ids
