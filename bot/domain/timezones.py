"""Time zones: only real IANA zones (what members and moderators type is checked here, and only here).

`zoneinfo.available_timezones()` lists every file of the system's time-zone database, and some are
not zones: `localtime` is the host's own zone (whatever machine the bot runs on), `posixrules` and
`Factory` are artefacts, and `posix/...` / `right/...` are copies of the whole database under other
rules. `ZoneInfo` opens all of them; a member's or a server's zone must never silently mean the host's.
"""

from __future__ import annotations

import enum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MAX_TIMEZONE = 64
NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})  # casefolded
NOT_ZONE_PREFIXES = ("posix/", "right/", "posix", "right")


class ZoneRefusal(enum.Enum):
    UNKNOWN = "unknown"  # not a zone at all (a typo, a city name...)
    NOT_A_ZONE = "not_a_zone"  # a file of the time-zone database that is not a zone (see above)


def _folded(name: str) -> str:
    return name.strip().replace(" ", "_").casefold()


def is_database_artefact(name: str) -> bool:
    folded = _folded(name)
    return folded in NOT_ZONES or folded.startswith(NOT_ZONE_PREFIXES)


@cache
def _zones_by_folded_name() -> dict[str, str]:
    zones = {name for name in available_timezones() if not is_database_artefact(name)} | {"UTC"}
    return {name.casefold(): name for name in zones}


def timezone_refusal(name: str) -> ZoneRefusal | None:
    """Why `name` is not accepted as a time zone, or None when it is."""
    return None if canonical_timezone(name) is not None else _refusal(name)


def _refusal(name: str) -> ZoneRefusal:
    return ZoneRefusal.NOT_A_ZONE if is_database_artefact(name) else ZoneRefusal.UNKNOWN


def canonical_timezone(name: str) -> str | None:
    """The IANA name for what someone typed ("europe/paris" → "Europe/Paris", case-insensitive,
    spaces for underscores), "UTC", or None for anything else."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > MAX_TIMEZONE or is_database_artefact(cleaned):
        return None
    canonical = _zones_by_folded_name().get(cleaned.casefold())
    if canonical is None:
        return None
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return canonical
