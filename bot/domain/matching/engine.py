"""A matching round: eligibility → sparse candidate graph → exact solve → duality check → result.

1. **Eligibility.** A pair (a, b) is eligible when a teaches something b learns, b teaches
   something a learns, they share a language, they are not past partners (unless the re-match is
   explicitly allowed), neither asked to avoid the other, moderators did not exclude the two, and —
   when organizations are kept apart — they do not belong to the same organization.
2. **Candidate graph.** ``graph.Population`` evaluates every pair block by block with numpy (skills
   as bitsets) and keeps each member's ``reserve`` best candidates *by the pair's own merit* (the
   weight of ``scoring``; the queue priority is a property of a member, not of a pair, and stays out
   of the ranking, so reserves do not all fill with the same few priority members). Memory is linear
   in members × reserve. Small rounds (at most ``full_graph_max_edges`` pairs) take every pair.
3. **Solver.** Exact maximum-weight matching on that graph (``blossom``), maximising pair weights
   plus a priority bonus per matched member.
4. **Duality check.** The solver's vertex duals are checked against *every* eligible pair: a pair
   whose reduced cost ``dual(a) + dual(b) − 2·objective(a, b)`` is negative could improve the
   matching; up to ``refine_neighbours`` such pairs per member join the graph and it is solved again
   (at most ``check_rounds`` times). When no such pair is left the matching is optimal on the full
   eligible graph (LP duality) and ``MatchResult.optimal`` says so. In every case, any eligible pair of
   two members still unmatched is then paired (best first), so nobody is left out who could have
   been paired: "odd one out" means every eligible partner of theirs is in another pair.

Determinism: members are numbered in an order derived from ``seed`` and their user ids only, so the
result is the same for any input order, and ties between equally good solutions depend on the seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from bot.domain.matching.blossom import max_weight_matching_with_duals
from bot.domain.matching.explain import Suggestions, reason
from bot.domain.matching.graph import EXCLUDED, PAST, EdgeSet, Population
from bot.domain.matching.model import (
    Candidate,
    MatchResult,
    ProposedPair,
    Unmatched,
    UnmatchedReason,
)
from bot.domain.matching.scoring import (
    WEIGHT_SCALE,
    are_past_partners,
    meet_city,
    pair_score,
    priority_points,
    timezone_gap,
)


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Tuning knobs and round-wide constraints (see the module docstring)."""

    full_graph_max_edges: int = 40_000
    """Up to this many member pairs, every eligible pair goes to the solver (exact optimum)."""
    reserve: int = 4
    """Above that: candidates per member in the first graph (see ``value_share``)."""
    value_share: int = 80
    """Candidates are ranked by ``merit(a, b) − value_share % × best merit b could have with
    anyone``: the pair's own merit, discounted by how sought-after the partner is, so that members
    everybody wants do not fill every reserve (0 ranks by merit alone). Never by queue priority."""
    neighbours: int = 6
    """Unused since the duality check replaced the estimated-value sparsification; kept so that
    callers passing it keep working."""
    value_rounds: int = 4
    """Unused (see ``neighbours``)."""
    refine_neighbours: int = 1
    """Pairs per matched member failing the duality check that join the graph before solving again."""
    free_neighbours: int = 16
    """The same, per member the solve left unmatched."""
    check_rounds: int = 1
    """How many times at most the graph is grown and solved again after a failed duality check."""
    excluded_pairs: frozenset[frozenset[int]] = frozenset()
    """Pairs of user ids moderators excluded from being paired (``frozenset({a, b})``)."""
    separate_organizations: bool = False
    """Never pair two members of the same ``Candidate.organization``."""


def _seed_hash(seed: int, user_id: int) -> int:
    digest = hashlib.blake2b(f"{seed}:{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def match(
    candidates: Iterable[Candidate],
    *,
    seed: int = 0,
    allow_rematch: Iterable[Collection[int]] = (),
    options: MatchOptions | None = None,
) -> MatchResult:
    """Pair up ``candidates`` so that the total pair weight (plus priority bonus) is maximal.

    ``allow_rematch`` lists pairs of user ids (e.g. ``{12, 34}``) that may be matched again even
    though they were partners before (an "avoid" or an exclusion still wins). Raises ``ValueError``
    on duplicate user ids.
    """
    opts = options or MatchOptions()
    members = sorted(candidates, key=lambda c: c.user_id)
    for prev, cur in pairwise(members):
        if prev.user_id == cur.user_id:
            raise ValueError(f"user {cur.user_id} appears twice")
    n = len(members)
    if n == 0:
        return MatchResult()
    # Vertex numbering: a seeded shuffle of the sorted members (input order plays no part).
    hashes = {c.user_id: _seed_hash(seed, c.user_id) for c in members}
    order = sorted(members, key=lambda c: (hashes[c.user_id], c.user_id))
    allowed = {frozenset(p) for p in allow_rematch if len(frozenset(p)) == 2}
    population = Population(
        order,
        [hashes[c.user_id] >> 7 for c in order],
        _blocked_pairs(order, allowed, opts.excluded_pairs),
        opts.separate_organizations,
    )

    full = n * (n - 1) // 2 <= opts.full_graph_max_edges
    value = None if full else population.best_merits() * opts.value_share // 100
    edges, totals = population.reserves(n if full else opts.reserve, value)
    mate, optimal = _solve(population, edges, opts, exact=full)

    pairs = [_proposed(order[i], order[int(j)]) for i, j in enumerate(mate) if i < j]
    left_out = np.nonzero(mate < 0)[0]
    stages = population.stage_counts(left_out)
    unmatched: list[Unmatched] = []
    suggestions: Suggestions | None = None
    for k, i in enumerate(left_out.tolist()):
        why = reason(stages, k)
        if why is UnmatchedReason.NO_RECIPROCAL_PARTNER:
            suggestions = suggestions or Suggestions(population)
            unmatched.append(Unmatched(order[i].user_id, why, *suggestions.of(i)))
        else:
            unmatched.append(Unmatched(order[i].user_id, why))
    pairs.sort(key=lambda p: p.a)
    unmatched.sort(key=lambda u: u.user_id)
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        eligible_pairs=totals.eligible_pairs,
        blocked_by_exclusions=totals.blocked_by_exclusions,
        blocked_by_organizations=totals.blocked_by_organizations,
        optimal=optimal,
    )


