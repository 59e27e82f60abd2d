"""Cycle arithmetic: calendar months in UTC, mid-point and end, which check-in is due."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain.cycles import (
    Stage,
    add_months,
    cycle_key,
    cycle_moments,
    cycle_start,
    due_stage,
    earliest_due_age,
    prompted_in_cycle,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (utc(2026, 1, 15, 10), 6, utc(2026, 7, 15, 10)),
        (utc(2026, 1, 31), 1, utc(2026, 2, 28)),  # clamped to February's last day
        (utc(2024, 1, 31), 1, utc(2024, 2, 29)),  # leap year
        (utc(2026, 8, 31, 23, 59, 59), 6, utc(2027, 2, 28, 23, 59, 59)),  # across the year, time kept
        (utc(2026, 3, 31), 6, utc(2026, 9, 30)),
        (utc(2026, 12, 1), 1, utc(2027, 1, 1)),
        (utc(2026, 5, 31), 0, utc(2026, 5, 31)),
        (utc(2026, 3, 31), -1, utc(2026, 2, 28)),
        (utc(2026, 1, 1), 24, utc(2028, 1, 1)),
    ],
)
def test_add_months_adds_calendar_months_and_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_works_in_utc_whatever_the_given_zone():
    # 31 Jan 23:00 in UTC-05:00 is 1 Feb 04:00 UTC: one month later is 1 March 04:00 UTC.
    moment = datetime(2026, 1, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    result = add_months(moment, 1)
    assert result == utc(2026, 3, 1, 4) and result.tzinfo == UTC


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_months(datetime(2026, 1, 1), 1)


def test_cycle_moments():
    six = cycle_moments(utc(2026, 1, 15, 10), 6)
    assert (six.mid, six.end) == (utc(2026, 4, 15, 10), utc(2026, 7, 15, 10))
    clamped = cycle_moments(utc(2026, 8, 31), 6)
    assert (clamped.mid, clamped.end) == (utc(2026, 11, 30), utc(2027, 2, 28))
    # An odd number of months: the mid-point is halfway in time.
    three = cycle_moments(utc(2026, 1, 1), 3)
    assert three.end == utc(2026, 4, 1) and three.mid == utc(2026, 1, 1) + (utc(2026, 4, 1) - utc(2026, 1, 1)) / 2
    with pytest.raises(ValueError):
        cycle_moments(utc(2026, 1, 1), 0)


def test_the_cycle_starts_at_cycle_started_at_else_at_activation():
    assert cycle_start(None, utc(2026, 1, 1)) == utc(2026, 1, 1)
    assert cycle_start(utc(2026, 7, 1), utc(2026, 1, 1)) == utc(2026, 7, 1)
    assert cycle_start(None, None) is None


def test_cycle_key_is_the_start_in_whole_seconds():
    assert cycle_key(utc(2026, 1, 15, 10)) == int(utc(2026, 1, 15, 10).timestamp())
    assert cycle_key(utc(2026, 1, 15, 10).replace(microsecond=999)) == cycle_key(utc(2026, 1, 15, 10))


START = utc(2026, 1, 15, 10)


@pytest.mark.parametrize(
    ("now", "mid_at", "end_at", "expected"),
    [
        (utc(2026, 4, 15, 9, 59), None, None, None),  # just before mid-cycle
        (utc(2026, 4, 15, 10), None, None, Stage.MID),  # mid-cycle reached
        (utc(2026, 5, 1), utc(2026, 4, 15, 10), None, None),  # already asked
        (utc(2026, 7, 15, 9), utc(2026, 4, 15, 10), None, None),  # before the end
        (utc(2026, 7, 15, 10), utc(2026, 4, 15, 10), None, Stage.END),  # end reached
        (utc(2026, 8, 1), None, None, Stage.END),  # mid never asked: the end replaces it
        (utc(2026, 8, 1), utc(2026, 4, 15), utc(2026, 7, 15, 10), None),  # everything asked
        # Markers from an earlier cycle do not count for this one.
        (utc(2026, 4, 20), utc(2025, 10, 15), utc(2026, 1, 15, 9), Stage.MID),
    ],
)
def test_due_stage(now, mid_at, end_at, expected):
    assert due_stage(START, 6, now, mid_at, end_at) is expected


def test_due_stage_without_a_valid_length():
    assert due_stage(START, 0, utc(2030, 1, 1), None, None) is None


def test_prompted_in_cycle():
    assert not prompted_in_cycle(None, START)
    assert prompted_in_cycle(START, START)
    assert not prompted_in_cycle(START - timedelta(seconds=1), START)


@pytest.mark.parametrize("months", [1, 2, 3, 5, 6, 12])
def test_no_check_in_is_due_before_the_lower_bound_the_database_filters_on(months):
    for day in range(0, 365):
        start = utc(2026, 1, 1) + timedelta(days=day)
        moments = cycle_moments(start, months)
        assert moments.mid - start >= earliest_due_age(months)


def test_every_stage_has_its_messages():
    from bot.i18n import SUPPORTED, catalogue

    keys = [f"ending.cycle.{stage.value}_prompt" for stage in Stage]
    keys += [f"ending.cycle.button_{action}" for action in ("continue", "charter", "end")]
    for locale in SUPPORTED:
        assert [key for key in keys if key not in catalogue(locale)] == [], locale
