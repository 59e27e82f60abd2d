"""The weekly slot's arithmetic: local times that stay put across daylight-saving changes, times a zone
skips or repeats, reminder times (never late), and what autocomplete offers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.slots import (
    SlotProblem,
    WeeklySlot,
    last_occurrence,
    local_kind,
    next_occurrence,
    occurrences,
    parse_time_of_day,
    reminder_due,
    seen_from,
    slot_problem,
    time_suggestions,
)
from bot.i18n.dates import discord_timestamp

TUESDAY_PARIS = WeeklySlot(weekday=1, at=time(18, 0), minutes=60, zone="Europe/Paris")
MONDAY_TORONTO = WeeklySlot(weekday=0, at=time(12, 0), minutes=45, zone="America/Toronto")
TODAY = date(2026, 12, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_next_occurrence_is_the_local_time_on_the_next_weekday():
    # Monday 30 November 2026, noon UTC: the next Tuesday 18:00 in Paris (UTC+1) is 17:00 UTC.
    assert next_occurrence(TUESDAY_PARIS, utc(2026, 11, 30, 12)) == utc(2026, 12, 1, 17)
    # Exactly at the start it is still that one; a minute later, next week's.
    assert next_occurrence(TUESDAY_PARIS, utc(2026, 12, 1, 17)) == utc(2026, 12, 1, 17)
    assert next_occurrence(TUESDAY_PARIS, utc(2026, 12, 1, 17, 1)) == utc(2026, 12, 8, 17)
    # ...unless the one going on counts.
    assert next_occurrence(TUESDAY_PARIS, utc(2026, 12, 1, 17, 30), running=True) == utc(2026, 12, 1, 17)
    assert last_occurrence(TUESDAY_PARIS, utc(2026, 12, 1, 17, 1)) == utc(2026, 12, 1, 17)
    assert last_occurrence(TUESDAY_PARIS, utc(2026, 12, 1, 17)) == utc(2026, 11, 24, 17)


@pytest.mark.parametrize(
    ("slot", "before", "after", "hours_before", "hours_after"),
    [
        # Paris goes to summer time on Sunday 28 March 2027: 18:00 is 17:00 UTC, then 16:00 UTC.
        (TUESDAY_PARIS, date(2027, 3, 23), date(2027, 3, 30), 17, 16),
        # ...and back on Sunday 31 October 2027.
        (TUESDAY_PARIS, date(2027, 10, 26), date(2027, 11, 2), 16, 17),
        # Toronto goes back to standard time on Sunday 1 November 2026: noon is 16:00 UTC, then 17:00 UTC.
        (MONDAY_TORONTO, date(2026, 10, 26), date(2026, 11, 2), 16, 17),
        # ...and to summer time on Sunday 14 March 2027.
        (MONDAY_TORONTO, date(2027, 3, 8), date(2027, 3, 15), 17, 16),
    ],
)
def test_daylight_saving_changes_keep_the_slot_at_the_same_local_time(slot, before, after, hours_before, hours_after):
    first, second = occurrences(slot, datetime.combine(before, time(0), tzinfo=UTC), 2)
    assert (first.date(), first.hour) == (before, hours_before)
    assert (second.date(), second.hour) == (after, hours_after)
    assert second - first != timedelta(weeks=1), "a week of wall-clock time is not 168 hours that week"
    for moment in (first, second):
        assert seen_from(moment, slot.zone) == (slot.weekday, slot.at)


def test_each_member_sees_the_slot_in_their_own_zone():
    start = next_occurrence(TUESDAY_PARIS, utc(2026, 11, 30))
    assert seen_from(start, "America/Toronto") == (1, time(12, 0))  # Tuesday noon in Toronto
    assert seen_from(start, "Asia/Tokyo") == (2, time(2, 0))  # already Wednesday in Tokyo
    assert discord_timestamp(start, "F") == f"<t:{int(start.timestamp())}:F>"  # one instant for every reader


@pytest.mark.parametrize(
    ("slot", "problem", "day"),
    [
        # 02:30 does not exist on the night Paris moves to summer time (02:00 → 03:00)...
        (WeeklySlot(6, time(2, 30), 60, "Europe/Paris"), SlotProblem.NONEXISTENT, date(2027, 3, 28)),
        # ...nor in Toronto (14 March 2027).
        (WeeklySlot(6, time(2, 30), 60, "America/Toronto"), SlotProblem.NONEXISTENT, date(2027, 3, 14)),
        # 01:30 happens twice in Toronto when clocks go back (7 November 2027; 1 November 2026 is past).
        (WeeklySlot(6, time(1, 30), 60, "America/Toronto"), SlotProblem.AMBIGUOUS, date(2027, 11, 7)),
        # 02:30 happens twice in Paris on 31 October 2027; a Sunday 02:30 meets the gap first.
        (WeeklySlot(6, time(2, 30), 60, "Europe/Paris"), SlotProblem.NONEXISTENT, date(2027, 3, 28)),
    ],
)
def test_times_a_zone_skips_or_repeats_are_refused_with_the_day(slot, problem, day):
    refusal = slot_problem(slot, TODAY)
    assert refusal is not None and (refusal.problem, refusal.day) == (problem, day)


def test_plain_slots_and_lengths():
    assert slot_problem(TUESDAY_PARIS, TODAY) is None
    assert slot_problem(WeeklySlot(0, time(2, 30), 60, "Europe/Paris"), TODAY) is None  # Mondays have no change
    assert slot_problem(WeeklySlot(6, time(2, 30), 60, "UTC"), TODAY) is None
    for minutes in (0, 14, 481, -5):
        refusal = slot_problem(WeeklySlot(1, time(18), minutes, "Europe/Paris"), TODAY)
        assert refusal is not None and refusal.problem is SlotProblem.BAD_LENGTH
    assert slot_problem(WeeklySlot(1, time(18), 480, "Europe/Paris"), TODAY) is None


def test_a_skipped_time_would_be_read_as_rfc_5545_reads_it():
    assert local_kind(date(2027, 3, 28), time(2, 30), TUESDAY_PARIS.tz) is SlotProblem.NONEXISTENT
    assert local_kind(date(2027, 10, 31), time(2, 30), TUESDAY_PARIS.tz) is SlotProblem.AMBIGUOUS
    slot = WeeklySlot(6, time(2, 30), 60, "Europe/Paris")
    # The offset before the gap (+01:00): 01:30 UTC, which Paris shows as 03:30.
    [start] = occurrences(slot, utc(2027, 3, 27), 1)
    assert start == utc(2027, 3, 28, 1, 30)


def test_the_reminder_is_due_from_its_lead_until_the_start_and_never_late():
    start = utc(2026, 12, 1, 17)
    assert reminder_due(TUESDAY_PARIS, 60, start - timedelta(minutes=61)) is None
    assert reminder_due(TUESDAY_PARIS, 60, start - timedelta(minutes=60)) == start
    assert reminder_due(TUESDAY_PARIS, 60, start - timedelta(seconds=1)) == start
    assert reminder_due(TUESDAY_PARIS, 60, start) is None, "the slot begins: too late to remind"
    assert reminder_due(TUESDAY_PARIS, 60, start + timedelta(minutes=5)) is None, "after downtime: nothing late"
    assert reminder_due(TUESDAY_PARIS, 15, start - timedelta(minutes=20)) is None
    assert reminder_due(TUESDAY_PARIS, 24 * 60, start - timedelta(hours=23)) == start
    assert reminder_due(TUESDAY_PARIS, 0, start - timedelta(minutes=5)) is None, "no reminder chosen"


def test_a_day_before_reminder_across_a_clock_change_is_24_hours_before():
    # Monday 29 March 2027, 09:00 in Paris (just after the change): reminded on Sunday at 09:00 CEST.
    slot = WeeklySlot(0, time(9), 60, "Europe/Paris")
    start = next_occurrence(slot, utc(2027, 3, 27))
    assert start == utc(2027, 3, 29, 7)
    assert reminder_due(slot, 24 * 60, utc(2027, 3, 28, 7)) == start
    assert reminder_due(slot, 24 * 60, utc(2027, 3, 28, 6, 59)) is None


def test_time_autocomplete_and_parsing():
    assert time_suggestions("18")[:2] == ["18:00", "18:30"]
    assert time_suggestions("9")[:2] == ["09:00", "09:30"]
    assert time_suggestions("18:45")[0] == "18:45"
    assert time_suggestions("")[0] == "07:00" and len(time_suggestions("")) == 25
    assert time_suggestions("zz")[0] == "07:00"
    assert parse_time_of_day("18h30") == time(18, 30) and parse_time_of_day("9:05") == time(9, 5)
    assert parse_time_of_day("18h") == time(18) and parse_time_of_day(" 07:00 ") == time(7)
    for bad in ("25:00", "18:7", "noon", "", "18:60", "1830"):
        assert parse_time_of_day(bad) is None, bad
