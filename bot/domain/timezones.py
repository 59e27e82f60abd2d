"""Time zones: only real IANA zones (what members and moderators type is checked here, and only here).

`zoneinfo.available_timezones()` lists every file of the system's time-zone database, and some are
not zones: `localtime` is the host's own zone (whatever machine the bot runs on), `posixrules` and
`Factory` are artefacts, and `posix/...` / `right/...` are copies of the whole database under other
rules. `ZoneInfo` opens all of them; a member's or a server's zone must never silently mean the host's.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
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


# --- suggesting zones as someone types (setup's autocomplete, the join flow's menu) ---------------

# Zones members of each language commonly live in, most common first (the join flow offers them in a
# menu, the autocomplete before anything is typed). Every entry is a real zone (a test checks).
COMMON_ZONES: dict[str, tuple[str, ...]] = {
    "fr": (
        "Europe/Paris",
        "America/Montreal",
        "Europe/Brussels",
        "Europe/Zurich",
        "Europe/Luxembourg",
        "Africa/Casablanca",
        "Africa/Algiers",
        "Africa/Tunis",
        "Africa/Dakar",
        "Africa/Abidjan",
        "Africa/Douala",
        "Africa/Kinshasa",
        "Indian/Reunion",
        "America/Martinique",
        "America/Guadeloupe",
        "America/Cayenne",
        "America/Port-au-Prince",
        "Pacific/Tahiti",
        "Pacific/Noumea",
    ),
    "en": (
        "America/Toronto",
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Vancouver",
        "America/Halifax",
        "Europe/London",
        "Europe/Dublin",
        "Africa/Lagos",
        "Africa/Nairobi",
        "Africa/Johannesburg",
        "Asia/Kolkata",
        "Asia/Singapore",
        "Asia/Manila",
        "Australia/Sydney",
        "Australia/Perth",
        "Pacific/Auckland",
    ),
}

_OFFSET_QUERY = re.compile(r"(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?:\s*[:h.]?\s*(\d{2}))?")


def common_zones(languages: Sequence[str], first: Sequence[str] = (), limit: int = 25) -> list[str]:
    """The zones to offer before anything is typed: `first` (the server's zone, the member's own...),
    then the common zones of each language in turn, without repeats, at most `limit`."""
    chosen: list[str] = []
    for zone in [*first, *(zone for language in languages for zone in COMMON_ZONES.get(language, ()))]:
        canonical = canonical_timezone(zone) if zone else None
        if canonical is not None and canonical not in chosen:
            chosen.append(canonical)
    return chosen[:limit]


def _plain(text: str) -> str:
    """Case, accents and spaces folded: "Montréal" → "montreal", "new york" → "new_york"."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(" ", "_").casefold()


def offset_of(zone: str, now: datetime) -> int:
    """The zone's UTC offset at `now`, in minutes."""
    delta = now.astimezone(ZoneInfo(zone)).utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else 0


@lru_cache(maxsize=4)
def _offsets_in_hour(hour: int) -> dict[str, int]:
    """Every zone's offset at the start of an hour, for offset queries (instead of converting the time
    into ~600 zones at each keystroke: 45 ms → 2 ms). Around a zone's clock change it may be up to an
    hour stale: harmless for a suggestion (the zone chosen is what is stored, never its offset)."""
    moment = datetime.fromtimestamp(hour * 3600, UTC)
    return {zone: offset_of(zone, moment) for zone in _zones_by_folded_name().values()}


def offset_text(minutes: int) -> str:
    """ "UTC+05:30", "UTC-05:00", "UTC+00:00"."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_label(zone: str, now: datetime) -> str:
    """How a zone is offered: "America/Montreal (UTC-05:00)" (well under Discord's 100 characters)."""
    return zone if zone == "UTC" else f"{zone} ({offset_text(offset_of(zone, now))})"


def _offset_asked(query: str) -> int | None:
    match = _OFFSET_QUERY.fullmatch(query.strip().casefold())
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes >= 60:
        return None
    sign = -1 if match[1] in "-\u2212" else 1
    return sign * (hours * 60 + minutes)


def suggest_timezones(query: str, now: datetime, common: Sequence[str], limit: int = 25) -> list[str]:
    """Zones matching what is typed: a city or any part of the IANA name ("mont" → America/Montreal,
    "paris" → Europe/Paris, "new york"), or an offset ("+2", "UTC-5", "-03:30": zones at that offset
    now). Names starting with the query first, then the `common` zones, then alphabetically. An empty
    or absurd query gets the `common` zones: never an empty answer."""
    folded = _plain(query)[:MAX_TIMEZONE]
    if not folded:
        return list(common[:limit])
    rank_common = {zone: index for index, zone in enumerate(common)}
    offset = _offset_asked(query)
    zones = sorted(_zones_by_folded_name().values())
    if offset is not None:
        offsets = _offsets_in_hour(int(now.timestamp()) // 3600)
        found = [zone for zone in zones if offsets[zone] == offset]
        found.sort(key=lambda zone: (rank_common.get(zone, len(rank_common)), zone))
        return found[:limit] or list(common[:limit])
    scored: list[tuple[int, int, str]] = []
    for zone in zones:
        name = zone.casefold()
        parts = name.split("/")
        if folded == name:
            score = -2
        elif folded == parts[-1]:
            score = -1
        elif parts[-1].startswith(folded) or name.startswith(folded):
            score = 0
        elif any(part.startswith(folded) for part in parts):
            score = 1
        elif folded in name:
            score = 2
        else:
            continue
        scored.append((score, rank_common.get(zone, len(rank_common)), zone))
    scored.sort()
    return [zone for *_, zone in scored[:limit]] or list(common[:limit])
