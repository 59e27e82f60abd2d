"""Only real IANA zones: what `zoneinfo` opens but is not a zone is refused, and says why."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest

from bot.domain.profiles import ProfileDraft, ProfileProblem, text_problems
from bot.domain.timezones import (
    COMMON_ZONES,
    ZoneRefusal,
    canonical_timezone,
    common_zones,
    offset_of,
    suggest_timezones,
    timezone_refusal,
    zone_label,
)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        (" America/New York ", "America/New_York"),
        ("AMERICA/ARGENTINA/BUENOS AIRES", "America/Argentina/Buenos_Aires"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_iana_zones_are_accepted_whatever_the_case_and_spaces(typed, zone):
    assert canonical_timezone(typed) == zone
    assert timezone_refusal(typed) is None


@pytest.mark.parametrize(
    "typed",
    ["localtime", "LocalTime", "posixrules", "Factory", "factory", "posix/Europe/Paris", "right/UTC", "Posix/UTC"],
)
def test_files_of_the_time_zone_database_are_not_zones(typed):
    assert canonical_timezone(typed) is None
    assert timezone_refusal(typed) is ZoneRefusal.NOT_A_ZONE
    [issue] = text_problems(ProfileDraft(timezone=typed))
    assert issue.problem is ProfileProblem.NOT_A_TIMEZONE and issue.values == (typed,)


def test_zoneinfo_itself_would_open_some_of_them():
    # Why the list is needed: the standard library accepts these and silently means the host's zone.
    ZoneInfo("posix/Europe/Paris")
    if "localtime" in available_timezones():
        ZoneInfo("localtime")


@pytest.mark.parametrize("typed", ["", "   ", "Mars/Olympus", "Paris", "GMT+2 please", "../etc/passwd", "x" * 65])
def test_anything_else_is_unknown(typed):
    assert canonical_timezone(typed) is None
    assert timezone_refusal(typed) is ZoneRefusal.UNKNOWN


def test_every_accepted_name_is_a_real_zone():
    accepted = {canonical_timezone(name) for name in available_timezones()} - {None}
    assert "UTC" in accepted and "Europe/Paris" in accepted
    assert not {name for name in accepted if name.casefold() in ("localtime", "posixrules", "factory")}
    assert not {name for name in accepted if name.startswith(("posix", "right"))}


# --- suggestions while typing (setup's autocomplete, the join flow's menu) -------------------------

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
COMMON = common_zones(["fr", "en"])


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("mont", "America/Montreal"),  # a city as it is typed
        ("Montréal", "America/Montreal"),  # accents and case folded
        ("paris", "Europe/Paris"),
        ("new york", "America/New_York"),
        ("europe/par", "Europe/Paris"),
        ("utc", "UTC"),
    ],
)
def test_zones_matching_a_city_come_first(typed, first):
    assert suggest_timezones(typed, NOW, COMMON)[0] == first


def test_zones_at_an_offset_as_typed():
    for typed in ("+1", "UTC+1", "gmt +01:00", "+01"):
        zones = suggest_timezones(typed, NOW, COMMON)
        assert "Europe/Paris" in zones and all(offset_of(zone, NOW) == 60 for zone in zones), typed
    assert suggest_timezones("-5", NOW, COMMON)[0] in ("America/Montreal", "America/Toronto")
    assert "America/St_Johns" in suggest_timezones("-3:30", NOW, COMMON)
    assert offset_of("Europe/Paris", datetime(2026, 7, 1, tzinfo=UTC)) == 120, "offsets are today's (summer time)"


@pytest.mark.parametrize("typed", ["", "   ", "zzzqqq", "x" * 300, "+99", "🙂"])
def test_an_empty_or_absurd_query_gets_the_common_zones(typed):
    assert suggest_timezones(typed, NOW, COMMON) == COMMON[:25]


def test_answers_fit_discords_autocomplete_limits():
    for typed in ("", "a", "america", "+0", "e"):
        zones = suggest_timezones(typed, NOW, COMMON)
        assert 1 <= len(zones) <= 25
        assert all(len(zone_label(zone, NOW)) <= 100 and len(zone) <= 100 for zone in zones)
    assert zone_label("America/Montreal", NOW) == "America/Montreal (UTC-05:00)"
    assert zone_label("Asia/Kolkata", NOW) == "Asia/Kolkata (UTC+05:30)"


def test_common_zones_are_real_zones_first_ones_first():
    for zones in COMMON_ZONES.values():
        assert all(canonical_timezone(zone) == zone for zone in zones)
    assert common_zones(["en", "fr"], ["Asia/Tokyo", "nowhere", ""])[:2] == ["Asia/Tokyo", "America/Toronto"]
    assert len(common_zones(["fr", "en"], limit=24)) == 24
