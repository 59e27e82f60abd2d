"""CPU-heavy work off the event loop: a small process pool, created on first use and kept.

Pure-Python CPU work (the matching round's blossom) holds the GIL, so a thread would still starve the
event loop; a separate process does not. The pool uses the "forkserver" start method where it exists
("spawn" elsewhere): forking the bot's own process would copy its event loop and open sockets into the
child. Jobs are plain functions taking and returning plain data (no ORM objects), so they pickle.
One worker is enough on a small machine and keeps the event loop's core free; the first job pays the
start-up (about a second: a fresh interpreter importing numpy and the engine).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class CpuWorker:
    """``await worker.run(fn, *args)`` runs ``fn(*args)`` in the worker process."""

    def __init__(self, max_workers: int = 1) -> None:
        self._max_workers = max_workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self._max_workers, mp_context=_context())
        return self._pool

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor(), fn, *args)

    async def shutdown(self) -> None:
        """Stop the pool (waiting for a job in progress), without blocking the event loop."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
            log.info("CPU worker stopped")


class InlineWorker(CpuWorker):
    """Runs jobs in a thread of this process: for tests and tools that do not want a process pool
    (the event loop still answers between the job's GIL switches, but less promptly)."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    async def shutdown(self) -> None:
        return None
