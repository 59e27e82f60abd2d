"""`python -m bot` starts Binôme; `python -m bot db upgrade` applies the database migrations."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys

import discord
import yarl
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, FileClock, SystemClock
from bot.db.engine import Database
from bot.db.migrate import current_and_head, upgrade
from bot.log import setup_logging
from bot.settings import Settings, SettingsError

log = logging.getLogger("bot")

NO_TOKEN_HELP = """\
Binôme needs a Discord bot token to start.

  1. Create an application at https://discord.com/developers/applications, open "Bot",
     enable the privileged "Server Members Intent", and copy the token ("Reset Token").
  2. Copy config.example.env to .env and set DISCORD_TOKEN=<your token>
     (or export DISCORD_TOKEN in your shell).
  3. Run `make run` again.

The README ("Creating the Discord application") explains the invite link and permissions.

No Discord application yet? `make demo` shows Binôme at work on a local Discord, without any
account or token: a scripted community through a whole mentoring cycle, written as an HTML page.
"""

EXIT_CONFIG = 2
EXIT_DISCORD_REFUSED = 3
EXIT_SHARDS_TAKEN = 4  # another live process runs these shards (or uses this SQLite file)
EXIT_NO_DATABASE = 5
EXIT_SHARDS_LOST = 6  # the shard leases were lost while running (PostgreSQL gone, or another process took them)


def _redirect_discord(settings: Settings) -> None:
    """Point discord.py at a local fake Discord (end-to-end tests only)."""
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def _few_malloc_arenas() -> None:
    """At most two glibc malloc arenas, as `MALLOC_ARENA_MAX=2` would (unless the environment says).

    glibc gives threads that allocate their own arenas (up to 8 per core), and what is freed there
    seldom goes back to the system: the database driver's threads left ~22 MB resident after a
    weekly run of 5,000 messages (bench_memory: 145 → 123 MB). Must run before those threads start."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to tune
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)


def _clock(settings: Settings) -> Clock:
    return FileClock(settings.clock_file) if settings.clock_file else SystemClock()


def _database_unreachable(settings: Settings, exc: BaseException) -> str:
    url = make_url(settings.database_url)
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}" if settings.on_postgresql else url.database
    kind = "PostgreSQL server" if settings.on_postgresql else "SQLite database"
    fix = (
        "Start PostgreSQL (or fix DATABASE_URL), create the database (createdb), then `python -m bot db upgrade`."
        if settings.on_postgresql
        else "Check that its folder exists and is writable."
    )
    return f"cannot reach the {kind} at {where} (DATABASE_URL): {exc.__class__.__name__}: {exc}. {fix}"


async def _run_bot(settings: Settings) -> int:
    from bot.client.bot import Binome  # imported late: `db upgrade` must not need the cogs to import
    from bot.services.shards import ShardsTaken

    async with Database(settings.database_url) as db:
        try:
            current, head = await current_and_head(db.engine)
        except (OSError, SQLAlchemyError) as exc:
            log.error("%s", _database_unreachable(settings, exc))
            return EXIT_NO_DATABASE
        if current != head:
            log.error(
                "the database is at migration %s but the code expects %s: run `python -m bot db upgrade` "
                "(make run does it for you)",
                current,
                head,
            )
            return EXIT_CONFIG
        async with Binome(settings, db, _clock(settings)) as bot:
            # `docker stop`, systemd and the tests send SIGTERM: close the gateway and the database cleanly.
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
            try:
                await bot.start(settings.discord_token.reveal())
            except ShardsTaken as exc:
                log.error("%s", exc)
                return EXIT_SHARDS_TAKEN
            except discord.LoginFailure:
                log.error("Discord refused the token: check DISCORD_TOKEN (Developer Portal → Bot → Reset Token)")
                return EXIT_DISCORD_REFUSED
            except discord.PrivilegedIntentsRequired:
                log.error(
                    "Discord refused the Server Members intent: enable it in the Developer Portal "
                    "(your application → Bot → Privileged Gateway Intents → Server Members Intent)"
                )
                return EXIT_DISCORD_REFUSED
            if bot.shards_lost is not None:
                return EXIT_SHARDS_LOST
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Binôme, the reverse-mentoring bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot (the default)")
    db_parser = sub.add_parser("db", help="database maintenance")
    db_parser.add_argument("action", choices=["upgrade"], help="apply every pending migration")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level)

    if args.command == "db":
        try:
            upgrade(settings.database_url)
        except (OSError, SQLAlchemyError) as exc:
            log.error("%s", _database_unreachable(settings, exc))
            return EXIT_NO_DATABASE
        log.info("database is up to date")
        return 0

    if not settings.discord_token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return EXIT_CONFIG
    _redirect_discord(settings)
    _few_malloc_arenas()
    try:
        return asyncio.run(_run_bot(settings))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
