"""Binôme's matching engine (pure domain: no Discord, no database).

Pairs members so that each can teach the other something the other wants to learn, maximising the
total pair weight (see ``scoring``) with an exact blossom algorithm (see ``engine`` and ``blossom``).
"""

from bot.domain.matching.engine import MatchOptions, match
from bot.domain.matching.model import (
    Candidate,
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
