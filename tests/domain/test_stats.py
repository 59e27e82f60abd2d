"""The program's figures: the chart's weeks, active pairs per week, week counts."""

from datetime import date

from bot.domain.stats import active_per_week, chart_weeks, median, share, week_slots


def test_chart_weeks_are_the_last_twelve_or_since_the_start():
    current = date(2026, 11, 30)
    weeks = chart_weeks(current, None)
    assert len(weeks) == 12 and weeks[-1] == current and weeks[0] == date(2026, 9, 14)
    assert chart_weeks(current, date(2026, 11, 9)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        current,
    ]
    assert chart_weeks(current, date(2027, 1, 4)) == [current], "never an empty chart"


def test_active_pairs_per_week_count_any_overlap():
    weeks = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    intervals = [
        (date(2026, 11, 2), None),  # all along
        (date(2026, 11, 8), date(2026, 11, 9)),  # last day of week 1, first of week 2
        (date(2026, 11, 20), None),  # from week 3
        (date(2026, 10, 1), date(2026, 10, 30)),  # before the chart
    ]
    assert active_per_week(intervals, weeks) == [2, 2, 2]


def test_week_slots_median_and_share():
    assert week_slots(date(2026, 11, 2), date(2026, 11, 30)) == 5
    assert week_slots(date(2026, 11, 30), date(2026, 11, 30)) == 1
    assert median([]) is None and median([3, 1, 2]) == 2 and median([1, 2]) == 1.5
    assert share(1, 4) == 0.25 and share(1, 0) is None
