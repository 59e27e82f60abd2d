"""The pair charter's rules: text limits, cleaning, and what is still missing before signing.

Pure rules: no Discord, no database. The limits keep the rendered charter within Discord's embed
limits (each field ≤ 1,024 characters, the whole embed ≤ 6,000) with room for the labels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# The frame of the relationship, in the order it is shown (they are `Charter` columns too).
FRAME_PARTS = ("frequency", "duration", "meeting_format", "confidentiality", "ending")

MAX_FRAME_PART = 300
MAX_OBJECTIVES = 600
MAX_GOAL = 300
MAX_NOTE = 500

# Part name → longest accepted text. "objectives" is either member's own part.
LIMITS: Mapping[str, int] = {
    **dict.fromkeys(FRAME_PARTS, MAX_FRAME_PART),
    "objectives": MAX_OBJECTIVES,
    "shared_goal": MAX_GOAL,
    "goal_note": MAX_NOTE,
}

# What must be written before anyone can sign, in the order it is listed to the members.
REQUIRED_TO_SIGN = (*FRAME_PARTS, "objectives_a", "objectives_b", "shared_goal")

_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class TooLong:
    part: str
    limit: int
    length: int


def clean(text: str | None) -> str:
    """What is stored: trimmed, Unix newlines, trailing spaces and runs of blank lines removed."""
    if not text:
        return ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def too_long(values: Mapping[str, str]) -> list[TooLong]:
    """The parts (named as in `LIMITS`) whose cleaned text is over its limit."""
    problems = []
    for part, text in values.items():
        limit = LIMITS[part]
        length = len(clean(text))
        if length > limit:
            problems.append(TooLong(part, limit, length))
    return problems


def missing_to_sign(parts: Mapping[str, str]) -> list[str]:
    """The parts of `REQUIRED_TO_SIGN` that are still empty (`parts` maps each name to its text)."""
    return [part for part in REQUIRED_TO_SIGN if not (parts.get(part) or "").strip()]


def valid_progress(progress: int) -> bool:
    return 0 <= progress <= 100
