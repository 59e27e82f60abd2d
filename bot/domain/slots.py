"""A pair's weekly slot: arithmetic on local times. Pure rules: no Discord, no database.

A slot is a weekday, a time of day and a length in one member's IANA zone ("Tuesdays 18:00, 60 min,
Europe/Paris"). Every occurrence is that local time on that weekday, whatever the daylight-saving
rules do: the UTC instant moves by an hour twice a year, the wall-clock time does not.

Times that a zone skips (a spring-forward gap) or repeats (an autumn overlap) are refused when the
slot is proposed (`slot_problem`), for the coming year, so no agreed slot ever meets one. Should a
zone's rules change later, `occurrence_start` still answers as RFC 5545 does: a skipped time is taken
with the offset before the gap (it lands that much later), a repeated time is its first occurrence
(`fold=0`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIN_LENGTH, MAX_LENGTH = 15, 8 * 60  # minutes
LOOKAHEAD_WEEKS = 53  # a slot is checked against the coming year of its zone's transitions
TIME_STEP = 30  # minutes between the times offered by autocomplete

# How long before each slot the reminder comes (minutes; 0: no reminder).
REMINDER_CHOICES = {"15m": 15, "1h": 60, "1d": 24 * 60, "none": 0}
DEFAULT_REMINDER = 60


class SlotProblem(enum.Enum):
    BAD_LENGTH = "bad_length"
    NONEXISTENT = "nonexistent"  # the time is skipped on some day (clocks go forward)
    AMBIGUOUS = "ambiguous"  # the time happens twice on some day (clocks go back)


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    weekday: int  # 0 = Monday, in `zone`
    at: time
    minutes: int
    zone: str  # an IANA zone name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass(frozen=True, slots=True)
class Refusal:
    problem: SlotProblem
    day: date | None = None  # the day the time does not exist or is ambiguous


def local_kind(day: date, at: time, zone: ZoneInfo) -> SlotProblem | None:
    """Whether `at` on `day` is skipped (NONEXISTENT), repeated (AMBIGUOUS) or plain (None) in `zone`."""
    naive = datetime.combine(day, at)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return SlotProblem.AMBIGUOUS if round_trip == naive else SlotProblem.NONEXISTENT


def slot_problem(slot: WeeklySlot, today: date) -> Refusal | None:
    """Why the slot cannot be agreed (a bad length, or a time its zone skips or repeats on one of its
    days in the coming year), or None."""
    if not MIN_LENGTH <= slot.minutes <= MAX_LENGTH:
        return Refusal(SlotProblem.BAD_LENGTH)
    zone = slot.tz
    first = today + timedelta(days=(slot.weekday - today.weekday()) % 7)
    for week in range(LOOKAHEAD_WEEKS):
        day = first + timedelta(weeks=week)
        kind = local_kind(day, slot.at, zone)
        if kind is not None:
            return Refusal(kind, day)
    return None


def occurrence_start(slot: WeeklySlot, day: date) -> datetime:
    """The UTC instant the slot starts on the local `day` (which should be one of its weekdays)."""
    return datetime.combine(day, slot.at, tzinfo=slot.tz).astimezone(UTC)


def next_occurrence(slot: WeeklySlot, now: datetime, *, running: bool = False) -> datetime:
    """The start (UTC) of the first occurrence starting at or after `now`; with `running`, an occurrence
    still going on at `now` counts too."""
    local_today = now.astimezone(slot.tz).date()
    day = local_today + timedelta(days=(slot.weekday - local_today.weekday()) % 7) - timedelta(weeks=1)
    length = timedelta(minutes=slot.minutes) if running else timedelta(0)
    while True:
        start = occurrence_start(slot, day)
        if start >= now or (running and start + length > now):
            return start
        day += timedelta(weeks=1)


def last_occurrence(slot: WeeklySlot, now: datetime) -> datetime:
    """The start (UTC) of the latest occurrence that started strictly before `now`."""
    start = next_occurrence(slot, now)
    day = start.astimezone(slot.tz).date() - timedelta(weeks=1)
    return occurrence_start(slot, day)


def occurrences(slot: WeeklySlot, after: datetime, count: int) -> list[datetime]:
    """The starts (UTC) of the next `count` occurrences at or after `after`."""
    first = next_occurrence(slot, after).astimezone(slot.tz).date()
    return [occurrence_start(slot, first + timedelta(weeks=week)) for week in range(count)]


def end_of(slot: WeeklySlot, start: datetime) -> datetime:
    return start + timedelta(minutes=slot.minutes)


def reminder_due(slot: WeeklySlot, lead_minutes: int, now: datetime) -> datetime | None:
    """The start of the occurrence whose reminder is due at `now`, or None.

    Due from `lead_minutes` before the start until the start itself, never after: a reminder for a
    slot that has begun (the bot was down at reminder time) is not sent late."""
    if lead_minutes <= 0:
        return None
    start = next_occurrence(slot, now)
    if start == now:  # the slot begins right now: too late to remind
        return None
    return start if start - timedelta(minutes=lead_minutes) <= now else None


def seen_from(moment: datetime, zone: str) -> tuple[int, time]:
    """The weekday and time of day `moment` shows in `zone` (a member's own view of the slot)."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.weekday(), local.time().replace(second=0, microsecond=0)


def parse_time_of_day(text: str) -> time | None:
    """ "18:30", "9:05", "18h30", "18h" → a time; anything else → None."""
    cleaned = text.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    hours, _, minutes = cleaned.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


def time_suggestions(typed: str, limit: int = 25) -> list[str]:
    """Times of day every `TIME_STEP` minutes ("HH:MM") starting with what was typed; a full valid time
    that is not on the grid is offered first."""
    grid = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(0, 24 * 60, TIME_STEP)]
    typed = typed.strip()
    if not typed:
        return [value for value in grid if value >= "07:00"][:limit]  # nothing typed yet: the usual hours
    exact = parse_time_of_day(typed)
    suggestions = []
    if exact is not None:
        suggestions.append(exact.strftime("%H:%M"))
    prefix = typed.replace("h", ":")
    padded = f"0{prefix}" if prefix[:1].isdigit() and (len(prefix) == 1 or prefix[1:2] == ":") else prefix
    suggestions += [value for value in grid if value.startswith((prefix, padded)) and value not in suggestions]
    if not suggestions:
        suggestions = [value for value in grid if value >= "07:00"]  # nothing matched: the usual hours
    return suggestions[:limit]
