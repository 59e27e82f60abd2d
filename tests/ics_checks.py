"""What a calendar needs from an `.ics` file (RFC 5545), checked on the bytes the bot produces: read
back with `icalendar`, then expanded by `recurring_ical_events` (what calendar software does with it)."""

from __future__ import annotations

from datetime import datetime

import recurring_ical_events
from icalendar import Calendar


def check_ics(data: bytes) -> Calendar:
    """The calendar in `data`, after checking the RFC 5545 essentials; raises AssertionError otherwise."""
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n"), "CRLF lines, one VCALENDAR"
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "content lines are folded at 75 octets"
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID"), "VERSION and PRODID are required"
    events = calendar.walk("VEVENT")
    assert events, "one event at least"
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert event.get(required) is not None, f"{required} is required in a VEVENT"
        assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0, "DTSTAMP is in UTC"
        start = event["DTSTART"]
        tzid = start.params.get("TZID")
        assert tzid in zones, f"DTSTART's TZID {tzid} needs its VTIMEZONE (have {zones})"
        assert not ("DTEND" in event and "DURATION" in event), "DTEND and DURATION are exclusive"
    return calendar


def occurrences(calendar: Calendar, start: datetime, end: datetime) -> list[datetime]:
    """The event starts a calendar shows between `start` and `end` (recurrences expanded)."""
    return sorted(event["DTSTART"].dt for event in recurring_ical_events.of(calendar).between(start, end))
