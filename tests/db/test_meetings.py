"""Slots, first meetings and voice sessions on a real database (SQLite and PostgreSQL): each decision
is taken once, whatever the clicks and the restarts."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from bot.db.models import PairSession, PairSlot
from bot.domain.slots import Refusal, SlotProblem, WeeklySlot
from bot.services.first_meetings import FirstMeetings, PlanRefusal
from bot.services.guild_config import GuildConfigs
from bot.services.pairing import PairService
from bot.services.slots import AGREED, ENDED_SLOT, EXPIRED, REPLACED, SUPERSEDED, AcceptOutcome, SlotService
from bot.services.voice_sessions import LOGGED, OFFERED, SHORT, VoiceSessions, together_minutes
from bot.services.weekly import FIRST_MEETING_REMINDER_AFTER, WeeklyService
from tests.db.test_rounds import GUILD
from tests.db.test_weekly import active_pair

TUESDAY = WeeklySlot(1, time(18), 60, "Europe/Paris")


async def test_a_slot_is_proposed_accepted_by_the_partner_only_and_changed_with_agreement(database, clock):
    pair = await active_pair(database, clock)
    slots = SlotService(database, clock)
    a, b = pair.member_a_id, pair.member_b_id
    first = await slots.propose(pair, a, TUESDAY)
    assert isinstance(first, PairSlot) and first.reminder_minutes == 60
    assert (await slots.accept(pair, first.id, a)).outcome is AcceptOutcome.OWN_PROPOSAL
    accepted = await slots.accept(pair, first.id, b)
    assert accepted.outcome is AcceptOutcome.AGREED and accepted.previous is None and accepted.slot.sequence == 0
    assert (await slots.accept(pair, first.id, b)).outcome is AcceptOutcome.GONE, "accepted once"

    await slots.set_reminder(pair.id, 15)
    # B proposes a change; a newer proposal of A replaces it; the agreed slot stays until one is accepted.
    change = await slots.propose(pair, b, WeeklySlot(3, time(19, 30), 90, "America/Toronto"))
    newer = await slots.propose(pair, a, WeeklySlot(4, time(12), 45, "Europe/Paris"), reminder=24 * 60)
    assert (await slots.get(change.id)).status == SUPERSEDED
    assert (await slots.accept(pair, change.id, a)).outcome is AcceptOutcome.GONE
    assert (await slots.agreed(pair.id)).id == first.id
    replaced = await slots.accept(pair, newer.id, b)
    assert replaced.outcome is AcceptOutcome.AGREED and replaced.previous.id == first.id
    assert replaced.slot.sequence == 1 and replaced.slot.reminder_minutes == 24 * 60
    assert (await slots.get(first.id)).status == REPLACED
    assert await slots.pending(pair.id) is None
    [(listed_pair, listed)] = await slots.agreed_in_guild(GUILD)
    assert listed_pair.id == pair.id and listed.id == newer.id and listed.status == AGREED


async def test_bad_slots_are_refused_and_nothing_is_stored(database, clock):
    pair = await active_pair(database, clock)
    slots = SlotService(database, clock)
    for slot, problem in (
        (WeeklySlot(6, time(2, 30), 60, "Europe/Paris"), SlotProblem.NONEXISTENT),
        (WeeklySlot(6, time(1, 30), 60, "America/Toronto"), SlotProblem.AMBIGUOUS),
        (WeeklySlot(1, time(18), 0, "Europe/Paris"), SlotProblem.BAD_LENGTH),
        (WeeklySlot(1, time(18), 9 * 60, "Europe/Paris"), SlotProblem.BAD_LENGTH),
    ):
        refusal = await slots.propose(pair, pair.member_a_id, slot)
        assert isinstance(refusal, Refusal) and refusal.problem is problem
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(PairSlot)) == 0


async def test_a_proposal_nobody_answers_expires_after_seven_days_once(database, clock):
    pair = await active_pair(database, clock)
    slots = SlotService(database, clock)
    proposal = await slots.propose(pair, pair.member_a_id, TUESDAY)
    clock.advance(days=6, hours=23)
    assert await slots.expired_proposals(GUILD, clock.now()) == []
    clock.advance(hours=1)
    [due] = await slots.expired_proposals(GUILD, clock.now())
    assert due.id == proposal.id
    assert await slots.expire(proposal.id) is True
    assert await slots.expire(proposal.id) is False, "expired once"
    assert (await slots.accept(pair, proposal.id, pair.member_b_id)).outcome is AcceptOutcome.EXPIRED
    # Accepting late, before the scheduler noticed, expires it too.
    late = await slots.propose(pair, pair.member_a_id, TUESDAY)
    clock.advance(days=8)
    assert (await slots.accept(pair, late.id, pair.member_b_id)).outcome is AcceptOutcome.EXPIRED
    assert (await slots.get(late.id)).status == EXPIRED


async def test_an_ended_pairs_slot_is_cancelled_once(database, clock):
    pair = await active_pair(database, clock)
    slots = SlotService(database, clock)
    proposal = await slots.propose(pair, pair.member_a_id, TUESDAY)
    await slots.accept(pair, proposal.id, pair.member_b_id)
    await PairService(database, clock).end(pair.id, "ended_by_pair")
    [(ended_pair, row)] = await slots.slots_of_ended_pairs(GUILD)
    assert ended_pair.id == pair.id
    ended = await slots.end_slot(row.id)
    assert ended is not None and ended.status == ENDED_SLOT and ended.sequence == 1
    assert await slots.end_slot(row.id) is None
    assert await slots.slots_of_ended_pairs(GUILD) == []


async def test_the_first_meeting_is_planned_in_the_future_and_stops_the_old_reminder(database, clock):
    pair = await active_pair(database, clock)
    meetings = FirstMeetings(database, clock)
    now = clock.now()
    assert (
        await meetings.plan(pair, pair.member_a_id, now - timedelta(minutes=1), "Europe/Paris", "") is PlanRefusal.PAST
    )
    assert await meetings.plan(pair, pair.member_a_id, now + timedelta(days=400), "Europe/Paris", "") is (
        PlanRefusal.TOO_FAR
    )
    planned = await meetings.plan(pair, pair.member_a_id, now + timedelta(days=3), "Europe/Paris", " Café Lumière ")
    assert planned.mode == "in_person" and planned.place == "Café Lumière" and planned.sequence == 0
    moved = await meetings.plan(pair, pair.member_b_id, now + timedelta(days=4), "America/Toronto", "")
    assert moved.mode == "video" and moved.place == "" and moved.sequence == 1
    clock.advance(days=3, hours=1)
    [(due_pair, due)] = await meetings.reminders_due(GUILD, clock.now())
    assert due_pair.id == pair.id and due.starts_at == now + timedelta(days=4)
    clock.set(now + FIRST_MEETING_REMINDER_AFTER + timedelta(days=1))
    assert await WeeklyService(database, clock).first_meetings_due(GUILD, clock.now()) == []


async def test_a_voice_session_merges_short_gaps_and_is_logged_once(database, clock):
    pair = await active_pair(database, clock)
    voice = VoiceSessions(database, clock)
    start = clock.now()
    row = await voice.together(pair, start)
    await voice.apart(pair.id, start + timedelta(minutes=20))  # a dropped connection...
    again = await voice.together(pair, start + timedelta(minutes=25))  # ...back within the merge gap
    assert again.id == row.id
    await voice.apart(pair.id, start + timedelta(minutes=40))
    assert await voice.closable(GUILD, start + timedelta(minutes=45)) == []
    [closable] = await voice.closable(GUILD, start + timedelta(minutes=51))
    assert together_minutes(closable) == 35, "the five minutes apart are not counted"
    closed = await voice.close(closable.id, 20)
    assert closed.status == OFFERED and await voice.close(closable.id, 20) is None
    week = date(2026, 11, 23)
    logged = await voice.log(
        row.id, pair, logged_by=pair.member_b_id, led_by=pair.member_a_id, session_date=week, week_start=week
    )
    assert logged.session is not None and logged.session.minutes == 35 and logged.session.mode == "video"
    twice = await voice.log(row.id, pair, logged_by=pair.member_a_id, led_by=None, session_date=week, week_start=week)
    assert twice.session is None and twice.voice.status == LOGGED
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(PairSession)) == 1


async def test_short_sessions_long_gaps_and_restarts(database, clock):
    pair = await active_pair(database, clock)
    voice = VoiceSessions(database, clock)
    start = clock.now()
    short = await voice.together(pair, start)
    await voice.apart(pair.id, start + timedelta(minutes=10))
    later = await voice.together(pair, start + timedelta(minutes=30))  # apart too long: a new session
    assert later.id != short.id
    [old] = await voice.closable(GUILD, start + timedelta(minutes=30))
    assert (await voice.close(old.id, 20)).status == SHORT
    # The bot restarts 5 minutes later and finds them still together: the session goes on.
    await voice.seen([pair.id], start + timedelta(minutes=50))
    assert await voice.resume(GUILD, {pair.id}, start + timedelta(minutes=55)) == []
    # Another restart, after a long downtime, finds them apart: counted up to the last sighting only.
    assert await voice.resume(GUILD, set(), start + timedelta(hours=5)) == []
    [closable] = await voice.closable(GUILD, start + timedelta(hours=5))
    assert together_minutes(closable) == 25 and (await voice.close(closable.id, 20)).status == OFFERED
    # Together again after a long downtime: a fresh session starts (the caller opens it).
    assert await voice.resume(GUILD, {pair.id}, start + timedelta(hours=6)) == [pair.id]


async def test_the_weeks_to_nudge_after_a_slot_are_posted_unnudged_and_without_news(database, clock):
    pair = await active_pair(database, clock)
    weekly, slots = WeeklyService(database, clock), SlotService(database, clock)
    week = date(2026, 11, 23)
    row = await weekly.week(pair, week)
    assert await slots.weeks_to_nudge(GUILD, {pair.id: week}) == [], "not posted yet"
    await weekly.mark_posted(row.id, 999)
    assert [w.id for w in await slots.weeks_to_nudge(GUILD, {pair.id: week})] == [row.id]
    assert await slots.weeks_to_nudge(GUILD, {pair.id: week + timedelta(days=7)}) == [], "another week"
    config = await GuildConfigs(database, clock).get(GUILD)
    await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_a_id,
        held=False,
        mode=None,
        minutes=None,
        led_by=None,
        session_date=None,
        note="",
    )
    assert await slots.weeks_to_nudge(GUILD, {pair.id: week}) == [], "they logged something: no nudge"
