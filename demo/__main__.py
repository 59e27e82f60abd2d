"""`python -m demo [--seed N] [--out DIR]` (`make demo`): a whole mentoring cycle played by a scripted
community against the real bot on a local Discord, written as a static HTML page.

Everything runs in a fresh temporary directory (the bot's SQLite database, its clock file, its log) and
on free ports, so two demos can run at once; Ctrl-C stops the bot and removes the directory. A failure
of the bot still writes the page (with the error) and exits 1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from demo.community import WEB_SIDE, community
from demo.render import write
from demo.run import Outcome, demo_world, play
from demo.transcript import capture

DEFAULT_OUT = Path("demo-output")


def summary(outcome: Outcome, seed: int, transcript: dict) -> str:
    """One paragraph: pairs made, sessions, who led them (the web side or the business side)."""
    story = outcome.story
    if not story.members:
        return "The demo stopped before the community arrived."
    side = {story.members[p.handle].id: p.side for p in community(seed) if p.handle in story.members}
    with contextlib.closing(sqlite3.connect(outcome.database_url.removeprefix("sqlite:///"))) as db:
        pairs = dict(db.execute("SELECT status, COUNT(*) FROM pairs GROUP BY status").fetchall())
        led = [row[0] for row in db.execute("SELECT led_by FROM pair_sessions WHERE held")]
        charters = db.execute("SELECT COUNT(*) FROM charters WHERE signed_a_at IS NOT NULL AND signed_b_at IS NOT NULL")
        signed = charters.fetchone()[0]
    web = sum(1 for user in led if side.get(user) == WEB_SIDE)
    share = f"{round(100 * web / len(led))} %" if led else "—"
    paired = {m.id for duo in story.duos for m in (duo.first, duo.second)}
    alone = [p.name for p in story.people if p.handle in story.members and story.members[p.handle].id not in paired]
    posted: dict[str, list[dict]] = {"pair": [], "moderators": []}
    for channel in transcript["channels"]:
        posted.setdefault(channel["kind"], []).extend(e for e in channel["entries"] if e["type"] == "message")
    nudges = sum(m["content"].startswith("👋") and not m["components"] for m in posted["pair"])  # (not kickoffs)
    reports = sum(m["content"].startswith("⚠️") for m in posted["moderators"])
    weeks = max(map(len, story.weeks.values()), default=0)
    return (
        f"{len(story.members)} members joined; the round made {sum(pairs.values())} pairs"
        f"{' (' + ', '.join(alone) + ' left unmatched: no reciprocal partner)' if alone else ''}. "
        f"Over {weeks} weeks the pairs logged {len(led)} sessions held: {web} led by the web/digital side and "
        f"{len(led) - web} by the business side ({share} web). {signed} charters were signed and pinned, "
        f"{pairs.get('ended', 0)} pair ended with private ratings, {nudges} nudges went to quiet pairs and "
        f"{reports} report to the moderators."
    )


async def run(seed: int, out: Path) -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="binome-demo-"))
    staging = out.with_name(f".{out.name}.{os.getpid()}.partial")  # the page appears whole, or not at all
    print(f"Playing a whole mentoring cycle (seed {seed}); the bot runs in {workdir}", flush=True)
    try:
        async with demo_world(seed, workdir) as outcome:
            await play(outcome)
            stage, story = outcome.stage, outcome.story
            transcript = {
                "seed": seed,
                **capture(stage, moderators_channel=story.moderators_channel, files_dir=staging / "assets" / "files"),
                "error": outcome.error,
                "bot_log_tail": outcome.bot.log()[-20000:] if outcome.error else "",
            }
        try:
            transcript["summary"] = summary(outcome, seed, transcript)
        except sqlite3.Error as exc:
            transcript["summary"] = f"(no figures: {exc})"
        write(transcript, staging)
        publish(staging, out)
        page = out / "index.html"
        print(f"The demo's page: {page.resolve()}")
        print(transcript["summary"])
        print(f"({time.monotonic() - started:.0f} s)")
        if outcome.error:
            print(f"\nThe bot or the story failed; the page shows what happened:\n{outcome.error}", file=sys.stderr)
            return 1
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path) -> None:
    """Put the new page in place of the old one (two demos writing the same folder: the last one wins)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    with contextlib.suppress(FileNotFoundError):
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="who arrives when, and so who is paired with whom")
    parser.add_argument("--out", type=Path, default=None, help="where to write index.html (default demo-output/seed-N)")
    args = parser.parse_args(argv)
    out = args.out or DEFAULT_OUT / f"seed-{args.seed}"

    async def guarded() -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        # Ctrl-C (even when started with SIGINT ignored, as background jobs are) and `kill`: stop cleanly.
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, task.cancel)
        return await run(args.seed, out)

    try:
        return asyncio.run(guarded())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\nDemo interrupted: the bot is stopped and its temporary files are removed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
