"""Erasing a member leaves nothing of them: a walk over every table and column of the schema.

The walk reads the tables from the SQLAlchemy metadata, so a table added later is covered: it must
either be written by the scenario below (and then erased properly) or be declared free of member
data in `NO_MEMBER_DATA`, with the reason.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.db.models import Base, OnceClaim
from bot.services.audit import Action
from bot.services.charters import Charters
from bot.services.claims import Claims
from bot.services.console import ConsoleServices
from bot.services.ending import PairEnding
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from bot.services.weekly import WeeklyService
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

GUILD = 31
LEAVER, PARTNER = 987654321012345678, 876543210987654321
WEEK = date(2026, 11, 23)
# Every text the leaver writes carries this, so any copy of it is found wherever it ends up.
MARK = "leaver-wrote-this"

# Tables that cannot hold a member's id or text, and why (the walk still checks their rows).
NO_MEMBER_DATA = {
    "command_sync_state": "the fingerprint of the application commands",
    "skills": "the server's skill catalogue",
    "guild_settings": "the server's settings: role and channel ids",
    "weekly_runs": "a server's weekly runs: dates only",
    "program_events": "anonymous counts: no user column",
}


def leftovers(value: Any) -> bool:
    """Whether a stored value identifies the leaver: their id (as a number or in a text) or their words."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value == LEAVER
    if isinstance(value, str):
        return str(LEAVER) in value or MARK in value
    if isinstance(value, dict | list):
        return leftovers(json.dumps(value))
    return False


async def walk(database) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Every (table → "column = value") identifying the leaver, and every table's row count."""
    found: dict[str, list[str]] = {}
    rows_by_table: dict[str, int] = {}
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).mappings().all()
            rows_by_table[table.name] = len(rows)
            for row in rows:
                for column, value in row.items():
                    if leftovers(value):
                        found.setdefault(table.name, []).append(f"{column} = {value!r}")
    return found, rows_by_table


async def everything_a_member_leaves_behind(database, clock) -> int:
    """The leaver takes part in everything the program stores, next to a partner who stays."""
    membership = Membership(database, clock)
    leaver = dataclasses.replace(
        WEB_DRAFT, city=f"Lyon {MARK}", availability=f"{MARK} evenings", bio=f"bio {MARK}", objectives=f"{MARK} goals"
    )
    assert (await membership.save(GUILD, LEAVER, leaver, discord_locale="en-US")).saved
    assert (await membership.save(GUILD, PARTNER, dataclasses.replace(BUSINESS_DRAFT, bio="the partner's bio"))).saved
    rounds = MatchingRounds(database, clock)
    # The leaver is also a moderator: they open and confirm the round that pairs them.
    round_ = await rounds.preview(GUILD, LEAVER, present={LEAVER, PARTNER}, seed=0)
    [pair_id] = (await rounds.confirm(round_.id, LEAVER, present={LEAVER, PARTNER})).pair_ids
    pairs = PairService(database, clock)
    await pairs.channel_created(pair_id, 555, 554)
    await pairs.kickoff_sent(pair_id, 556)
    pair = await pairs.activate(pair_id)

    weekly = WeeklyService(database, clock)
    await weekly.begin_run(GUILD, WEEK)
    week = await weekly.week(pair, WEEK)
    await weekly.propose_swap(pair, WEEK, LEAVER)
    await weekly.propose_skip(pair, week.id, LEAVER)
    config = await GuildConfigs(database, clock).get(GUILD)
    for author, note in ((LEAVER, f"what {MARK} noted"), (PARTNER, "what the partner noted")):
        session = await weekly.log_session(
            pair,
            config,
            logged_by=author,
            held=True,
            mode="video",
            minutes=30,
            led_by=LEAVER,
            session_date=None,
            note=note,
        )
        assert not isinstance(session, Exception) and session.note == note

    charters = Charters(database, clock)
    await charters.update_frame(pair_id, {"frequency": f"weekly, {MARK}", "ending": f"{MARK}: we talk first"})
    await charters.update_objectives(pair_id, LEAVER, f"learn finance ({MARK})")
    await charters.update_objectives(pair_id, PARTNER, "learn SEO")
    await charters.update_goal(pair_id, f"a blog together ({MARK})")
    await charters.set_progress(pair_id, 40, f"plan done by {MARK}")

    ending = PairEnding(database, clock)
    await ending.propose(pair_id, LEAVER)
    await pairs.end(pair_id, "ended_by_pair")
    await ending.record_feedback(pair_id, LEAVER, 4, f"{MARK}: it went well")
    await ending.record_feedback(pair_id, PARTNER, 5, "the partner's comment")

    # The moderators' console: the leaver as an acting moderator and as a target; reports about them.
    console = ConsoleServices(database, clock)
    await console.audit.record(GUILD, LEAVER, Action.EXPORT)
    await console.audit.record(GUILD, PARTNER, Action.MANUAL_PAIR, targets=(LEAVER, PARTNER), details={"pair": pair_id})
    await console.reports.add(GUILD, "pairs.channel_deleted.noted", pair_id=pair_id, channel=f"zoe-{MARK}")
    await console.reports.add(
        GUILD, "ending.rate.moderators", pair_id=pair_id, subject_id=LEAVER, rating=4, comment=f"{MARK}: it went well"
    )

    claims = Claims(database, clock)
    async with claims.run() as run:
        for key in (f"{OnceClaim.member_prefix(GUILD, LEAVER)}welcome:1", f"launch:{pair_id}:0"):
            claim = await run.acquire(GUILD, key)
            await run.done(claim)  # type: ignore[arg-type]
    return pair_id


async def test_erasing_a_member_leaves_no_id_and_no_text_of_theirs_in_any_table(database, clock):
    pair_id = await everything_a_member_leaves_behind(database, clock)
    before, rows = await walk(database)
    # The scenario really stored the leaver everywhere the walk can look (so this test can fail)...
    assert set(before) >= {
        "member_profiles",
        "match_rounds",
        "pairs",
        "pair_weeks",
        "pair_sessions",
        "charters",
        "pair_feedback",
        "once_claims",
        "audit_entries",
        "moderator_reports",
    }, before
    # ...and exercised every table of the schema but those declared free of member data.
    unexercised = {name for name, count in rows.items() if count == 0} - set(NO_MEMBER_DATA)
    assert not unexercised, f"extend the scenario to write to {unexercised} (or declare them in NO_MEMBER_DATA)"

    membership = Membership(database, clock)
    assert await membership.erase_member(GUILD, LEAVER) is True
    after, _ = await walk(database)
    assert after == {}, f"left behind after erasure: {after}"
    assert await membership.erase_member(GUILD, LEAVER) is False, "nothing left to erase"

    # Only the leaver's part went: the partner's profile, notes, objectives and feedback stay, and the
    # pair stays as anonymous statistics.
    assert (await membership.profile(GUILD, PARTNER)).bio == "the partner's bio"
    [exported] = (await membership.export(GUILD, PARTNER))["pairs"]
    assert exported["pair_id"] == pair_id and exported["partner_id"] is None
    assert [s["note"] for s in exported["sessions"]] == [None, "what the partner noted"]
    assert exported["charter"]["your_objectives"] == "learn SEO" and exported["charter"]["goal_progress"] == 40
    assert exported["your_rating"] == {"rating": 5, "comment": "the partner's comment"}
