"""`make run` without a token explains how to get one, and ends by suggesting the demo."""

from __future__ import annotations

import os
import subprocess
import sys


def test_without_a_token_the_how_to_ends_by_suggesting_make_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env["DISCORD_TOKEN"] = ""
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "needs a Discord bot token" in done.stderr
    last = done.stderr.strip().splitlines()[-2:]
    assert "`make demo`" in " ".join(last), done.stderr
