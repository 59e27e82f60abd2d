"""Only real IANA zones: what `zoneinfo` opens but is not a zone is refused, and says why."""

from zoneinfo import ZoneInfo, available_timezones

import pytest

from bot.domain.profiles import ProfileDraft, ProfileProblem, text_problems
from bot.domain.timezones import ZoneRefusal, canonical_timezone, timezone_refusal


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
