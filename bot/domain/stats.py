"""The program's figures: pure arithmetic on dates and counts (the service reads them from the database)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

CHART_WEEKS = 12


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def chart_weeks(current_week: date, first_week: date | None, count: int = CHART_WEEKS) -> list[date]:
    """The week starts the chart shows: the last `count` weeks, or since the program's first week."""
    weeks = [current_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    if first_week is not None:
        weeks = [week for week in weeks if week >= first_week] or [current_week]
    return weeks


def active_per_week(intervals: Iterable[tuple[date, date | None]], weeks: Sequence[date]) -> list[int]:
    """How many pairs were active at some point of each week; an interval is (start, end or None)."""
    counts = [0] * len(weeks)
    for start, end in intervals:
        for index, week in enumerate(weeks):
            if start < week + timedelta(days=7) and (end is None or end >= week):
                counts[index] += 1
    return counts


def week_slots(first_week: date, last_week: date) -> int:
    """How many program weeks (week starts) from `first_week` to `last_week`, both included."""
    return max(1, (last_week - first_week).days // 7 + 1)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
