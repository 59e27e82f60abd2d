"""The real bot for the benchmarks: `tests.e2e.bot_process.BotProcess`, optionally under cProfile.

`BINOME_BENCH_PROFILE=/tmp/bot.prof python -m benchmarks.bench_...` writes the bot process's
profile there when it stops (read it with `python -m pstats /tmp/bot.prof`).
"""

from __future__ import annotations

import asyncio
import os
import sys

from bot.settings import PROJECT_ROOT
from tests.e2e.bot_process import READY_LINE, BotProcess


class BenchBot(BotProcess):
    async def start(self, *, wait_ready: bool = True, timeout: float = 30) -> None:
        profile = os.environ.get("BINOME_BENCH_PROFILE")
        if not profile:
            await super().start(wait_ready=wait_ready, timeout=timeout)
            return
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "cProfile", "-o", profile, "-m", "bot", cwd=PROJECT_ROOT, env=self.env,
                stdout=log, stderr=log,
            )  # fmt: skip
        if wait_ready:
            await self.wait_for_log(READY_LINE, timeout=timeout)

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid
