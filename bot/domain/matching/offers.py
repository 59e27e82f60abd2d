"""The passes over every eligible pair that feed the auction (see ``auction``), and the bound.

Each pass evaluates every pair once, in the compiled loops of ``kernels`` shared by threads
(``Population.in_parts``), and keeps O(n) per member at most:

* :func:`first_candidates`: each member's best partners by objective, the auction's first graph;
  also counts the round's eligible pairs and those removed by exclusions and organizations.
* :func:`best_offers`: against auction prices, each member's best partner by ``objective − price``
  over *every* eligible pair, the pairs worth about as much as what the member holds (to grow the
  auction's graph), and the upper bound the prices prove on the optimum (see ``Offers.bound``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.domain.matching import kernels
from bot.domain.matching.graph import Population

NONE = np.iinfo(np.int64).min // 4
"""The value of no option at all: far below any real value, still safe to add to."""


@dataclass(frozen=True, slots=True)
class Pairs:
    """Undirected pairs (i, j) with their objective (merit plus both priority bonuses)."""

    i: np.ndarray
    j: np.ndarray
    objective: np.ndarray

    @staticmethod
    def concat(parts: list[Pairs]) -> Pairs:
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return Pairs(empty, empty, empty)
        return Pairs(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("i", "j", "objective")))


@dataclass(frozen=True, slots=True)
class Totals:
    eligible_pairs: int
    blocked_by_exclusions: int
    blocked_by_organizations: int


class _Best:
    """A best offer per member: value (NONE: none), partner (-1), the pair's objective."""

    def __init__(self, n: int) -> None:
        self.value = np.full(n, NONE, dtype=np.int64)
        self.partner = np.full(n, -1, dtype=np.int64)
        self.objective = np.zeros(n, dtype=np.int64)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.value, self.partner, self.objective

    def merge(self, later: _Best) -> None:
        """Keep the better of the two per member (ties: this one, found on earlier rows)."""
        better = later.value > self.value
        self.value[better], self.partner[better] = later.value[better], later.partner[better]
        self.objective[better] = later.objective[better]

    def pairs(self, members: np.ndarray) -> Pairs:
        """Each member's pair (int32, as the passes' other pairs)."""
        has = members[self.partner[members] >= 0]
        return Pairs(*(a.astype(np.int32) for a in (has, self.partner[has], self.objective[has])))


def _objective(population: Population, rows: np.ndarray, first: int, merit: np.ndarray) -> np.ndarray:
    return merit.astype(np.int64) + population.bonus[rows, None] + population.bonus[None, first:]


def first_candidates(population: Population, per_member: int) -> tuple[Pairs, Totals]:
    """The auction's first graph: for each member, among the members after it in vertex order (a
    seeded shuffle) cut into ``per_member`` runs, its best partner by merit in each run (all of them
    when they are few); and its best among those before it. Also the round's totals.

    Ranked by the pair's own merit (and a seeded tiebreak), never by the partner's queue priority:
    then everyone's first graph would hold the same few members."""
    n = population.n
    rules = population.rules()
    mix = (population.mix & ((1 << kernels.TIE_BITS) - 1)).astype(np.int64)

    def part(lo: int, hi: int) -> tuple[Pairs, np.ndarray, np.ndarray, np.ndarray]:
        behind_key, behind = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
        i, j, objective, tally = kernels.first_pass(lo, hi, rules, mix, max(1, per_member), behind_key, behind)
        return Pairs(i, j, objective), behind_key, behind, tally

    parts = population.in_parts(part)
    forward = [pairs for pairs, *_ in parts]
    _, behind_key, behind, tally = parts[0]
    for _, key, partner, counts in parts[1:]:
        better = key > behind_key  # ties: the earlier rows, as one pass would
        behind_key[better], behind[better] = key[better], partner[better]
        tally = tally + counts
    has = np.nonzero(behind >= 0)[0]
    partner = behind[has]
    back = Pairs(
        has, partner, (behind_key[has] >> kernels.TIE_BITS) + population.bonus[has] + population.bonus[partner]
    )
    excluded, organizations, eligible = (int(x) for x in tally)
    return Pairs.concat([*forward, back]), Totals(eligible, excluded, organizations)


