"""A matching round: eligibility → prices for the whole graph → exact solve of a small graph → result.

1. **Eligibility.** A pair (a, b) is eligible when a teaches something b learns, b teaches
   something a learns, they share a language, they are not past partners (unless the re-match is
   explicitly allowed), neither asked to avoid the other, moderators did not exclude the two, and —
   when organizations are kept apart — they do not belong to the same organization. ``graph``
   holds the rules as arrays (skills as bitsets), ``kernels`` evaluates every pair in compiled
   loops; the full graph is never stored.
2. **Small rounds** (at most ``full_graph_max_edges`` pairs): the exact blossom (``blossom``) on
   every eligible pair, maximising pair weights plus a priority bonus per matched member.
3. **Large rounds.** What makes a pair part of the optimum is not its own merit but its merit
   against what each member could get elsewhere: the LP dual. An ε-scaled auction (``auction``)
   finds near-optimal prices for the *whole* eligible graph: it bids on a small candidate graph
   (each member's best partners by merit — never by the partner's queue priority alone), then a
   pass over every pair (``offers``) gives each member its best partner at current prices; those
   the graph missed join it and bid again, until nobody has a better option outside (at most
   ``check_rounds`` passes). Each pass also proves an upper bound on the optimum of the full
   eligible graph (LP duality, see ``offers.Offers.bound``), so ``MatchResult.upper_bound`` is a
   certificate: ``total_score / upper_bound`` is a proven lower bound on the round's quality.
   Then the exact blossom solves the graph of each member's ``solver_candidates`` best partners at
   those prices plus the auction's own pairs: a small graph that holds (nearly) the optimum.
   Memory is linear in members (the blocks of a pass are a few MB each).
4. **Nobody left out who could be paired.** Any eligible pair of two members still unmatched is
   then paired (best first), so "odd one out" means every eligible partner of theirs is in another
   pair.

Determinism: members are numbered in an order derived from ``seed`` and their user ids only, so the
result is the same for any input order, and ties between equally good solutions depend on the seed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable
from itertools import pairwise

import numpy as np

from bot.domain.matching import auction, lists
from bot.domain.matching.blossom import max_weight_matching
from bot.domain.matching.explain import Suggestions, reason
from bot.domain.matching.graph import EXCLUDED, PAST, Population
from bot.domain.matching.model import (
    Candidate,
    MatchOptions,
    MatchResult,
    ProposedPair,
    Unmatched,
    UnmatchedReason,
)
from bot.domain.matching.offers import Pairs, Totals, best_offers, every_pair, first_candidates
from bot.domain.matching.scoring import (
    WEIGHT_SCALE,
    are_past_partners,
    meet_city,
    pair_score,
    priority_points,
    timezone_gap,
)


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
        workers=opts.workers or min(2, os.cpu_count() or 1),
    )

    certificate = None
    if n * (n - 1) // 2 <= opts.full_graph_max_edges:
        every, totals = every_pair(population)
        mate = _blossom(n, every)
        exact = True
    else:
        mate, bound, totals, prices = _large_round(population, opts)
        certificate = {c.user_id: (int(prices[i]), int(prices[n + i])) for i, c in enumerate(order)}
        exact = False
    _pair_the_unmatched(population, mate)

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
    total = sum(p.score for p in pairs)
    upper = total if exact else max(total, bound)
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        eligible_pairs=totals.eligible_pairs,
        blocked_by_exclusions=totals.blocked_by_exclusions,
        blocked_by_organizations=totals.blocked_by_organizations,
        optimal=total >= upper,
        upper_bound=upper,
        certificate=certificate,
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


def _blossom(n: int, pairs: Pairs) -> np.ndarray:
    """The exact maximum-objective matching of the graph ``pairs`` (duplicates allowed)."""
    lo, hi = np.minimum(pairs.i, pairs.j), np.maximum(pairs.i, pairs.j)
    codes = lo * n + hi
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    codes, weights = codes[first], pairs.objective[order][first]
    mate = max_weight_matching(n, list(zip((codes // n).tolist(), (codes % n).tolist(), weights.tolist(), strict=True)))
    return np.array(mate, dtype=np.int64)


def _large_round(population: Population, opts: MatchOptions) -> tuple[np.ndarray, int, Totals, np.ndarray]:
    """Auction prices for the whole graph, checked pass by pass; then the blossom on the members'
    best partners at those prices. Returns (mate, proven upper bound on the optimum, totals, the
    prices that prove it)."""
    state, graph, bound, totals, prices = _prices(population, opts)
    whole = len(graph.cols) // 2 <= opts.solver_max_edges
    mate = _blossom(population.n, _solver_graph(state, graph, population.n if whole else opts.solver_candidates))
    return mate, bound, totals, prices


def _prices(
    population: Population, opts: MatchOptions
) -> tuple[auction.AuctionState, auction.Candidates, int, Totals, np.ndarray]:
    """The auction on a growing graph, checked against every pair pass by pass (module docstring)."""
    n = population.n
    first, totals = first_candidates(population, opts.reserve)
    graph = auction.Candidates(n, first.i, first.j, first.objective)
    state = auction.start(n)
    schedule = opts.auction_schedule
    eps = schedule[-1]
    auction.phases(state, graph, schedule[:-1] or schedule)
    bound: int | None = None
    for _check in range(max(1, opts.check_rounds)):
        worth = auction.held_value(state, graph)
        offers = best_offers(population, state.prices, worth, opts.margin)
        if bound is None or offers.bound < bound:
            bound, prices = offers.bound, state.prices.copy()
        late = np.nonzero(np.maximum(offers.value, -state.prices[n:]) > worth + eps)[0]
        if not len(late):
            break
        more = _capped(Pairs.concat([offers.near, offers.best]), state.prices[:n], opts.near_cap)
        graph = graph.add(more.i, more.j, more.objective)
        # Many members with better options: prices will move far, ε-scaling from the start. Fewer:
        # from a finer ε (a coarse one would stir up everyone around them).
        share = len(late) / n
        few = share <= 0.02
        auction.settle(state, graph, late, schedule[-1:] if few else schedule[1:] if share <= 0.1 else schedule)
        if few:  # the bound would hardly move: another pass is not worth its time
            break
    assert bound is not None
    return state, graph, bound, totals, prices


def _capped(pairs: Pairs, prices: np.ndarray, cap: int) -> Pairs:
    """The pairs among each member's ``cap`` best by ``objective − price of the other``, as directed
    entries (member, partner)."""
    i, j, objective = (np.asarray(getattr(pairs, f), dtype=np.int32) for f in ("i", "j", "objective"))
    return Pairs(*lists.keep_best(i, j, objective, np.ascontiguousarray(prices), cap))


def _solver_graph(state: auction.AuctionState, graph: auction.Candidates, per_member: int) -> Pairs:
    """Each member's ``per_member`` best partners at the auction's prices, and the auction's pairs."""
    n = graph.n
    return Pairs(*lists.best_at_prices(graph.start, graph.cols, graph.values, state.prices, state.held[:n], per_member))


