"""The weekly rhythm on a real database (SQLite and PostgreSQL)."""

from datetime import date, timedelta

from sqlalchemy import select

from bot.db.models import Pair
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from bot.services.weekly import PAUSED_WEEK, POSTED, SKIPPED, LogError, SkipOutcome, SwapOutcome, WeeklyService
from tests.db.test_rounds import BUSINESS, GUILD, MOD, WEB, onboard

WEEK = date(2026, 11, 30)


async def active_pair(database, clock) -> Pair:
    ids = await onboard(database, clock, w=WEB, b=BUSINESS)
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    [pair_id] = (await rounds.confirm(round_.id, MOD, present=set(ids.values()))).pair_ids
    pairs = PairService(database, clock)
    await pairs.channel_created(pair_id, 555, None)
    await pairs.kickoff_sent(pair_id, 556)
    return await pairs.activate(pair_id)


async def test_alternation_skips_paused_and_skipped_weeks(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    a, b = pair.member_a_id, pair.member_b_id
    first = await weekly.week(pair, WEEK)
    assert (first.mentor_id, first.learner_id, first.topic) == (a, b, "seo")

    # B pauses: the next week is a paused week and does not count.
    await Membership(database, clock).set_status(GUILD, b, "paused")
    [entry] = await weekly.roster(GUILD, WEEK + timedelta(days=7))
    assert entry.week.status == PAUSED_WEEK
    await Membership(database, clock).set_status(GUILD, b, "active")
    third = await weekly.week(pair, WEEK + timedelta(days=14))
    assert third.mentor_id == b, "the paused week did not count"
    assert (await weekly.propose_skip(pair, third.id, a))[0] is SkipOutcome.PROPOSED
    assert (await weekly.accept_skip(pair, third.id, b))[0] is SkipOutcome.SKIPPED
    fourth = await weekly.week(pair, WEEK + timedelta(days=21))
    assert fourth.mentor_id == b, "a skipped week does not count either"
    fifth = await weekly.week(pair, WEEK + timedelta(days=28))
    assert (fifth.mentor_id, fifth.topic) == (a, "social-media"), "topics rotate through what B wants to learn"


async def test_a_posted_week_stays_posted_and_swaps_need_the_partner(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    [entry] = await weekly.roster(GUILD, WEEK)
    await weekly.mark_posted(entry.week.id, 999)
    [again] = await weekly.roster(GUILD, WEEK)
    assert (again.week.id, again.week.status, again.week.message_id) == (entry.week.id, POSTED, 999)

    a, b = pair.member_a_id, pair.member_b_id
    outcome, _, preview = await weekly.propose_swap(pair, WEEK, a)
    assert outcome is SwapOutcome.PROPOSED and (preview.mentor, preview.topic) == (b, "finance")
    assert (await weekly.propose_swap(pair, WEEK, b))[0] is SwapOutcome.ALREADY_PROPOSED
    assert (await weekly.accept_swap(pair, entry.week.id, a))[0] is SwapOutcome.OWN_PROPOSAL
    outcome, row = await weekly.accept_swap(pair, entry.week.id, b)
    assert outcome is SwapOutcome.SWAPPED and (row.mentor_id, row.learner_id, row.topic) == (b, a, "finance")
    assert (await weekly.accept_swap(pair, entry.week.id, b))[0] is SwapOutcome.NOTHING_PROPOSED
    assert (await weekly.week(pair, WEEK + timedelta(days=7))).mentor_id == b, "the base rhythm goes on"


async def test_skipping_a_week_needs_the_partners_consent(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    a, b = pair.member_a_id, pair.member_b_id
    week = await weekly.week(pair, WEEK)
    assert (await weekly.accept_skip(pair, week.id, b))[0] is SkipOutcome.NOTHING_PROPOSED
    assert (await weekly.propose_skip(pair, week.id, a))[0] is SkipOutcome.PROPOSED
    assert (await weekly.week(pair, WEEK)).status != SKIPPED, "one click does not skip it for both"
    assert (await weekly.propose_skip(pair, week.id, b))[0] is SkipOutcome.ALREADY_PROPOSED
    assert (await weekly.accept_skip(pair, week.id, a))[0] is SkipOutcome.OWN_PROPOSAL
    outcome, row = await weekly.accept_skip(pair, week.id, b)
    assert outcome is SkipOutcome.SKIPPED and row.status == SKIPPED
    assert (await weekly.accept_skip(pair, week.id, b))[0] is SkipOutcome.WEEK_CLOSED
    assert (await weekly.propose_skip(pair, week.id, a))[0] is SkipOutcome.WEEK_CLOSED
    assert (await weekly.propose_swap(pair, WEEK, a))[0] is SwapOutcome.WEEK_CLOSED


async def test_check_ins_default_to_the_weeks_mentor_and_refuse_the_future(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    config = await GuildConfigs(database, clock).get(GUILD)
    today = clock.now().date()
    logged = await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_b_id,
        held=True,
        mode="video",
        minutes=30,
        led_by=None,
        session_date=None,
        note="",
    )
    assert logged.led_by == (await weekly.week(pair, logged.week_start)).mentor_id
    future = await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_b_id,
        held=True,
        mode=None,
        minutes=None,
        led_by=None,
        session_date=today + timedelta(days=2),
        note="",
    )
    assert future is LogError.FUTURE_DATE
    before = await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_b_id,
        held=True,
        mode=None,
        minutes=None,
        led_by=None,
        session_date=today - timedelta(days=1),  # the pair started today
        note="",
    )
    assert before is LogError.BEFORE_START
    stranger = await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_b_id,
        held=True,
        mode=None,
        minutes=None,
        led_by=424242,
        session_date=None,
        note="",
    )
    assert stranger is LogError.LEADER_NOT_IN_PAIR
    assert await weekly.sessions_led(pair.id) == {logged.led_by: 1}
    async with database.session() as session:
        assert (await session.scalars(select(Pair.silence_reported_at))).one() is None


async def test_my_data_export_covers_pairs_weeks_and_sessions(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    config = await GuildConfigs(database, clock).get(GUILD)
    await weekly.week(pair, WEEK)
    await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_a_id,
        held=True,
        mode="video",
        minutes=50,
        led_by=pair.member_a_id,
        session_date=None,
        note="SEO audit",
    )
    exported = await Membership(database, clock).export(GUILD, pair.member_b_id)
    [mine] = exported["pairs"]
    assert mine["partner_id"] == str(pair.member_a_id) and mine["status"] == "active"
    assert mine["you_learn"] == ["seo", "social-media"] and mine["you_teach"] == ["finance", "sales"]
    assert mine["weeks"][0]["role"] == "learner"
    [session] = mine["sessions"]
    assert session["held"] and not session["led_by_you"] and session["note"] is None, "the partner's note is theirs"
    # After leaving, nothing about them remains in the pair's records.
    await Membership(database, clock).leave(GUILD, pair.member_b_id)
    assert await Membership(database, clock).export(GUILD, pair.member_b_id) is None
    async with database.session() as session_:
        stored = await session_.get(Pair, pair.id)
        assert pair.member_b_id not in stored.members()
