"""Data types of the matching engine: what goes in, what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Candidate:
    """One member taking part in a matching round.

    ``utc_offset_minutes`` is the member's current offset from UTC in minutes (e.g. 60 for Paris in
    winter, -300 for Montréal in winter) or None if unknown. The caller resolves the member's IANA
    zone at the round's date (see :func:`bot.domain.matching.utc_offset_minutes`), so daylight
    saving is accounted for and this module stays free of time-zone data.

    ``priority``: higher goes first in line (e.g. 1 for last round's odd one out). Negative values
    count as 0. ``past_partners`` are user ids this member was already paired with; a pair is
    considered past partners if either side lists the other.

    ``avoid``: user ids this member privately asked never to be paired with (either side listing the
    other is enough; never overridden). ``organization``: the member's organization or team; when
    :attr:`MatchOptions.separate_organizations` is on, two members of the same organization are never
    paired (compared case- and accent-insensitively).
    """

    user_id: int
    teaches: frozenset[str]
    learns: frozenset[str]
    languages: frozenset[str]
    utc_offset_minutes: int | None = None
    city: str | None = None
    in_person_ok: bool = False
    priority: int = 0
    past_partners: frozenset[int] = frozenset()
    organization: str | None = None
    avoid: frozenset[int] = frozenset()


class UnmatchedReason(StrEnum):
    ODD_ONE_OUT = "odd_one_out"
    """Had eligible partners but the optimal matching left them out: first in line next round."""
    NO_RECIPROCAL_PARTNER = "no_reciprocal_partner"
    """Nobody teaches what they want to learn while wanting to learn what they teach."""
    NO_COMMON_LANGUAGE = "no_common_language"
    """Reciprocal skill partners exist, but none of them shares a language."""
    ONLY_PAST_PARTNERS = "only_past_partners"
    """Every reciprocal partner sharing a language is a past partner."""
    ONLY_EXCLUDED_PARTNERS = "only_excluded_partners"
    """The remaining partners are all ruled out by an exclusion (a member's "avoid" list or a
    moderator's exclusion of the two). Which one is not said: an "avoid" stays private."""
    ONLY_SAME_ORGANIZATION = "only_same_organization"
    """The remaining partners all belong to the member's own organization (organizations kept apart)."""


class PairIssue(StrEnum):
    SAME_USER = "same_user"
    NOT_RECIPROCAL = "not_reciprocal"
    """At least one side would learn nothing (see which of the two skill tuples is empty)."""
    NO_COMMON_LANGUAGE = "no_common_language"
    PAST_PARTNERS = "past_partners"


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """A pair chosen by the engine, with structured reasons (skill keys, not prose).

    ``a < b`` always. ``weight`` is the pair's quality in points (see ``scoring``), without the
    priority bonus; ``score`` is what the solver maximised, in integer milli-points, bonus included.
    """

    a: int
    b: int
    weight: float
    score: int
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]
    common_languages: tuple[str, ...]
    same_city: bool
    timezone_gap_minutes: int | None
    rematch: bool = False
    """True when the two were past partners and a re-match was explicitly allowed."""

    @property
    def user_ids(self) -> tuple[int, int]:
        return (self.a, self.b)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A member left out of the round, and why (the reasons are checked in the order of the enum:
    the first filter that leaves them no partner is the reason).

    For ``NO_RECIPROCAL_PARTNER``, what would help, as skill keys (at most three, most helpful first):
    ``suggested_skills`` are skills they could add to what they *teach*, wanted by members who teach
    what they want to learn and speak their language; when nobody teaches what they want to learn,
    ``suggested_learning`` are skills they could add to what they *learn*, taught by members who want
    what they teach.
    """

    user_id: int
    reason: UnmatchedReason
    suggested_skills: tuple[str, ...] = ()
    suggested_learning: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    pairs: list[ProposedPair] = field(default_factory=list)
    """Sorted by ``a`` (the smaller user id of each pair)."""
    unmatched: list[Unmatched] = field(default_factory=list)
    """Sorted by user id."""
    eligible_pairs: int = 0
    """How many pairs of members could have been paired (every rule applied)."""
    blocked_by_exclusions: int = 0
    """Pairs that would have been eligible but for an exclusion (an "avoid" or a moderator's)."""
    blocked_by_organizations: int = 0
    """Pairs that would have been eligible but for sharing an organization (and no exclusion)."""
    optimal: bool = True
    """True when the matching is proven optimal on the full eligible graph: always for rounds small
    enough to solve whole, and for larger ones when ``total_score`` reaches ``upper_bound``. Either
    way no two unmatched members could have been paired."""
    upper_bound: int = 0
    """A proven upper bound on the best ``total_score`` any matching of the full eligible graph could
    reach (LP duality; see ``engine``): ``quality`` below is therefore a proven lower bound on how
    close this matching is to the optimum. Equal to ``total_score`` when ``optimal``."""

    certificate: dict[int, tuple[int, int]] | None = None
    """For rounds too large to solve whole: the prices behind ``upper_bound``, so that anyone can
    check it. ``certificate[u] = (p, q)``: p is what u costs as a partner, q what u's "nobody" option
    costs. With a(u, v) the objective of an eligible pair (``pair_score`` plus both priority bonuses),
    ``π(u) = max(max over eligible v of a(u, v) − p(v), −q(u))`` and ``π'(u) = max(−p(u), −q(u))``,
    half of ``Σ π + π' + p + q`` bounds every matching's ``total_score`` (a feasible dual of the
    matching problem's assignment relaxation); ``upper_bound`` is its floor."""

    @property
    def quality(self) -> float:
        """``total_score / upper_bound``: at least this share of the optimum (1.0 when optimal)."""
        return self.total_score / self.upper_bound if self.upper_bound else 1.0

    @property
    def total_weight(self) -> float:
        return sum(p.weight for p in self.pairs)

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.pairs)

    def partner_of(self, user_id: int) -> int | None:
        for p in self.pairs:
            if p.a == user_id:
                return p.b
            if p.b == user_id:
                return p.a
        return None


@dataclass(frozen=True, slots=True)
class PairCheck:
    """Result of :func:`check_pair`, for warning moderators about a manual pairing."""

    a: int
    b: int
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]
    common_languages: tuple[str, ...]
    same_city: bool
    timezone_gap_minutes: int | None
    weight: float | None
    """Quality in points when both directions have something to teach, else None."""
    issues: tuple[PairIssue, ...]

    @property
    def reciprocal(self) -> bool:
        return bool(self.a_teaches_b) and bool(self.b_teaches_a)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Tuning knobs and round-wide constraints (see the module docstring)."""

    full_graph_max_edges: int = 40_000
    """Up to this many member pairs, every eligible pair goes to the solver (exact optimum)."""
    reserve: int = 16
    """Above that: each member's best partners by merit in the auction's first graph."""
    check_rounds: int = 4
    """Passes over every pair at most, each checking the auction's prices against every eligible
    pair, growing its graph where a member has a better option outside, and proving a bound."""
    auction_schedule: tuple[int, ...] = (1000, 100, 30)
    """ε of the auction's phases, in milli-points: the last one bounds how far from the LP optimum
    each member's share may be (the bound is within 2·ε per member of the fractional optimum)."""
    margin: int = 500
    """A pass adds to the auction's graph the pairs worth within this of what a member holds..."""
    near_cap: int = 16
    """...at most this many per member, the best first."""
    solver_candidates: int = 2
    """Partners per member, the best at the auction's prices, in the graph the blossom solves (the
    auction's whole graph when it has at most ``solver_max_edges`` pairs)."""
    solver_max_edges: int = 6_000
    workers: int = 0
    """Threads sharing each pass over the pairs (0: up to two, as many as there are processors)."""
    excluded_pairs: frozenset[frozenset[int]] = frozenset()
    """Pairs of user ids moderators excluded from being paired (``frozenset({a, b})``)."""
    separate_organizations: bool = False
    """Never pair two members of the same ``Candidate.organization``."""
    value_share: int = 0
    """Unused since the auction prices replaced the estimated partner value; kept so that callers
    passing it keep working (as are ``neighbours``, ``value_rounds``, ``refine_neighbours`` and
    ``free_neighbours``)."""
    neighbours: int = 0
    value_rounds: int = 0
    refine_neighbours: int = 0
    free_neighbours: int = 0
