"""How good a pair is: the weight function and its constants, all in one place.

Weights are computed in points and handed to the solver as integer milli-points
(``WEIGHT_SCALE``), so the optimisation is exact and reproducible: no float summation order issues.

    weight(a, b) = SKILL_POINTS · (gain(n_ab) + gain(n_ba))          what each side learns
                 + BALANCE_POINTS · min(n_ab, n_ba) / max(n_ab, n_ba)  both sides learn about as much
                 + TIMEZONE_POINTS · closeness(offset gap)             easy to find a slot
                 + SAME_CITY_POINTS if both accept in-person and live in the same city

where n_ab is the number of skills a teaches that b wants to learn. The solver maximises the sum of
weights plus PRIORITY_POINTS per priority level of each matched member.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.matching.model import Candidate, PairCheck, PairIssue, ProposedPair

WEIGHT_SCALE = 1000
"""Points → integer milli-points handed to the solver."""

SKILL_POINTS = 3.0
"""Per unit of gain in each direction: what the pair is for, so the largest term."""
BALANCE_POINTS = 2.0
"""Times min/max of the two skill counts: with the same number of skills in total, a 2-for-2
exchange beats a 3-for-1 one where one side gets little (11.5 vs 9.7 points)."""
TIMEZONE_POINTS = 2.0
"""For the same UTC offset, falling linearly to 0 at TIMEZONE_HORIZON_MINUTES apart."""
TIMEZONE_HORIZON_MINUTES = 8 * 60
"""Beyond 8 hours apart, common working hours hardly exist: no bonus, but still eligible."""
UNKNOWN_TIMEZONE_SHARE = 0.5
"""Unknown offset on either side: half the bonus, neither rewarded nor punished much."""
SAME_CITY_POINTS = 1.5
"""Meeting in person is a plus, but never worth more than an extra skill."""
PRIORITY_POINTS = 3.0
"""Per priority level of a matched member: when solutions are close, who waited goes first."""
MAX_PRIORITY_LEVEL = 3
"""Priority levels above this count as this, so priority cannot swamp pair quality."""


def skill_gain(count: int) -> float:
    """Diminishing returns: 1 skill → 1, 2 → 1.58, 3 → 2, 4 → 2.32 (log2(1 + count))."""
    return math.log2(1 + count)


def skill_points(n_ab: int, n_ba: int) -> int:
    """Milli-points for n_ab skills one way and n_ba the other way (both ≥ 1)."""
    gain = SKILL_POINTS * (skill_gain(n_ab) + skill_gain(n_ba))
    balance = BALANCE_POINTS * min(n_ab, n_ba) / max(n_ab, n_ba)
    return round((gain + balance) * WEIGHT_SCALE)


def timezone_gap(a_offset: int | None, b_offset: int | None) -> int | None:
    """Minutes between two UTC offsets, the short way round the clock (0..720), or None."""
    if a_offset is None or b_offset is None:
        return None
    gap = abs(a_offset - b_offset) % 1440
    return min(gap, 1440 - gap)


def timezone_points(a_offset: int | None, b_offset: int | None) -> int:
    gap = timezone_gap(a_offset, b_offset)
    share = UNKNOWN_TIMEZONE_SHARE if gap is None else max(0.0, 1.0 - gap / TIMEZONE_HORIZON_MINUTES)
    return round(TIMEZONE_POINTS * share * WEIGHT_SCALE)


SAME_CITY_SCORE = round(SAME_CITY_POINTS * WEIGHT_SCALE)


def priority_points(priority: int) -> int:
    """Milli-points added to every edge of a member with this priority."""
    level = min(max(priority, 0), MAX_PRIORITY_LEVEL)
    return round(level * PRIORITY_POINTS * WEIGHT_SCALE)


def normalize_city(city: str | None) -> str | None:
    """Casefold, strip accents and collapse whitespace/hyphens: " Montréal " == "montreal"."""
    if city is None:
        return None
    decomposed = unicodedata.normalize("NFKD", city.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = bare.replace("-", " ").replace("'", " ").split()
    return " ".join(words) or None


def meet_city(c: Candidate) -> str | None:
    """The normalised city a member can meet in, or None if they don't meet in person."""
    return normalize_city(c.city) if c.in_person_ok else None


def pair_score(a: Candidate, b: Candidate) -> int | None:
    """Quality of the pair in milli-points (no priority bonus), None if either side would learn
    nothing. Languages and past partners are not checked here (see :func:`check_pair`)."""
    n_ab = len(a.teaches & b.learns)
    n_ba = len(b.teaches & a.learns)
    if not n_ab or not n_ba:
        return None
    score = skill_points(n_ab, n_ba) + timezone_points(a.utc_offset_minutes, b.utc_offset_minutes)
    city = meet_city(a)
    if city is not None and city == meet_city(b):
        score += SAME_CITY_SCORE
    return score


def pair_weight(a: Candidate, b: Candidate) -> float | None:
    """:func:`pair_score` in points."""
    score = pair_score(a, b)
    return None if score is None else score / WEIGHT_SCALE


def are_past_partners(a: Candidate, b: Candidate) -> bool:
    return b.user_id in a.past_partners or a.user_id in b.past_partners


def check_pair(a: Candidate, b: Candidate) -> PairCheck:
    """Everything a moderator should know about pairing a and b by hand."""
    a_teaches_b = tuple(sorted(a.teaches & b.learns))
    b_teaches_a = tuple(sorted(b.teaches & a.learns))
    common = tuple(sorted(a.languages & b.languages))
    city = meet_city(a)
    issues: list[PairIssue] = []
    if a.user_id == b.user_id:
        issues.append(PairIssue.SAME_USER)
    if not a_teaches_b or not b_teaches_a:
        issues.append(PairIssue.NOT_RECIPROCAL)
    if not common:
        issues.append(PairIssue.NO_COMMON_LANGUAGE)
    if are_past_partners(a, b):
        issues.append(PairIssue.PAST_PARTNERS)
    return PairCheck(
        a=a.user_id,
        b=b.user_id,
        a_teaches_b=a_teaches_b,
        b_teaches_a=b_teaches_a,
        common_languages=common,
        same_city=city is not None and city == meet_city(b),
        timezone_gap_minutes=timezone_gap(a.utc_offset_minutes, b.utc_offset_minutes),
        weight=pair_weight(a, b),
        issues=tuple(issues),
    )


def describe(
    pair: ProposedPair,
    skill_name: Callable[[str], str],
    user_name: Callable[[int], str] = str,
) -> str:
    """A compact, language-neutral summary, e.g. ``"12 → 34: SEO, Finance · 34 → 12: Sales"``.

    Skill (and user) names come from the caller, which knows the reader's language.
    """

    def skills(keys: tuple[str, ...]) -> str:
        return ", ".join(skill_name(k) for k in keys)

    a, b = user_name(pair.a), user_name(pair.b)
    return f"{a} → {b}: {skills(pair.a_teaches_b)} · {b} → {a}: {skills(pair.b_teaches_a)}"


def utc_offset_minutes(tz_name: str, at: datetime) -> int:
    """Current UTC offset in minutes of an IANA zone (``"Europe/Paris"``) at an aware instant."""
    offset = at.astimezone(ZoneInfo(tz_name)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)
