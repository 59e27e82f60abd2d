"""The dates a session can be logged for, as offered while typing `/pair log date:`. Pure rules.

A session is logged for a day between the pair's start and today (both in the server's time zone):
the offer is today, yesterday and the days before within the last week; what a member types is
matched against the offer's labels (in their language), or read as YYYY-MM-DD.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

OFFERED_DAYS = 7  # today and the six days before


def offered_days(today: date, since: date, count: int = OFFERED_DAYS) -> list[date]:
    """Today first, then each day before, back a week but never before the pair started."""
    days = (today - timedelta(days=back) for back in range(count))
    return [day for day in days if day >= since]


def folded(text: str) -> str:
    """Case and accents folded ("Aujourd'hui" → "aujourd'hui", "février" → "fevrier")."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def matching(typed: str, offered: Sequence[tuple[date, str]]) -> list[tuple[date, str]]:
    """The offered (day, label) whose label or ISO date contains what is typed (all of them for nothing)."""
    wanted = folded(typed)
    return [(day, label) for day, label in offered if wanted in folded(label) or wanted in day.isoformat()]


def read_day(typed: str, offered: Sequence[tuple[date, str]]) -> date | None:
    """What a member typed as a date: YYYY-MM-DD, or the one offered label it names ("hier",
    "yesterday", "vendredi"); None when it is neither (the caller refuses it)."""
    day = parse_iso(typed)
    if day is not None:
        return day
    found = matching(typed, offered) if typed.strip() else []
    return found[0][0] if len(found) == 1 else None