def _pair_the_unmatched(population: Population, mate: np.ndarray) -> None:
    """Pair, best first, any two unmatched members who could be paired (the solved graph is small:
    it may miss such a pair). In place."""
    free = np.nonzero(mate < 0)[0]
    if len(free) < 2:
        return
    found: list[Pairs] = []
    for start in range(0, len(free), population.block):
        rows = free[start : start + population.block]
        ok, merit = population.evaluate(rows)
        ok = ok[:, free]
        r, c = np.nonzero(ok)
        objective = merit[:, free][r, c].astype(np.int64) + population.bonus[rows[r]] + population.bonus[free[c]]
        found.append(Pairs(rows[r], free[c], objective))
    pairs = Pairs.concat(found)
    for k in np.lexsort((pairs.j, pairs.i, -pairs.objective)):
        i, j = int(pairs.i[k]), int(pairs.j[k])
        if mate[i] < 0 and mate[j] < 0:
            mate[i], mate[j] = j, i


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


def warm_up() -> None:
    """Compile the large rounds' kernels now (numba keeps them in its cache beside the sources): a
    tiny round forced onto the large path. ``make`` calls it after installing, so that the first real
    round does not spend its first seconds compiling."""
    members = [
        Candidate(
            k, frozenset({"web" if k % 2 else "sales"}), frozenset({"sales" if k % 2 else "web"}), frozenset({"fr"})
        )
        for k in range(1, 9)
    ]
    match(members, options=MatchOptions(full_graph_max_edges=0))