def _blocked_pairs(
    order: list[Candidate], allowed: set[frozenset[int]], excluded: Collection[frozenset[int]]
) -> dict[tuple[int, int], int]:
    """{(i, j): PAST or EXCLUDED} with i < j, for the pairs ruled out one by one."""
    index = {c.user_id: i for i, c in enumerate(order)}
    blocked: dict[tuple[int, int], int] = {}

    def block(a: int, b: int, kind: int) -> None:
        i, j = index.get(a), index.get(b)
        if i is not None and j is not None and i != j:
            key = (i, j) if i < j else (j, i)
            blocked[key] = min(kind, blocked.get(key, kind))

    for c in order:
        for other in c.avoid:
            block(c.user_id, other, EXCLUDED)
    for pair in excluded:
        if len(pair) == 2:
            block(*pair, EXCLUDED)
    for c in order:
        for other in c.past_partners:
            if frozenset((c.user_id, other)) not in allowed:
                block(c.user_id, other, PAST)
    return blocked


def _objective(population: Population, edges: EdgeSet) -> np.ndarray:
    return edges.merit + population.bonus[edges.i] + population.bonus[edges.j]


def _blossom(population: Population, edges: EdgeSet) -> tuple[np.ndarray, np.ndarray]:
    weights = _objective(population, edges)
    mate, duals = max_weight_matching_with_duals(
        population.n, list(zip(edges.i.tolist(), edges.j.tolist(), weights.tolist(), strict=True))
    )
    return np.array(mate, dtype=np.int64), np.array(duals, dtype=np.int64)


def _solve(population: Population, edges: EdgeSet, opts: MatchOptions, *, exact: bool) -> tuple[np.ndarray, bool]:
    """Solve, check duality against every eligible pair, grow the graph, solve again...; then pair
    any two members left unmatched who could be paired. Returns (mate, proven optimal)."""
    mate, duals = _blossom(population, edges)
    if exact:
        return mate, True
    for check in range(opts.check_rounds + 1):
        violating, free_pairs = population.violations(duals, mate < 0, opts.refine_neighbours, opts.free_neighbours)
        # A pair already in the graph cannot improve its optimum (it only looks violating when
        # both ends lie in one blossom, whose dual is not in the vertex duals).
        violating = violating.take(~np.isin(violating.codes(population.n), edges.codes(population.n)))
        if not len(violating):
            return mate, True
        if check == opts.check_rounds:
            break
        edges = edges.union(violating, population.n)
        mate, duals = _blossom(population, edges)
    # Still not proven optimal: at least leave no two unmatched members who could be paired.
    weights = _objective(population, free_pairs)
    for k in np.lexsort((free_pairs.j, free_pairs.i, -weights)):
        i, j = int(free_pairs.i[k]), int(free_pairs.j[k])
        if mate[i] < 0 and mate[j] < 0:
            mate[i], mate[j] = j, i
    return mate, False


def _proposed(x: Candidate, y: Candidate) -> ProposedPair:
    a, b = (x, y) if x.user_id < y.user_id else (y, x)
    quality = pair_score(a, b)
    assert quality is not None
    city = meet_city(a)
    return ProposedPair(
        a=a.user_id,
        b=b.user_id,
        weight=quality / WEIGHT_SCALE,
        score=quality + priority_points(a.priority) + priority_points(b.priority),
        a_teaches_b=tuple(sorted(a.teaches & b.learns)),
        b_teaches_a=tuple(sorted(b.teaches & a.learns)),
        common_languages=tuple(sorted(a.languages & b.languages)),
        same_city=city is not None and city == meet_city(b),
        timezone_gap_minutes=timezone_gap(a.utc_offset_minutes, b.utc_offset_minutes),
        rematch=are_past_partners(a, b),
    )
