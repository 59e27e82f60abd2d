"""Pair cycles: when a cycle starts, its mid-point and its end, and which check-in is due.

Pure and deterministic: calendar months in UTC, the day clamped to the month's length
(31 January + 1 month = 28 or 29 February). No database, no Discord.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Stage(StrEnum):
    MID = "mid"
    END = "end"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: cycles are computed on aware UTC instants")
    return moment.astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus `months` calendar months (may be negative), in UTC, the day clamped to the
    target month's last day; the time of day is kept."""
    moment = _utc(moment)
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True, slots=True)
class CycleMoments:
    start: datetime
    mid: datetime
    end: datetime


def cycle_moments(start: datetime, months: int) -> CycleMoments:
    """The cycle of `months` months from `start`: its end, and its mid-point (half the months in
    calendar months when that is a whole number, else the instant halfway between start and end)."""
    if months < 1:
        raise ValueError("a cycle lasts at least one month")
    start = _utc(start)
    end = add_months(start, months)
    mid = add_months(start, months // 2) if months % 2 == 0 else start + (end - start) / 2
    return CycleMoments(start, mid, end)


def cycle_start(cycle_started_at: datetime | None, activated_at: datetime | None) -> datetime | None:
    """The current cycle started at `cycle_started_at` or, for the first cycle, when the pair became active."""
    return cycle_started_at or activated_at


def cycle_key(start: datetime) -> int:
    """A short, stable name for a cycle (its start, whole seconds since the epoch): it goes in the
    prompts' custom ids, so a button from an earlier cycle is recognised."""
    return int(_utc(start).timestamp())


def prompted_in_cycle(marker: datetime | None, start: datetime) -> bool:
    """A prompt marker counts for this cycle only if it was set during it."""
    return marker is not None and _utc(marker) >= _utc(start)


def due_stage(
    start: datetime,
    months: int,
    now: datetime,
    mid_prompted_at: datetime | None,
    end_prompted_at: datetime | None,
) -> Stage | None:
    """The check-in to post now, if any. Once the end has passed, a mid-point that was never asked is
    not asked any more: the end-of-cycle question replaces it."""
    if months < 1:
        return None
    moments = cycle_moments(start, months)
    now = _utc(now)
    if prompted_in_cycle(end_prompted_at, start):
        return None
    if now >= moments.end:
        return Stage.END
    if now >= moments.mid and not prompted_in_cycle(mid_prompted_at, start):
        return Stage.MID
    return None


def earliest_due_age(months: int) -> timedelta:
    """A lower bound of how long after its start a cycle of `months` months has its first check-in
    (months are at least 28 days): lets the database skip pairs that cannot be due yet."""
    return timedelta(days=14 * max(months, 1))
