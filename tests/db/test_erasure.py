"""Erasing a member leaves nothing of them: a walk over every table and column of the schema.

The walk reads the tables from the SQLAlchemy metadata, so a table added later is covered: it must
either be written by the scenario below (and then erased properly) or be declared free of member
data in `NO_MEMBER_DATA`, with the reason.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from bot.db.models import Base, FirstMeeting, OnceClaim, VoiceSession
from bot.domain.announcements import SKIP
from bot.domain.progress import LedMost, ProgressStage
from bot.domain.slots import WeeklySlot
from bot.services.announcements import Announcements, Answered
from bot.services.audit import Action
from bot.services.charters import Charters
from bot.services.claims import Claims
from bot.services.console import ConsoleServices
from bot.services.ending import PairEnding
from bot.services.exclusions import Added, Exclusions
from bot.services.first_meetings import FirstMeetings
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.progress import ProgressRatings, Saved, current_cycle
from bot.services.rounds import MatchingRounds
from bot.services.slots import SlotService
from bot.services.voice_sessions import VoiceSessions
from bot.services.weekly import WeeklyService
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

GUILD = 31
LEAVER, PARTNER, THIRD = 987654321012345678, 876543210987654321, 765432109876543210
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
    "shard_leases": "which process (host:pid) runs which gateway shard",
    "gateway_identifies": "when a gateway session last started, per identify bucket",
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
        WEB_DRAFT,
        city=f"Lyon {MARK}",
        availability=f"{MARK} evenings",
        bio=f"bio {MARK}",
        objectives=f"{MARK} goals",
        organization=f"{MARK} Inc.",
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

    # The leaver proposes the weekly slot, plans the first meeting (somewhere personal), meets in voice.
    slots = SlotService(database, clock)
    proposal = await slots.propose(pair, LEAVER, WeeklySlot(1, time(18), 60, "Europe/Paris"))
    await slots.accept(pair, proposal.id, PARTNER)
    start = clock.now() + timedelta(days=2)
    await FirstMeetings(database, clock).plan(pair, LEAVER, start, "Europe/Paris", f"12 rue {MARK}")
    voice = VoiceSessions(database, clock)
    await voice.together(pair, clock.now())
    await voice.apart(pair.id, clock.now() + timedelta(minutes=30))

    charters = Charters(database, clock)
    await charters.update_frame(pair_id, {"frequency": f"weekly, {MARK}", "ending": f"{MARK}: we talk first"})
    await charters.update_objectives(pair_id, LEAVER, f"learn finance ({MARK})")
    await charters.update_objectives(pair_id, PARTNER, "learn SEO")
    await charters.update_goal(pair_id, f"a blog together ({MARK})")
    await charters.set_progress(pair_id, 40, f"plan done by {MARK}")

    # Self-ratings at the charter and at mid-cycle ("who led most?" too), by both.
    progress = ProgressRatings(database, clock)
    cycle = current_cycle(pair)
    assert cycle is not None
    for stage in (ProgressStage.START, ProgressStage.MID):
        saved = await progress.save(pair_id, LEAVER, cycle, stage, [f"learn finance ({MARK})"], ["2"], "3")
        assert isinstance(saved, Saved)
        assert isinstance(await progress.save(pair_id, PARTNER, cycle, stage, ["learn SEO"], ["1"], "2"), Saved)
    assert await progress.set_led(pair_id, LEAVER, cycle, ProgressStage.MID, LedMost.EQUAL)

    # Who must not be paired: the leaver's own "avoid" list and their place in a third member's, moderators'
    # exclusions naming them, and (as a moderator) an exclusion they made of two others.
    assert (await membership.save(GUILD, THIRD, BUSINESS_DRAFT)).saved
    exclusions = Exclusions(database, clock)
    assert isinstance(await exclusions.avoid(GUILD, LEAVER, THIRD), Added)
    assert isinstance(await exclusions.avoid(GUILD, THIRD, LEAVER), Added)
    assert isinstance(await exclusions.exclude(GUILD, LEAVER, THIRD, PARTNER), Added)
    assert isinstance(await exclusions.exclude(GUILD, PARTNER, THIRD, LEAVER), Added)

    # A round the leaver (a moderator) announced, and their answer to it.
    announcements = Announcements(database, clock)
    announced = await announcements.draft(GUILD, 777, date(2026, 12, 3), "fr", LEAVER)
    await announcements.open(announced, 778)
    assert await announcements.answer(GUILD, announced, LEAVER, SKIP) is Answered.RECORDED

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
        "member_avoids",
        "pair_exclusions",
        "round_announcements",
        "announcement_answers",
        "progress_ratings",
        "pair_slots",
        "first_meetings",
    }, before
    # ...and exercised every table of the schema but those declared free of member data.
    unexercised = {name for name, count in rows.items() if count == 0} - set(NO_MEMBER_DATA)
    assert not unexercised, f"extend the scenario to write to {unexercised} (or declare them in NO_MEMBER_DATA)"

    membership = Membership(database, clock)
    assert await membership.erase_member(GUILD, LEAVER) is True
    after, _ = await walk(database)
    assert after == {}, f"left behind after erasure: {after}"
    async with database.session() as session:  # no id to find there: when they met is about them too
        assert (await session.scalars(select(VoiceSession))).all() == []
        assert (await session.scalars(select(FirstMeeting))).all() == []
    assert await membership.erase_member(GUILD, LEAVER) is False, "nothing left to erase"

    # Only the leaver's part went: the partner's profile, notes, objectives and feedback stay, and the
    # pair stays as anonymous statistics.
    assert (await membership.profile(GUILD, PARTNER)).bio == "the partner's bio"
    [exported] = (await membership.export(GUILD, PARTNER))["pairs"]
    assert exported["pair_id"] == pair_id and exported["partner_id"] is None
    assert [s["note"] for s in exported["sessions"]] == [None, "what the partner noted"]
    assert exported["charter"]["your_objectives"] == "learn SEO" and exported["charter"]["goal_progress"] == 40
    assert exported["your_rating"] == {"rating": 5, "comment": "the partner's comment"}
    # The partner's own ratings and the exclusion the leaver made of two others stay (without its author).
    partner_data = await membership.export(GUILD, PARTNER)
    assert [r["objectives"] for r in partner_data["progress_ratings"]] == [["learn SEO"], ["learn SEO"]]
    assert [(e.a, e.b) for e in await Exclusions(database, clock).exclusions(GUILD)] == [(THIRD, PARTNER)]
    assert await Exclusions(database, clock).avoided(GUILD, THIRD) == []
