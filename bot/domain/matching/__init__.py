"""Binôme's matching engine (pure domain: no Discord, no database).

Pairs members so that each can teach the other something the other wants to learn, maximising the
total pair weight (see ``scoring``) with an exact blossom algorithm (see ``engine`` and ``blossom``).
"""

from typing import TYPE_CHECKING, Any

from bot.domain.matching.model import (
    Candidate,
    MatchOptions,
    MatchResult,
    PairCheck,
    PairIssue,
    ProposedPair,
    Unmatched,
    UnmatchedReason,
)
from bot.domain.matching.scoring import (
    check_pair,
    describe,
    normalize_city,
    pair_score,
    pair_weight,
    priority_points,
    utc_offset_minutes,
)

if TYPE_CHECKING:
    from bot.domain.matching.engine import match


def __getattr__(name: str) -> Any:
    # `match` (and numpy behind it) is imported when first used: the bot process only reads the model
    # and the scoring rules (~20 MB of resident memory less); rounds are matched in the worker process.
    if name == "match":
        from bot.domain.matching.engine import match

        return match
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Candidate",
    "MatchOptions",
    "MatchResult",
    "PairCheck",
    "PairIssue",
    "ProposedPair",
    "Unmatched",
    "UnmatchedReason",
    "check_pair",
    "describe",
    "match",
    "normalize_city",
    "pair_score",
    "pair_weight",
    "priority_points",
    "utc_offset_minutes",
]
