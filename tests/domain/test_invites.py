"""The `.ics` invites: RFC 5545 as calendars read it, a stable UID, the recurrence and its zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.invites import EventText, first_meeting_uid, single_invite, slot_uid, weekly_invite
from bot.domain.slots import WeeklySlot, next_occurrence
from tests.ics_checks import check_ics, occurrences

SLOT = WeeklySlot(weekday=1, at=time(18, 0), minutes=60, zone="Europe/Paris")
STAMP = datetime(2026, 11, 30, 15, tzinfo=UTC)
TEXT = EventText("Binôme : Zoé & Marc", "Votre séance de la semaine", "Appel vidéo")


def invite(slot=SLOT, sequence=0, cancel=False) -> bytes:
    first = next_occurrence(slot, STAMP)
    return weekly_invite(slot, first, uid=slot_uid(1, 2), sequence=sequence, text=TEXT, stamp=STAMP, cancel=cancel)


def test_the_weekly_invite_is_a_recurring_event_in_the_slots_zone():
    calendar = check_ics(invite())
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "binome-slot-1-2@binome.invalid" and int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 18, tzinfo=ZoneInfo("Europe/Paris"))
    assert event.decoded("DURATION") == timedelta(minutes=60)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert str(event["SUMMARY"]) == "Binôme : Zoé & Marc" and str(event["STATUS"]) == "CONFIRMED"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris" and zone.walk("DAYLIGHT") and zone.walk("STANDARD")


def test_a_calendar_keeps_the_event_at_the_same_local_time_across_daylight_saving():
    calendar = check_ics(invite())
    paris = ZoneInfo("Europe/Paris")
    shown = occurrences(calendar, datetime(2027, 3, 20, tzinfo=paris), datetime(2027, 4, 4, tzinfo=paris))
    assert [moment.astimezone(paris).hour for moment in shown] == [18, 18]
    assert [moment.astimezone(UTC).hour for moment in shown] == [17, 16]
    toronto = check_ics(invite(WeeklySlot(0, time(12), 45, "America/Toronto")))
    zone = ZoneInfo("America/Toronto")
    shown = occurrences(toronto, datetime(2027, 3, 8, tzinfo=zone), datetime(2027, 3, 16, tzinfo=zone))
    assert [(moment.astimezone(zone).hour, moment.astimezone(UTC).hour) for moment in shown] == [(12, 17), (12, 16)]


def test_a_changed_slot_updates_the_same_event_and_an_ended_pair_cancels_it():
    [first] = check_ics(invite()).walk("VEVENT")
    [changed] = check_ics(invite(WeeklySlot(3, time(19, 30), 90, "Europe/Paris"), sequence=1)).walk("VEVENT")
    assert changed["UID"] == first["UID"] and int(changed["SEQUENCE"]) == 1
    assert changed["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    cancelled = check_ics(invite(sequence=2, cancel=True))
    [event] = cancelled.walk("VEVENT")
    assert str(cancelled["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == first["UID"] and int(event["SEQUENCE"]) == 2


def test_the_first_meeting_is_a_single_event_with_its_place():
    start = datetime(2026, 12, 15, 17, 30, tzinfo=UTC)
    data = single_invite(start, 90, "America/Toronto", uid=first_meeting_uid(1, 2), sequence=0, text=TEXT, stamp=STAMP)
    calendar = check_ics(data)
    [event] = calendar.walk("VEVENT")
    assert "RRULE" not in event and str(event["LOCATION"]) == "Appel vidéo"
    assert event.decoded("DTSTART") == start and event["DTSTART"].params["TZID"] == "America/Toronto"
    assert str(event["UID"]) == "binome-first-meeting-1-2@binome.invalid"
