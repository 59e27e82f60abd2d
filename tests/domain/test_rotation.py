from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.rotation import current_week_start, plan_week, run_moment, week_of

TORONTO = ZoneInfo("America/Toronto")
A, B = 1, 2


def plan(counted: int, learner_weeks=None, swapped=False):
    return plan_week(
        A,
        B,
        counted_weeks_before=counted,
        learner_weeks_before=learner_weeks or {},
        a_teaches_b=["seo", "social-media"],
        b_teaches_a=["finance"],
        swapped=swapped,
    )


def test_roles_alternate_week_by_week_from_the_start():
    assert [plan(n).mentor for n in range(4)] == [A, B, A, B]
    assert [plan(n).learner for n in range(4)] == [B, A, B, A]


def test_a_swap_flips_only_that_week():
    assert plan(0, swapped=True).mentor == B
    assert plan(1, swapped=True).mentor == A
    assert plan(2).mentor == A  # the next week is computed as if nothing happened


def test_topic_comes_from_what_the_mentor_teaches_the_learner_and_rotates():
    assert plan(0, {B: 0}).topic == "seo"
    assert plan(2, {B: 1}).topic == "social-media"
    assert plan(4, {B: 2}).topic == "seo"
    assert plan(1, {A: 5}).topic == "finance"
    empty = plan_week(A, B, counted_weeks_before=0, learner_weeks_before={}, a_teaches_b=[], b_teaches_a=[])
    assert empty.topic is None


def test_current_week_starts_at_the_latest_run_moment():
    nine = time(9, 0)
    monday_run = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 09:00 in Toronto (EST)
    assert run_moment(date(2026, 11, 30), nine, TORONTO) == monday_run
    assert current_week_start(monday_run, 0, nine, TORONTO) == date(2026, 11, 30)
    just_before = datetime(2026, 11, 30, 13, 59, tzinfo=UTC)
    assert current_week_start(just_before, 0, nine, TORONTO) == date(2026, 11, 23)
    sunday_night = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # Sunday 23:00 in Toronto
    assert current_week_start(sunday_night, 0, nine, TORONTO) == date(2026, 11, 30)
    # Daylight saving: the run stays at 09:00 local time.
    assert run_moment(date(2026, 6, 1), nine, TORONTO) == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)


def test_a_day_belongs_to_the_week_of_the_previous_run_day():
    assert week_of(date(2026, 12, 2), 0) == date(2026, 11, 30)  # Wednesday → that Monday
    assert week_of(date(2026, 11, 30), 0) == date(2026, 11, 30)
    assert week_of(date(2026, 12, 2), 3) == date(2026, 11, 26)  # Thursday runs
