"""The passes over every eligible pair that feed the auction (see ``auction``), and the bound.

Each pass evaluates every pair once (``Population.scan``) and keeps O(n) per member at most:

* :func:`first_candidates`: each member's best partners by objective, the auction's first graph;
  also counts the round's eligible pairs and those removed by exclusions and organizations.
* :func:`best_offers`: against auction prices, each member's best partner by ``objective − price``
  over *every* eligible pair, the pairs worth about as much as what the member holds (to grow the
  auction's graph), and the upper bound the prices prove on the optimum (see ``Offers.bound``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.domain.matching.graph import Population

NONE = np.iinfo(np.int64).min // 4
"""The value of no option at all: far below any real value, still safe to add to."""
_TIE_BITS = 14
"""Objectives stay below 2**17 milli-points (255 skills each way, top priority both sides), so an
objective and a 14-bit tiebreak fit an int32 key."""


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
    """A running best offer per member: value, partner, the pair's objective."""

    def __init__(self, n: int) -> None:
        self.value = np.full(n, NONE, dtype=np.int64)
        self.partner = np.full(n, -1, dtype=np.int64)
        self.objective = np.zeros(n, dtype=np.int64)

    def offer(self, who: np.ndarray, value: np.ndarray, partner: np.ndarray, objective: np.ndarray) -> None:
        value = value.astype(np.int64)
        value[value <= -(1 << 30)] = NONE  # no option (a pass may work in int32)
        value = np.maximum(value, NONE)
        better = value > self.value[who]
        sel = who[better]
        self.value[sel], self.partner[sel], self.objective[sel] = value[better], partner[better], objective[better]

    def pairs(self, members: np.ndarray) -> Pairs:
        has = members[self.partner[members] >= 0]
        return Pairs(has, self.partner[has], self.objective[has])


def _objective(population: Population, rows: np.ndarray, first: int, merit: np.ndarray) -> np.ndarray:
    return merit.astype(np.int64) + population.bonus[rows, None] + population.bonus[None, first:]


def first_candidates(population: Population, per_member: int) -> tuple[Pairs, Totals]:
    """The auction's first graph: for each member, among the members after it in vertex order (a
    seeded shuffle) cut into ``per_member`` groups, its best partner by merit in each group (all of
    them when they are few); and its best among those before it. Also the round's totals."""
    n = population.n
    mix = population.mix.astype(np.int32) & ((1 << _TIE_BITS) - 1)
    groups = max(1, per_member)

    def block(rows: np.ndarray) -> tuple[Pairs, tuple[np.ndarray, np.ndarray, np.ndarray], list[int]]:
        first = int(rows[0])
        tally = [0, 0, 0]
        ok, merit = population.evaluate(rows, first=first, tally=tally, upper=True)
        objective = merit + population.bonus[rows, None] + population.bonus[None, first:]
        # (the pair's own merit, seeded tiebreak) in one int32 key; -1: not eligible. Never the
        # partner's queue priority: then everyone's first graph would hold the same few members.
        key = np.where(ok, (merit << _TIE_BITS) | (mix[rows, None] ^ mix[None, first:]), -1)
        width = n - first
        if width >= 2 * groups:  # groups of consecutive columns, the few last columns aside
            span = width // groups
            at = key[:, : span * groups].reshape(len(rows), groups, span).argmax(axis=2)
            c = (at + span * np.arange(groups)[None, :]).ravel()
            r = np.repeat(np.arange(len(rows)), groups)
        else:
            r, c = np.nonzero(key >= 0)
        keep = key[r, c] >= 0
        r, c = r[keep], c[keep]
        forward = Pairs(rows[r], c + first, objective[r, c].astype(np.int64))
        at = key.argmax(axis=0)
        cols = np.arange(n - first)
        return forward, (cols + first, key[at, cols].astype(np.int64), rows[at]), tally

    forward: list[Pairs] = []
    behind_key = np.full(n, -1, dtype=np.int64)
    behind = np.full(n, -1, dtype=np.int64)
    tally = [0, 0, 0]
    for pairs, (cols, key, partner), counts in population.scan(block):
        forward.append(pairs)
        better = key > behind_key[cols]
        behind_key[cols[better]], behind[cols[better]] = key[better], partner[better]
        tally = [a + b for a, b in zip(tally, counts, strict=True)]
    has = np.nonzero(behind >= 0)[0]
    partner = behind[has]
    back = Pairs(has, partner, (behind_key[has] >> _TIE_BITS) + population.bonus[has] + population.bonus[partner])
    excluded, organizations, eligible = tally
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
    pairs worth, to one side, at least what it ``held`` (its current value) or the best the same
    block offers it, less ``margin``."""
    n = population.n
    p = prices[:n]
    ahead, behind = _Best(n), _Best(n)
    known = held.astype(np.int64)
    # Values in int32 (half the memory traffic of int64) while prices stay below 2**29, as they do
    # (a bid raises a price by at most the largest objective plus ε).
    kind = np.int32 if int(np.abs(p).max(initial=0)) < 1 << 29 else np.int64
    p32 = p.astype(kind)
    absent = kind(-(1 << 30) if kind is np.int32 else NONE)  # ineligible, minus any price: below it
    lowest = int(absent) + 1

    def block(rows: np.ndarray) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], Pairs]:
        first = int(rows[0])
        ok, merit = population.evaluate(rows, first=first, upper=True)
        objective = merit + population.bonus[rows, None] + population.bonus[None, first:]
        masked = np.where(ok, objective.astype(kind), absent)
        local = np.arange(len(rows))
        forward = masked - p32[None, first:]  # rows as persons
        at = forward.argmax(axis=1)
        front = (rows, forward[local, at], at + first, objective[local, at])
        backward = masked - p32[rows, None]  # columns as persons
        at = backward.argmax(axis=0)
        cols = np.arange(n - first)
        back = (cols + first, backward[at, cols], rows[at], objective[at, cols])
        # What each member holds or the best the block offers it, less the margin (the block's own
        # values only: the same whatever order the threads run the blocks in).
        floor = known[first:] - margin
        floor[: len(rows)] = np.maximum(floor[: len(rows)], front[1] - margin)
        floor = np.maximum(np.maximum(floor, back[1] - margin), lowest).astype(kind)
        r, c = np.nonzero((forward >= floor[: len(rows), None]) | (backward >= floor[None, :]))
        pairs = Pairs(rows[r].astype(np.int32), (c + first).astype(np.int32), objective[r, c].astype(np.int32))
        return front, back, (pairs, forward[r, c], backward[r, c])

    def _floor(who: np.ndarray) -> np.ndarray:
        return np.maximum(known[who], np.maximum(ahead.value[who], behind.value[who])) - margin

    near: list[Pairs] = []
    for front, back, (pairs, forward_value, backward_value) in population.scan(block):
        ahead.offer(*front)
        behind.offer(*back)
        # Again against the best found so far, blocks taken in order: the same whatever the threads.
        keep = (forward_value >= _floor(pairs.i)) | (backward_value >= _floor(pairs.j))
        near.append(Pairs(pairs.i[keep], pairs.j[keep], pairs.objective[keep]))
    value = np.maximum(ahead.value, behind.value)
    persons = np.maximum(value, -prices[n:])
    dummies = np.maximum(-p, -prices[n:])
    bound = int(persons.sum() + dummies.sum() + prices.sum()) // 2
    members = np.arange(n)
    best = Pairs.concat([ahead.pairs(members), behind.pairs(members)])
    return Offers(value, best, Pairs.concat(near), bound)
