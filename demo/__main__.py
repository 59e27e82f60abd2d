"""`python -m demo [--seed N] [--out DIR]` (`make demo`): a whole mentoring cycle played by a scripted
community against the real bot on a local Discord, written as a static HTML page.

Everything runs in a fresh temporary directory (the bot's SQLite database, its clock file, its log) and
on free ports, so two demos can run at once; Ctrl-C stops the bot and removes the directory. A failure
of the bot still writes the page (with the error) and exits 1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from demo.community import WEB_SIDE, community
from demo.render import write
from demo.run import Outcome, close, play
from demo.transcript import capture

DEFAULT_OUT = Path("demo-output")


def summary(outcome: Outcome, seed: int) -> str:
    """One paragraph: pairs made, sessions, who led them (the web side or the business side)."""
    story = outcome.story
    if story is None or not story.members:
        return "The demo stopped before the community arrived."
    side = {story.members[p.handle].id: p.side for p in community(seed) if p.handle in story.members}
    with contextlib.closing(sqlite3.connect(outcome.database_url.removeprefix("sqlite:///"))) as db:
        pairs = db.execute("SELECT status, COUNT(*) FROM pairs GROUP BY status").fetchall()
        led = [row[0] for row in db.execute("SELECT led_by FROM pair_sessions WHERE held")]
        charters = db.execute("SELECT COUNT(*) FROM charters WHERE signed_a_at IS NOT NULL AND signed_b_at IS NOT NULL")
        signed = charters.fetchone()[0]
    made = sum(count for _, count in pairs)
    ended = dict(pairs).get("ended", 0)
    web = sum(1 for user in led if side.get(user) == WEB_SIDE)
    business = len(led) - web
    share = f"{round(100 * web / len(led))} %" if led else "—"
    paired = {m.id for duo in story.duos for m in (duo.first, duo.second)}
    alone = [p.name for p in story.people if story.members.get(p.handle) and story.members[p.handle].id not in paired]
    return (
        f"{len(story.members)} members joined; the round made {made} pairs"
        f"{' (' + ', '.join(alone) + ' left unmatched: no reciprocal partner)' if alone else ''}. "
        f"Over {max(map(len, story.weeks.values()), default=0)} weeks the pairs logged {len(led)} "
        f"sessions held: {web} led by the web/digital side and {business} by the business side ({share} web), "
        f"the roles alternating every week. {signed} charters were signed and pinned, {ended} pair ended "
        f"with private ratings, and one silent pair was nudged and reported to the moderators."
    )


async def run(seed: int, out: Path) -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="binome-demo-"))
    outcome: Outcome | None = None
    try:
        outcome = await play(seed, workdir)
        transcript = {"seed": seed, "server": "", "people": {}, "roles": {}, "channel_names": {}, "channels": []}
        if outcome.stage is not None:
            moderators = outcome.story.moderators_channel if outcome.story else None
            transcript = {
                "seed": seed,
                **capture(outcome.stage, moderators_channel=moderators, files_dir=out / "assets" / "files"),
            }
        transcript["error"] = outcome.error
        transcript["bot_log_tail"] = outcome.bot_log[-20000:] if outcome.error else ""
        try:
            transcript["summary"] = summary(outcome, seed)
        except sqlite3.Error as exc:
            transcript["summary"] = f"(no figures: {exc})"
        page = write(transcript, out)
        print(f"The demo's page: {page.resolve()}")
        print(transcript["summary"])
        print(f"({time.monotonic() - started:.0f} s)")
        if outcome.error:
            print(
                f"\nThe bot or the story failed; the page shows what happened until then:\n{outcome.error}",
                file=sys.stderr,
            )
            return 1
        return 0
    finally:
        if outcome is not None:
            await close(outcome)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="who arrives when, and so who is paired with whom")
    parser.add_argument("--out", type=Path, default=None, help="where to write index.html (default demo-output/seed-N)")
    args = parser.parse_args(argv)
    out = args.out or DEFAULT_OUT / f"seed-{args.seed}"

    async def guarded() -> int:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await run(args.seed, out)

    try:
        return asyncio.run(guarded())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\nDemo interrupted: the bot is stopped and its temporary files are removed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
