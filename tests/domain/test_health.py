"""The one definition of "needs attention", and the order and filters of the pairs' health list."""

from datetime import UTC, date, datetime, timedelta

from bot.domain.health import (
    Concern,
    HealthFilter,
    HealthOrder,
    PairFacts,
    assess,
    is_one_sided,
    keep,
    leader_share,
    ordered,
    silent_weeks,
)

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def facts(pair_id: int = 1, **changes) -> PairFacts:
    values = {
        "pair_id": pair_id,
        "status": "active",
        "member_a": 10,
        "member_b": 20,
        "created_at": START,
        "active_since": START,
        "ended_at": None,
        "charter_signed": True,
        "sessions_held": 2,
        "led_a": 1,
        "led_b": 1,
        "last_session": date(2026, 11, 27),
        "first_meeting_planned": True,
    }
    return PairFacts(**{**values, **changes})


def at(days: int) -> tuple[datetime, date]:
    moment = START + timedelta(days=days)
    return moment, moment.date()


def test_silent_weeks_count_from_the_last_session_or_the_start():
    assert silent_weeks(facts(last_session=date(2026, 11, 3)), date(2026, 11, 30)) == 3
    assert silent_weeks(facts(last_session=date(2026, 11, 3)), date(2026, 11, 16)) == 1
    assert silent_weeks(facts(last_session=None), date(2026, 11, 23)) == 3, "never met: counted from the start"
    assert silent_weeks(facts(status="ended", last_session=None), date(2026, 12, 30)) == 0
    assert silent_weeks(facts(status="pending", active_since=None), date(2026, 12, 30)) == 0


def test_a_healthy_pair_needs_no_attention():
    health = assess(facts(), *at(28))
    assert health.concerns == () and not health.needs_attention and health.silent_weeks == 0


def test_silence_of_two_weeks_needs_attention_one_week_does_not():
    assert assess(facts(last_session=date(2026, 11, 20)), *at(28)).concerns == ()  # 10 days
    assert assess(facts(last_session=date(2026, 11, 16)), *at(28)).concerns == (Concern.SILENT,)  # 14 days


def test_an_unsigned_charter_needs_attention_after_three_weeks():
    unsigned = facts(charter_signed=False)
    assert assess(unsigned, *at(20)).concerns == ()
    assert assess(unsigned, *at(21)).concerns == (Concern.CHARTER_UNSIGNED,)


def test_one_member_leading_most_sessions_needs_attention_after_four_sessions():
    assert leader_share(3, 1) == 0.75 and leader_share(0, 0) is None
    assert not is_one_sided(3, 0), "three sessions are too few to judge"
    assert is_one_sided(3, 1) and is_one_sided(4, 0)
    assert not is_one_sided(3, 2)
    assert assess(facts(led_a=4, led_b=0, sessions_held=4), *at(28)).concerns == (Concern.ONE_SIDED,)


def test_ended_and_launching_pairs_need_no_attention():
    old = {"charter_signed": False, "last_session": None, "led_a": 5, "led_b": 0}
    assert assess(facts(status="ended", ended_at=START + timedelta(days=40), **old), *at(60)).concerns == ()
    assert assess(facts(status="pending", active_since=None, **old), *at(60)).concerns == ()


def test_filters_and_orders():
    now, today = at(28)
    calm = assess(facts(1, created_at=START), now, today)
    silent = assess(facts(2, last_session=date(2026, 11, 3), created_at=START + timedelta(hours=1)), now, today)
    unsigned = assess(facts(3, charter_signed=False, created_at=START + timedelta(hours=2)), now, today)
    ended = assess(facts(4, status="ended", ended_at=now, created_at=START + timedelta(hours=3)), now, today)
    both = assess(facts(5, charter_signed=False, last_session=None, created_at=START - timedelta(hours=1)), now, today)
    everyone = [calm, silent, unsigned, ended, both]
    assert [h.facts.pair_id for h in everyone if keep(h, HealthFilter.ATTENTION)] == [2, 3, 5]
    assert [h.facts.pair_id for h in everyone if keep(h, HealthFilter.UNSIGNED)] == [3, 5]
    assert [h.facts.pair_id for h in everyone if keep(h, HealthFilter.ENDED)] == [4]
    assert len([h for h in everyone if keep(h, HealthFilter.ALL)]) == 5
    # Most worrying: more concerns first, then longer silence, then newest; ended pairs last.
    assert [h.facts.pair_id for h in ordered(everyone, HealthOrder.WORRYING)] == [5, 2, 3, 1, 4]
    assert [h.facts.pair_id for h in ordered(everyone, HealthOrder.NEWEST)] == [4, 3, 2, 1, 5]
