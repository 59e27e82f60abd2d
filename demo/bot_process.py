"""Runs the real bot (`python -m bot`) as a subprocess, pointed at the local fake Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from fake_discord import FakeDiscord

READY_LINE = "Binôme ready"


class BotProcess:
    def __init__(
        self,
        *,
        api_base_url: str,
        gateway_url: str,
        token: str,
        database_url: str,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.log_path = workdir / "bot.log"
        self.clock_file = workdir / "clock.txt"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))},
            "DISCORD_TOKEN": token,
            "DISCORD_API_BASE_URL": api_base_url,
            "DISCORD_GATEWAY_URL": gateway_url,
            "DATABASE_URL": database_url,
            "BINOME_CLOCK_FILE": str(self.clock_file),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.process: asyncio.subprocess.Process | None = None
        self._log_offset = 0

    @classmethod
    def for_fake(cls, fake: FakeDiscord, database_url: str, workdir: Path, **extra_env: str) -> BotProcess:
        """A bot pointed at the local fake Discord."""
        return cls(
            api_base_url=fake.api_base_url,
            gateway_url=fake.gateway_url,
            token=fake.token,
            database_url=database_url,
            workdir=workdir,
            extra_env=extra_env,
        )

    async def migrate(self) -> None:
        await self._run_to_end("db", "upgrade")

    async def _run_to_end(self, *args: str) -> None:
        with self.log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *args, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
            )
            code = await process.wait()
        assert code == 0, f"python -m bot {' '.join(args)} exited {code}:\n{self.log()}"

    async def start(self, *, wait_ready: bool = True, timeout: float = 30) -> None:
        """Start the bot; by default wait until it logs that it is ready (after on_ready)."""
        assert self.process is None or self.process.returncode is not None, "already running"
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
        )
        log.close()
        if wait_ready:
            await self.wait_for_log(READY_LINE, timeout=timeout)

    def log(self, since_start: bool = False) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_bytes()
        return text[self._log_offset if since_start else 0 :].decode(errors="replace")

    async def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while needle not in self.log(since_start=True):
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"the bot exited ({self.process.returncode}) before {needle!r}:\n{self.log()}")
            if loop.time() > deadline:
                raise AssertionError(f"no {needle!r} in the bot's log after {timeout} s:\n{self.log()}")
            await asyncio.sleep(0.05)

    async def stop(self, timeout: float = 10) -> int | None:
        """Graceful stop (SIGTERM), then kill if it hangs."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    async def kill(self) -> None:
        """A crash: SIGKILL, no cleanup."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def set_time(self, iso_instant: str) -> None:
        """Move the bot's clock. Written aside then renamed: the bot never reads a half-written (empty)
        file, which its `FileClock` would take for "no file" and answer with the real time."""
        partial = self.clock_file.with_name(self.clock_file.name + ".partial")
        partial.write_text(iso_instant)
        os.replace(partial, self.clock_file)
