"""The bot's clockwork: APScheduler in the bot's event loop runs a short tick; each registered check
decides from the database and the injectable clock what is due (the weekly messages, nudges, cycle
check-ins) and does it idempotently.

Deriving what is due from the database, instead of persisting one job per guild, is what makes the
schedule survive restarts and catch up once after downtime: a check simply finds the run it missed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock

log = logging.getLogger(__name__)

Check = Callable[[datetime], Awaitable[None]]
DEFAULT_TICK_SECONDS = 60.0


class Scheduler:
    def __init__(self, clock: Clock, tick_seconds: float = DEFAULT_TICK_SECONDS) -> None:
        self._clock = clock
        self._tick_seconds = tick_seconds
        self._checks: dict[str, Check] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()

    def add_check(self, name: str, check: Check) -> None:
        """Register `check(now)`, run at every tick (and once at start-up, which is the catch-up)."""
        self._checks[name] = check

    def remove_check(self, name: str) -> None:
        self._checks.pop(name, None)

    def start(self) -> None:
        if self._scheduler is not None:
            return
        self._scheduler = AsyncIOScheduler()
        # max_instances=1 and coalesce: a slow tick is never run twice at once, nor replayed.
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=self._tick_seconds,
            id="binome-tick",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(),
        )
        self._scheduler.start()

    async def tick(self) -> None:
        """Run every check once. Also called directly by `remind-now` style commands and the tests."""
        async with self._lock:
            now = self._clock.now()
            for name, check in list(self._checks.items()):
                try:
                    await check(now)
                except Exception:
                    log.exception("scheduled check %s failed; it will be retried at the next tick", name)

    async def shutdown(self, grace_seconds: float = 5.0) -> None:
        """Stop ticking; let a tick in progress finish (a half-run check is retried, but a cancelled
        database commit can hang the process) for up to `grace_seconds`."""
        if self._scheduler is None:
            return
        self._scheduler.pause()
        try:
            async with asyncio.timeout(grace_seconds), self._lock:
                pass
        except TimeoutError:
            log.warning("a scheduled check was still running at shutdown; it will be resumed at the next start")
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
