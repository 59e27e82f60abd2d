"""The real bot for the benchmarks: `tests.e2e.bot_process.BotProcess`, optionally instrumented.

- `BINOME_BENCH_PROFILE=/tmp/bot.prof`: the bot runs under cProfile and writes its profile there when it
  stops (read it with `python -m pstats /tmp/bot.prof`).
- `BINOME_BENCH_INSPECT=/tmp/bot-memory.txt`: the bot runs with `benchmarks.inspect_bot`'s memory probe;
  `await bot.inspect("label")` appends a report (RSS, live objects by type, and with
  `BINOME_BENCH_TRACEMALLOC=1` the allocations by line).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.e2e.bot_process import READY_LINE, BotProcess


class BenchBot(BotProcess):
    async def start(self, *, wait_ready: bool = True, timeout: float = 30) -> None:
        profile, inspect = os.environ.get("BINOME_BENCH_PROFILE"), os.environ.get("BINOME_BENCH_INSPECT")
        if not profile and not inspect:
            await super().start(wait_ready=wait_ready, timeout=timeout)
            return
        module = ["-m", "cProfile", "-o", profile, "-m", "bot"] if profile else ["-m", "benchmarks.inspect_bot"]
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *module, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
            )
        if wait_ready:
            await self.wait_for_log(READY_LINE, timeout=timeout)

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    async def inspect(self, label: str, timeout: float = 120) -> None:
        """Append the bot's memory report, under `label`, to `BINOME_BENCH_INSPECT` (when set)."""
        target = os.environ.get("BINOME_BENCH_INSPECT")
        if not target:
            return
        path = Path(target)
        size = _append(path, f"==== {label}\n")
        os.kill(self.pid, signal.SIGUSR1)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while _size(path) == size and loop.time() < deadline:  # noqa: ASYNC110 (another process writes it)
            await asyncio.sleep(0.2)


def _append(path: Path, text: str) -> int:
    with path.open("a") as out:
        out.write(text)
    return _size(path)


def _size(path: Path) -> int:
    return path.stat().st_size
