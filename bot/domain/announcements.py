"""Rounds announced ahead: the date a moderator types, and what members may answer. Pure rules."""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta

MAX_AHEAD = timedelta(days=366)

AVAILABLE = "available"
SKIP = "skip"  # "sit this round out": paused for that round only
ANSWERS = (AVAILABLE, SKIP)

# An announcement's life: posted (draft until Discord accepted it), open, then the round it announced
# ran (a confirmed round closes it), or a newer announcement replaced it.
DRAFT, OPEN, RAN, REPLACED = "draft", "open", "ran", "replaced"


class DateProblem(enum.Enum):
    NOT_A_DATE = "not_a_date"
    PAST = "past"
    TOO_FAR = "too_far"


def parse_round_date(text: str, today: date) -> date | DateProblem:
    """ "2026-12-03", "03/12/2026" or "3.12.2026" → the date; refused when it is not a date, is before
    `today` (the server's local date) or more than a year ahead."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            year, month, day = (int(part) for part in value.split("-"))
        elif match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value):
            day, month, year = int(match[1]), int(match[2]), int(match[3])
        else:
            return DateProblem.NOT_A_DATE
        chosen = date(year, month, day)
    except ValueError:
        return DateProblem.NOT_A_DATE
    if chosen < today:
        return DateProblem.PAST
    if chosen - today > MAX_AHEAD:
        return DateProblem.TOO_FAR
    return chosen
