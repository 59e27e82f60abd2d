"""Progress on objectives, from both sides: each member rates where they stand (1–5) on each of their
personal objectives and on the shared goal, at the charter, at mid-cycle and at the end of the cycle,
and says at mid and end of cycle who led most. Pure rules: no Discord, no database.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

MIN_RATING, MAX_RATING = 1, 5
MAX_RATED_OBJECTIVES = 4  # a form holds 5 inputs: 4 objectives and the shared goal
MAX_OBJECTIVE_LABEL = 200
MIN_RATERS = 2  # moderators see an average only when at least this many members gave it

_BULLET = re.compile(r"^\s*(?:[-*•·–—]+|\d+\s*[.)-])\s*")


class ProgressStage(StrEnum):
    START = "start"  # at the charter
    MID = "mid"
    END = "end"


STAGES = tuple(ProgressStage)


class LedMost(StrEnum):
    """The answer to "who led most?" (the check-in asks whether the roles really alternated)."""

    ME = "me"
    PARTNER = "partner"
    EQUAL = "equal"


def objective_items(text: str) -> list[str]:
    """A member's personal objectives as separate items to rate: one per line (bullets and numbers
    removed). More than four: the fourth item gathers the rest, so none is left unrated."""
    lines = [_BULLET.sub("", line).strip() for line in (text or "").splitlines()]
    items = [line for line in lines if line]
    if len(items) > MAX_RATED_OBJECTIVES:
        items = [*items[: MAX_RATED_OBJECTIVES - 1], " · ".join(items[MAX_RATED_OBJECTIVES - 1 :])]
    return [item[:MAX_OBJECTIVE_LABEL] for item in items]


def parse_rating(text: str | None) -> int | None:
    """ "4" → 4; anything that is not a whole number from 1 to 5 → None."""
    value = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,2}", value):
        return None
    number = int(value)
    return number if MIN_RATING <= number <= MAX_RATING else None


@dataclass(frozen=True, slots=True)
class Rated:
    """A member's ratings at one stage."""

    stage: ProgressStage
    ratings: tuple[int, ...]
    goal: int
    objectives: tuple[str, ...] = ()

    @property
    def objectives_average(self) -> float:
        return statistics.fmean(self.ratings) if self.ratings else float(self.goal)


def change(before: Rated | None, after: Rated | None) -> tuple[int | None, ...]:
    """Per objective, how much the rating moved from `before` to `after` (None where either lacks it)."""
    if before is None or after is None:
        return ()
    count = max(len(before.ratings), len(after.ratings))
    return tuple(
        after.ratings[i] - before.ratings[i] if i < len(before.ratings) and i < len(after.ratings) else None
        for i in range(count)
    )


def average(values: Iterable[float], minimum: int = MIN_RATERS) -> float | None:
    """The mean of `values`, or None when fewer than `minimum` of them (too few to stay anonymous)."""
    values = list(values)
    return statistics.fmean(values) if len(values) >= max(minimum, 1) else None


@dataclass(frozen=True, slots=True)
class StageFigures:
    raters: int
    objectives: float | None  # average self-rating of personal objectives (1–5)
    goal: float | None  # average self-rating of the shared goal


@dataclass(frozen=True, slots=True)
class ProgressFigures:
    """What moderators see: aggregates only."""

    stages: dict[ProgressStage, StageFigures]
    change_mid: float | None  # average change of a member's objectives rating, charter → mid-cycle
    change_end: float | None  # charter → end of cycle
    rated_twice: int
    led_answers: int
    led_equal: int  # answered "about equal"
    led_disagree: int  # pairs where both said "me" or both said "my partner" at the same check-in

    @property
    def empty(self) -> bool:
        return not any(s.raters for s in self.stages.values()) and not self.led_answers


def figures(rows: Sequence[tuple[int, int, int, ProgressStage, float, int, LedMost | None]]) -> ProgressFigures:
    """Aggregate rows of (pair, member, cycle, stage, objectives average, goal rating, led most)."""
    by_stage: dict[ProgressStage, list[tuple[float, int]]] = {stage: [] for stage in STAGES}
    per_member: dict[tuple[int, int, int], dict[ProgressStage, float]] = {}
    led: dict[tuple[int, int, ProgressStage], list[LedMost]] = {}
    for pair, member, cycle, stage, objectives, goal, led_most in rows:
        by_stage[stage].append((objectives, goal))
        per_member.setdefault((pair, member, cycle), {})[stage] = objectives
        if led_most is not None:
            led.setdefault((pair, cycle, stage), []).append(led_most)
    stages = {
        stage: StageFigures(
            raters=len(values),
            objectives=average(v for v, _ in values),
            goal=average(g for _, g in values),
        )
        for stage, values in by_stage.items()
    }
    mid = [s[ProgressStage.MID] - s[ProgressStage.START] for s in per_member.values() if {"start", "mid"} <= set(s)]
    end = [s[ProgressStage.END] - s[ProgressStage.START] for s in per_member.values() if {"start", "end"} <= set(s)]
    answers = [answer for group in led.values() for answer in group]
    disagree = sum(
        1 for group in led.values() if len(group) == 2 and group[0] == group[1] and group[0] is not LedMost.EQUAL
    )
    return ProgressFigures(
        stages=stages,
        change_mid=average(mid),
        change_end=average(end),
        rated_twice=len({key for key, s in per_member.items() if ProgressStage.START in s and len(s) > 1}),
        led_answers=len(answers),
        led_equal=sum(answer is LedMost.EQUAL for answer in answers),
        led_disagree=disagree,
    )
