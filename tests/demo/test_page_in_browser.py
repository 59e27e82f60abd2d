"""The demo's page in a real headless browser (Chromium from Debian's packages): it loads without a
console error, shows the pair channel asked for in the address, and draws it in a screenshot."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium here (apt-get install chromium)")


def headless(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def a_pair_channel(demo) -> dict:
    return next(
        c for c in demo.transcript["channels"] if c["kind"] == "pair" and any(e.get("pinned") for e in c["entries"])
    )


@needs_browser
def test_the_page_loads_without_errors_and_shows_the_pair_channel(demo, tmp_path):
    channel = a_pair_channel(demo)
    url = f"{demo.page.resolve().as_uri()}#c{channel['id']}"
    dumped = headless(tmp_path, "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # the page logs nothing: any console line is an error or a failed load
    sections = re.findall(r'<section class="channel" id="c(\d+)"[^>]*?( hidden(?:="")?)?>', dumped.stdout)
    shown = [section for section, hidden in sections if not hidden]
    assert shown == [channel["id"]], "the script shows the channel of the address, and only it"
    assert len(sections) == len(demo.transcript["channels"])

    shot = tmp_path / "pair.png"
    taken = headless(tmp_path, "--window-size=1400,1000", f"--screenshot={shot}", url)
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
