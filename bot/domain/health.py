"""A pair's health, as the moderators' console shows it, and the one definition of "needs attention".

Pure rules: the facts of a pair come in (dates, counts), its silent weeks and concerns come out.

A pair **needs attention** when it is running (active) and at least one of these holds:

- it is **silent**: no session held for `SILENT_WEEKS` (2) weeks or more (counted from its last
  session held, or from its start when it never held one);
- its **charter is unsigned** `CHARTER_GRACE` (3 weeks) after its start;
- it is **one-sided**: after `ONE_SIDED_AFTER` (4) sessions, one member led `ONE_SIDED_SHARE`
  (75 %) of them or more. Both being mentors in turn is the heart of the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

SILENT_WEEKS = 2
CHARTER_GRACE = timedelta(weeks=3)
ONE_SIDED_AFTER = 4
ONE_SIDED_SHARE = 0.75

ACTIVE = "active"
ENDED = "ended"


class Concern(StrEnum):
    SILENT = "silent"
    CHARTER_UNSIGNED = "charter_unsigned"
    ONE_SIDED = "one_sided"


class HealthFilter(StrEnum):
    ALL = "all"
    ATTENTION = "attention"
    UNSIGNED = "unsigned"
    ENDED = "ended"


class HealthOrder(StrEnum):
    WORRYING = "worrying"
    NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class PairFacts:
    pair_id: int
    status: str
    member_a: int | None
    member_b: int | None
    created_at: datetime
    active_since: datetime | None
    ended_at: datetime | None
    charter_signed: bool
    sessions_held: int
    led_a: int
    led_b: int
    last_session: date | None
    first_meeting_planned: bool


@dataclass(frozen=True, slots=True)
class PairHealth:
    facts: PairFacts
    silent_weeks: int
    concerns: tuple[Concern, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.concerns)


def silent_weeks(facts: PairFacts, today: date) -> int:
    """Whole weeks without a session held, for a running pair (0 otherwise)."""
    if facts.status != ACTIVE or facts.active_since is None:
        return 0
    since = facts.active_since.date()
    if facts.last_session is not None:
        since = max(since, facts.last_session)
    return max((today - since).days // 7, 0)


def leader_share(led_a: int, led_b: int) -> float | None:
    """The share of sessions led by the member who led more (0.5 is perfect balance)."""
    total = led_a + led_b
    return max(led_a, led_b) / total if total else None


def is_one_sided(led_a: int, led_b: int) -> bool:
    share = leader_share(led_a, led_b)
    return led_a + led_b >= ONE_SIDED_AFTER and share is not None and share >= ONE_SIDED_SHARE


def assess(facts: PairFacts, now: datetime, today: date) -> PairHealth:
    """The pair's silent weeks and concerns. `today` is the server's local date at `now`."""
    silent = silent_weeks(facts, today)
    concerns: list[Concern] = []
    if facts.status == ACTIVE and facts.active_since is not None:
        if silent >= SILENT_WEEKS:
            concerns.append(Concern.SILENT)
        if not facts.charter_signed and now - facts.active_since >= CHARTER_GRACE:
            concerns.append(Concern.CHARTER_UNSIGNED)
        if is_one_sided(facts.led_a, facts.led_b):
            concerns.append(Concern.ONE_SIDED)
    return PairHealth(facts, silent, tuple(concerns))


def keep(health: PairHealth, wanted: HealthFilter) -> bool:
    status = health.facts.status
    if wanted is HealthFilter.ATTENTION:
        return health.needs_attention
    if wanted is HealthFilter.UNSIGNED:
        return status != ENDED and not health.facts.charter_signed
    if wanted is HealthFilter.ENDED:
        return status == ENDED
    return True


def ordered(pairs: list[PairHealth], order: HealthOrder) -> list[PairHealth]:
    """Most worrying first (more concerns, longer silence, then ended pairs last), or newest first."""
    newest = sorted(pairs, key=lambda h: (h.facts.created_at, h.facts.pair_id), reverse=True)
    if order is HealthOrder.NEWEST:
        return newest
    return sorted(newest, key=lambda h: (h.facts.status == ENDED, -len(h.concerns), -h.silent_weeks))
