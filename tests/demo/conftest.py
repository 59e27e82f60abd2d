"""The demo, run once for the whole session as `make demo` runs it (`python -m demo`), its page and data kept."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT

SEED = 3


@dataclass
class DemoRun:
    returncode: int
    stdout: str
    stderr: str
    out: Path

    @property
    def page(self) -> Path:
        return self.out / "index.html"

    @property
    def transcript(self) -> dict[str, Any]:
        return json.loads((self.out / "transcript.json").read_text(encoding="utf-8"))


def run_demo(out: Path, seed: int = SEED, timeout: float = 240) -> DemoRun:
    done = subprocess.run(
        [sys.executable, "-m", "demo", "--seed", str(seed), "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return DemoRun(done.returncode, done.stdout, done.stderr, out)


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> DemoRun:
    return run_demo(tmp_path_factory.mktemp("demo") / "page")
