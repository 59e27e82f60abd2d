"""Calendar invites (RFC 5545 `.ics` files), built with the `icalendar` library. No Discord here.

Each pair has one event per kind (its weekly slot, its first meeting) with a stable `UID`: sending the
file again with a higher `SEQUENCE` updates the same event in the members' calendars instead of adding
a second one, and a `METHOD:CANCEL` file with that `UID` removes it (the slot changed to nothing, or
the pair ended). Times are written in the slot's own zone (`DTSTART;TZID=Europe/Paris:...`) with that
zone's `VTIMEZONE`, so a calendar keeps the weekly event at the same local time across daylight-saving
changes, as Binôme does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.slots import WeeklySlot

if TYPE_CHECKING:
    from icalendar import Calendar, Event

# icalendar (with dateutil, about 4 MB of the bot process) is imported with the first invite built.

PRODID = "-//Binome//Binome Discord bot//EN"
UID_DOMAIN = "binome.invalid"  # a UID needs a domain-like right-hand side; ours resolves nowhere on purpose
ORGANIZER = f"mailto:noreply@{UID_DOMAIN}"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ZONE_YEARS = 10  # VTIMEZONE transitions written for this many years after the first occurrence


@dataclass(frozen=True, slots=True)
class EventText:
    summary: str
    description: str = ""
    location: str = ""


def slot_uid(guild_id: int, pair_id: int) -> str:
    return f"binome-slot-{guild_id}-{pair_id}@{UID_DOMAIN}"


def first_meeting_uid(guild_id: int, pair_id: int) -> str:
    return f"binome-first-meeting-{guild_id}-{pair_id}@{UID_DOMAIN}"


def _calendar(method: str) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(uid: str, sequence: int, start: datetime, length: timedelta, text: EventText, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start)
    event.add("duration", length)
    event.add("summary", text.summary)
    event.add("organizer", ORGANIZER, parameters={"CN": "Binôme"})
    if text.description:
        event.add("description", text.description)
    if text.location:
        event.add("location", text.location)
    return event


def _with_zone(calendar: Calendar, zone: ZoneInfo, first: date) -> bytes:
    from icalendar import Timezone

    calendar.add_component(
        Timezone.from_tzinfo(zone, tzid=zone.key, first_date=date(first.year, 1, 1), last_date=_years_after(first))
    )
    return calendar.to_ical()


def _years_after(day: date) -> date:
    return date(day.year + ZONE_YEARS, 1, 1)


def weekly_invite(
    slot: WeeklySlot,
    first_start: datetime,
    *,
    uid: str,
    sequence: int,
    text: EventText,
    stamp: datetime,
    cancel: bool = False,
) -> bytes:
    """The weekly event (every `slot.weekday` at `slot.at` in `slot.zone`) from `first_start` on, or
    its cancellation."""
    local_start = first_start.astimezone(slot.tz)
    calendar = _calendar("CANCEL" if cancel else "PUBLISH")
    event = _event(uid, sequence, local_start, timedelta(minutes=slot.minutes), text, stamp)
    event.add("rrule", {"freq": "weekly", "byday": BYDAY[local_start.weekday()]})
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return _with_zone(calendar, slot.tz, local_start.date())


def single_invite(
    start: datetime,
    minutes: int,
    zone: str,
    *,
    uid: str,
    sequence: int,
    text: EventText,
    stamp: datetime,
    cancel: bool = False,
) -> bytes:
    """A one-off event (the first meeting) at `start`, written in `zone`."""
    tz = ZoneInfo(zone)
    local_start = start.astimezone(tz)
    calendar = _calendar("CANCEL" if cancel else "PUBLISH")
    event = _event(uid, sequence, local_start, timedelta(minutes=minutes), text, stamp)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return _with_zone(calendar, tz, local_start.date())
