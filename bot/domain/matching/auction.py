"""Near-optimal vertex prices for the whole eligible graph: an ε-scaled auction, compiled.

The matching LP without odd-set constraints (a fractional matching) is an assignment problem on the
graph's bipartite double cover: every member is once a *person* and once an *object*, person i values
object j at the pair's objective ``a(i, j)``. So that nobody must be assigned, each person i also has
a private dummy object ``i'`` worth 0, and each object j a dummy person ``j'`` that values j and j' at
0; the assignment is then square and perfect, and Bertsekas' forward auction with ε-scaling applies
(D. Bertsekas, "The auction algorithm: a distributed relaxation method for the assignment problem",
Annals of Operations Research 14, 1988). At the end every person holds an object worth, at current
prices, within ε of its best option, so the prices' dual value is within ``2n·ε`` of the double
cover's optimum, itself at least twice the best matching's objective.

The auction bids on a sparse candidate graph, one bid at a time in compiled code (numba: the
end of a phase is long chains of a few persons displacing one another, which no vectorized round
shortens), then checks the result against *every* eligible pair in one pass (:meth:`Population.best_offers`):
a person with a better option outside the graph gets it added and bids again, until none is left.
The same pass gives the bound (:meth:`Population.price_bound`), which is computed exactly over every
eligible pair and so holds whatever the auction did. Everything is integer: exact and reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from bot.domain.matching import lists

NONE = np.iinfo(np.int64).min // 4
"""The value of a missing option: far below any real value, still safe to add to."""


class Candidates:
    """An undirected candidate graph as per-member lists (CSR), with each pair's objective."""

    def __init__(self, n: int, i: np.ndarray, j: np.ndarray, objective: np.ndarray) -> None:
        self._build(n, *lists.no_lists(n), i, j, objective)

    def _build(
        self,
        n: int,
        start: np.ndarray,
        cols: np.ndarray,
        values: np.ndarray,
        i: np.ndarray,
        j: np.ndarray,
        objective: np.ndarray,
    ) -> None:
        """The lists ``start``/``cols``/``values`` and the pairs (i, j) (each pair once per side,
        duplicates allowed)."""
        self.n = n
        # Each list by objective, best first (prices are never negative, so a scan for the best
        # options can stop at the first objective below the second best value found).
        self.start, self.cols, self.values = lists.best_first(
            start, cols, values, *(np.asarray(a, dtype=np.int32) for a in (i, j, objective))
        )
        self.top = int(self.values.max(initial=0)) + 1

    def add(self, i: np.ndarray, j: np.ndarray, objective: np.ndarray) -> Candidates:
        """A new graph: this one and the pairs (i, j) (each doubled: once per side)."""
        grown = Candidates.__new__(Candidates)
        grown._build(self.n, self.start, self.cols, self.values, i, j, objective)
        return grown

    def gather(self, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(where each person's entries start, columns, objectives) for the lists of ``persons``,
        concatenated in that order."""
        lo, hi = self.start[persons], self.start[persons + 1]
        length = hi - lo
        starts = np.cumsum(length) - length
        index = np.arange(int(length.sum())) + np.repeat(lo - starts, length)
        return starts, self.cols[index], self.values[index]


@dataclass(slots=True)
class AuctionState:
    prices: np.ndarray
    """(2n,) int64: objects 0..n-1 are the members, n..2n-1 the persons' dummy objects."""
    owner: np.ndarray
    """(2n,) the person holding each object (persons n..2n-1 are the dummy persons), -1 none."""
    held: np.ndarray
    """(2n,) the object each person holds, -1 none."""
    bid_since: np.ndarray
    """(2n,) bool: persons who bid since it was last cleared (see :func:`settle`)."""
    rounds: int = 0


def start(n: int) -> AuctionState:
    return AuctionState(
        np.zeros(2 * n, dtype=np.int64),
        np.full(2 * n, -1, dtype=np.int64),
        np.full(2 * n, -1, dtype=np.int64),
        np.zeros(2 * n, dtype=bool),
    )


def bid(state: AuctionState, graph: Candidates, eps: int, bidders: np.ndarray) -> None:
    """Forward auction bids until every person holds an object (``bidders``: persons holding none,
    taken lowest first; a displaced person bids next)."""
    queue = np.sort(np.asarray(bidders, dtype=np.int64))[::-1].copy()
    state.rounds += _bid(
        graph.cols,
        graph.values,
        graph.start,
        graph.top,
        state.prices,
        state.owner,
        state.held,
        state.bid_since,
        eps,
        queue,
    )


@njit(cache=True, nogil=True)
def _bid(cols, values, start, top, prices, owner, held, bid_since, eps, queue):  # pragma: no cover - compiled
    """The auction one bid at a time (Gauss-Seidel), compiled: a bid costs tens of nanoseconds, so
    the long chains at the end of a phase (a few persons displacing one another) cost little.

    A person ``i < n`` values each object of its list at ``objective − price`` and its own dummy
    object ``n + i`` at ``−price``; the dummy person ``n + j`` values object j and dummy object
    ``n + j`` at ``−price``. A person takes its best (ties: the dummy object, then the list's order)
    and raises its price by best − second best + ε (with a single option, by the graph's largest
    objective). Lists are sorted by objective, best first, and prices are never negative: the scan
    stops at the first objective that cannot beat the second best. Returns the number of bids."""
    n = len(start) - 1
    stack = np.empty(2 * n + len(queue), dtype=np.int64)
    size = len(queue)
    stack[:size] = queue
    bids = 0
    while size:
        size -= 1
        person = stack[size]
        bids += 1
        bid_since[person] = True
        if person < n:
            best = -prices[n + person]
            target = n + person
            second = NONE
            for k in range(start[person], start[person + 1]):
                objective = values[k]
                if objective <= second:
                    break
                value = objective - prices[cols[k]]
                if value > best:
                    second = best
                    best = value
                    target = cols[k]
                elif value > second:
                    second = value
        else:
            j = person - n
            on_j = -prices[j]
            on_dummy = -prices[person]
            if on_j >= on_dummy:
                target, best, second = j, on_j, on_dummy
            else:
                target, best, second = person, on_dummy, on_j
        second = max(second, best - top)
        prices[target] += best - second + eps
        previous = owner[target]
        if previous >= 0:
            held[previous] = -1
            stack[size] = previous
            size += 1
        owner[target] = person
        held[person] = target
    return bids


def phases(state: AuctionState, graph: Candidates, schedule: tuple[int, ...]) -> None:
    """One auction phase per ε of ``schedule`` (decreasing), every person bidding again in each
    (prices are kept, so a phase starts where the previous one left off)."""
    for eps in schedule:
        state.owner[:] = -1
        state.held[:] = -1
        bid(state, graph, eps, np.arange(2 * graph.n))


def rebid(state: AuctionState, graph: Candidates, eps: int, persons: np.ndarray) -> None:
    """``persons`` let go of what they hold and bid again."""
    holding = state.held[persons]
    state.owner[holding[holding >= 0]] = -1
    state.held[persons] = -1
    bid(state, graph, eps, persons)


def settle(state: AuctionState, graph: Candidates, persons: np.ndarray, schedule: tuple[int, ...]) -> None:
    """ε-scaling for a few persons whose options changed (the graph grew): they bid at the first ε,
    then everyone who bid at an ε coarser than the last bids again at the next one. The others keep
    what they hold: prices only rose, so they still hold an object within the last ε of their best."""
    for eps in schedule:
        state.bid_since[:] = False
        rebid(state, graph, eps, persons)
        persons = np.nonzero(state.bid_since)[0]


def held_value(state: AuctionState, graph: Candidates) -> np.ndarray:
    """(n,) what each member's held object is worth to them at current prices (objective − price)."""
    n = graph.n
    held = state.held[:n]
    value = -state.prices[held]  # dummy object: 0 − price
    real = np.nonzero(held < n)[0]
    if len(real):
        starts, cols, objective = graph.gather(real)
        length = np.diff(np.append(starts, len(cols)))
        segment = np.repeat(np.arange(len(real)), length)
        hit = cols == held[real][segment]
        worth = np.full(len(real), NONE, dtype=np.int64)
        worth[segment[hit]] = objective[hit]
        value[real] = worth - state.prices[held[real]]
    return value
