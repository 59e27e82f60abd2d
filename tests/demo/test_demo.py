"""`make demo` end to end: the page and the data behind it (channels, kickoffs, alternating weeks, pinned
charters, private answers, attachments), and the demo's bad days (Ctrl-C, a bot that dies, two at once)."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from demo.community import PEOPLE
from tests.demo.conftest import SEED

pytestmark = pytest.mark.e2e

MENTION = re.compile(r"<@(\d+)>")


def channels(transcript, kind: str) -> list[dict]:
    return [c for c in transcript["channels"] if c["kind"] == kind]


def messages(channel) -> list[dict]:
    return [e for e in channel["entries"] if e["type"] == "message"]


def custom_ids(components) -> list[str]:
    found = []
    for component in components:
        if component.get("custom_id"):
            found.append(component["custom_id"])
        found += custom_ids(component.get("components") or [])
    return found


def bot_id(transcript) -> str:
    [bot] = [user_id for user_id, person in transcript["people"].items() if person["bot"]]
    return bot


def test_the_demo_writes_its_page_and_prints_a_summary(demo):
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert f"The demo's page: {demo.page.resolve()}" in demo.stdout
    assert demo.page.exists() and (demo.page.parent / "assets" / "style.css").exists()
    summary = demo.transcript["summary"]
    assert summary in demo.stdout
    assert "19 members joined; the round made 9 pairs (Hugo left unmatched: no reciprocal partner)" in summary
    assert re.search(r"logged \d+ sessions held: \d+ led by the web/digital side and \d+ by the business side", summary)
    assert demo.transcript["error"] is None


def test_every_channel_is_there_with_what_the_bot_said(demo):
    transcript = demo.transcript
    assert {c["name"] for c in channels(transcript, "text")} == {"général", "bienvenue"}
    [moderation] = channels(transcript, "moderators")
    pairs = channels(transcript, "pair")
    assert len(pairs) == 9 and all(c["category"] == "Binômes" for c in pairs)
    # Everyone was welcomed by DM, in French and English.
    dms = channels(transcript, "dm")
    assert {c["name"] for c in dms} == {p.name for p in PEOPLE}
    assert all("/mentorat rejoindre" in messages(c)[0]["content"] for c in dms)
    said = [m["content"] for m in messages(moderation)]
    assert any("9 binômes créés sur 9" in text for text in said), "the round's outcome"
    assert any(text.startswith("⚠️") and "aucune séance depuis 3 semaines" in text for text in said), "the report"
    assert sum("★" in text for text in said) == 4, "both ratings, then both comments"


def test_every_pair_has_its_kickoff_and_its_mentor_alternates_each_week(demo):
    transcript = demo.transcript
    bot = bot_id(transcript)
    skipped = swapped = 0
    for channel in channels(transcript, "pair"):
        pair = set(channel["members"])
        assert len(pair) == 2
        kickoff = messages(channel)[0]
        assert kickoff["author"] == bot and set(MENTION.findall(kickoff["content"])) >= pair
        assert any(i.endswith(":charter") for i in custom_ids(kickoff["components"])), channel["name"]
        weekly = [m for m in messages(channel) if m["first_content"].startswith("📅 **")]
        assert len(weekly) == 6, (channel["name"], [m["first_content"][:40] for m in weekly])
        counted = [m for m in weekly if "⏭️" not in m["content"]]  # a skipped week does not count
        skipped += len(weekly) - len(counted)
        mentors = [MENTION.findall(m["first_content"])[0] for m in counted]
        assert set(mentors) == pair and all(a != b for a, b in itertools.pairwise(mentors)), mentors
        swapped += sum(m["content"].startswith("✅") and "only" in m["content"] for m in messages(channel))
        swapped += sum(m["content"].startswith("✅ Échangé") for m in messages(channel))
    assert skipped == 1 and swapped == 1


def test_three_charters_are_signed_and_pinned(demo):
    pinned = []
    for channel in channels(demo.transcript, "pair"):
        entries = channel["entries"]
        for index, entry in enumerate(entries):
            if entry["type"] == "message" and entry["pinned"]:
                pinned.append(entry)
                assert entry["content"].startswith("📜") and set(MENTION.findall(entry["content"])) == set(
                    channel["members"]
                )
                assert any(e["type"] == "system" for e in entries[index:]), "Discord's 'pinned a message' notice"
    assert len(pinned) == 3


def test_private_answers_sit_under_what_caused_them_and_files_are_linked(demo):
    transcript = demo.transcript
    [general] = [c for c in channels(transcript, "text") if c["name"] == "général"]
    joins = [e for e in general["entries"] if e["type"] == "action" and e["label"] == "/mentoring join"]
    assert len(joins) == 19 and all(r["ephemeral"] for e in joins for r in e["replies"])
    assert all(e["replies"] for e in joins), "each join shows its private menus"
    [moderation] = channels(transcript, "moderators")
    answers = {e["label"]: e["replies"] for e in moderation["entries"] if e["type"] == "action"}
    files = {
        label: [a["filename"] for reply in replies for a in reply["attachments"]] for label, replies in answers.items()
    }
    assert files["/mentoring-admin stats"] == ["binome-stats.png"]
    assert sorted(files["/mentoring-admin export"]) == ["binomes.csv", "membres.csv", "seances.csv"]
    assert answers["/mentoring-admin pairs"] and answers["/mentoring-admin match"][0]["embeds"], "the preview"
    page = demo.page.read_text(encoding="utf-8")
    attachments = [
        a
        for c in transcript["channels"]
        for e in c["entries"]
        for m in ([e] if e["type"] != "action" else e["replies"])
        for a in m.get("attachments", [])
    ]
    assert any(a["filename"].endswith(".ics") for a in attachments)
    for attachment in attachments:
        assert (demo.out / "assets" / attachment["file"]).stat().st_size > 0
        assert f'href="assets/{attachment["file"]}"' in page
    assert "Only you can see this" in page and "📌 pinned" in page
    assert "&lt;@" not in page and "&lt;#" not in page, "mentions are drawn as names"


def test_two_demos_at_once_one_interrupted_the_other_losing_its_bot(tmp_path):
    interrupted, failing = (start_demo(tmp_path / name) for name in ("interrupted", "failing"))
    workdirs = [working_directory(p) for p in (interrupted, failing)]
    assert workdirs[0] != workdirs[1]
    for workdir in workdirs:
        wait_until(lambda w=workdir: "Binôme ready" in read(w / "bot.log"), "the bot ready")
    time.sleep(1)

    interrupted.send_signal(signal.SIGINT)  # Ctrl-C
    [bot] = bot_children(failing.pid)
    os.kill(bot, signal.SIGKILL)  # the bot crashes in the middle of the story

    out, err = interrupted.communicate(timeout=60)
    assert interrupted.returncode == 130 and "interrupted" in err, (out, err)
    assert not workdirs[0].exists() and bot_children(interrupted.pid) == []
    assert not (tmp_path / "interrupted").exists(), "no half-written page"

    out, err = failing.communicate(timeout=90)
    assert failing.returncode == 1, (out, err)
    assert "The demo's page" in out and "the bot exited" in err
    page = (tmp_path / "failing" / "index.html").read_text(encoding="utf-8")
    assert "The demo failed here" in page and "the bot exited" in page
    transcript = json.loads((tmp_path / "failing" / "transcript.json").read_text(encoding="utf-8"))
    assert channels(transcript, "moderators"), "what happened until then is on the page"
    assert not workdirs[1].exists()


def start_demo(out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "demo", "--seed", str(SEED), "--out", str(out)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def working_directory(process: subprocess.Popen) -> Path:
    line = process.stdout.readline()
    found = re.search(r"the bot runs in (\S+)", line)
    assert found, line
    return Path(found[1])


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def wait_until(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def bot_children(parent: int) -> list[int]:
    """The `python -m bot` processes started by `parent` (not `python -m bot db upgrade`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and command[1:4] == [b"-m", b"bot", b""]:
            found.append(int(entry.name))
    return found