def every_pair(population: Population) -> tuple[Pairs, Totals]:
    """Every eligible pair (a round small enough to solve whole), and the round's totals."""

    def block(rows: np.ndarray) -> tuple[Pairs, list[int]]:
        first = int(rows[0])
        tally = [0, 0, 0]
        ok, merit = population.evaluate(rows, first=first, tally=tally, upper=True)
        r, c = np.nonzero(ok)
        objective = _objective(population, rows, first, merit)
        return Pairs(rows[r], c + first, objective[r, c]), tally

    found: list[Pairs] = []
    tally = [0, 0, 0]
    for pairs, counts in population.scan(block):
        found.append(pairs)
        tally = [a + b for a, b in zip(tally, counts, strict=True)]
    excluded, organizations, eligible = tally
    return Pairs.concat(found), Totals(eligible, excluded, organizations)


@dataclass(frozen=True, slots=True)
class Offers:
    """See :func:`best_offers`."""

    value: np.ndarray
    """Per member, the best ``objective(i, j) − price(j)`` over every eligible partner j (NONE: none)."""
    best: Pairs
    """Per member with an eligible partner, the pairs reaching that value (one or two per member:
    the best among the members after it in vertex order, and among those before)."""
    near: Pairs
    """Every eligible pair worth at least ``floor`` to one of its two members."""
    bound: int
    """An upper bound on the maximum objective of a matching of the whole eligible graph. With each
    person's profit ``π(i) = max(value(i), −p(i'))`` and each dummy person's ``max(−p(j), −p(j'))``,
    (π, p) is a feasible dual solution of the assignment problem on the double cover (see
    ``auction``), whose optimum is at least twice the best matching's objective (a matching M gives
    the assignment i→j and j→i on M, i→i' and i'→i off M, j'→j' for j on M); so half its value bounds
    it, whatever the prices."""


def best_offers(population: Population, prices: np.ndarray, held: np.ndarray, margin: int) -> Offers:
    """Against auction prices (members as objects 0..n-1, their dummy objects n..2n-1), each
    member's best partners over every eligible pair, the bound (see ``Offers``), and ``near``: the
    pairs worth, to one side, at least what it ``held`` (its current value) or the best found so far
    for it, less ``margin``."""
    n = population.n
    p = np.ascontiguousarray(prices[:n], dtype=np.int64)
    known = held.astype(np.int64)
    rules = population.rules()
    ahead = _Best(n)  # rows: each part its own

    def part(lo: int, hi: int) -> tuple[_Best, Pairs]:
        behind, found = _Best(n), []
        room = 4 * (hi - lo) + 1024
        while lo < hi:  # room for the near pairs, doubled each time it runs out
            near = tuple(np.empty(room, dtype=np.int32) for _ in range(3))
            size, lo = kernels.offers_pass(lo, hi, rules, p, known, margin, ahead.arrays(), behind.arrays(), near)
            found.append(Pairs(*(a[:size] for a in near)))
            room *= 2
        return behind, Pairs.concat(found)

    parts = population.in_parts(part)
    behind = parts[0][0]
    for later, _ in parts[1:]:
        behind.merge(later)
    value = np.maximum(ahead.value, behind.value)
    persons = np.maximum(value, -prices[n:])
    dummies = np.maximum(-p, -prices[n:])
    bound = int(persons.sum() + dummies.sum() + prices.sum()) // 2
    members = np.arange(n)
    best = Pairs.concat([ahead.pairs(members), behind.pairs(members)])
    return Offers(value, best, Pairs.concat([near for _, near in parts]), bound)
