"""Near-optimal vertex prices for the whole eligible graph: an ε-scaled auction, vectorized.

The matching LP without odd-set constraints (a fractional matching) is an assignment problem on the
graph's bipartite double cover: every member is once a *person* and once an *object*, person i values
object j at the pair's objective ``a(i, j)``. So that nobody must be assigned, each person i also has
a private dummy object ``i'`` worth 0, and each object j a dummy person ``j'`` that values j and j' at
0; the assignment is then square and perfect, and Bertsekas' forward auction with ε-scaling applies
(D. Bertsekas, "The auction algorithm: a distributed relaxation method for the assignment problem",
Annals of Operations Research 14, 1988). At the end every person holds an object worth, at current
prices, within ε of its best option, so the prices' dual value is within ``2n·ε`` of the double
cover's optimum, itself at least twice the best matching's objective.

The auction bids on a sparse candidate graph (numpy, every unassigned person at once: Jacobi rounds),
then checks the result against *every* eligible pair in one pass (:meth:`Population.best_offers`):
a person with a better option outside the graph gets it added and bids again, until none is left.
The same pass gives the bound (:meth:`Population.price_bound`), which is computed exactly over every
eligible pair and so holds whatever the auction did. Everything is integer: exact and reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONE = np.iinfo(np.int64).min // 4
"""The value of a missing option: far below any real value, still safe to add to."""


class Candidates:
    """An undirected candidate graph as per-member lists (CSR), with each pair's objective."""

    def __init__(self, n: int, i: np.ndarray, j: np.ndarray, objective: np.ndarray) -> None:
        self._build(
            n,
            np.concatenate([i, j], dtype=np.int32),
            np.concatenate([j, i], dtype=np.int32),
            np.concatenate([objective, objective], dtype=np.int32),
        )

    def _build(self, n: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        """From directed entries (each pair once per side, duplicates allowed), int32."""
        self.n = n
        # Each list by objective, best first (prices are never negative, so a scan for the best
        # options can stop at the first objective below the second best value found); one sort of
        # a 64-bit key (row, objective, column), duplicates adjacent. Built in place: this is the
        # round's largest array.
        span = int(values.max(initial=0)) + 1
        key = rows.astype(np.int64)
        del rows
        key *= span
        key += span - 1
        key -= values
        del values
        key *= n
        key += cols
        del cols
        key.sort()
        if len(key):
            fresh = np.empty(len(key), dtype=bool)
            fresh[0] = True
            np.not_equal(key[1:], key[:-1], out=fresh[1:])
            key = key[fresh]
            del fresh
        self.cols = (key % n).astype(np.int32)
        key //= n
        self.values = (span - 1 - key % span).astype(np.int32)
        key //= span
        self.start = np.searchsorted(key, np.arange(n + 1))
        del key
        self.top = int(self.values.max(initial=0)) + 1
        self.starts = self.start.tolist()
        self.shortlists: dict[int, tuple[list[tuple[int, int]], int]] = {}  # see _bid_tail

    def add(self, i: np.ndarray, j: np.ndarray, objective: np.ndarray) -> Candidates:
        """A new graph: this one and the pairs (i, j) (the lists already hold each pair both ways:
        only the new pairs are doubled)."""
        rows = np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.start))
        grown = Candidates.__new__(Candidates)
        grown._build(
            self.n,
            np.concatenate([rows, i, j], dtype=np.int32),
            np.concatenate([self.cols, j, i], dtype=np.int32),
            np.concatenate([self.values, objective, objective], dtype=np.int32),
        )
        return grown

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, objective) of every list entry (each pair twice, once per side)."""
        return np.repeat(np.arange(self.n), np.diff(self.start)), self.cols, self.values

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


def _segment_top2(starts: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment (``starts`` of consecutive segments of ``value``): the best value (NONE if
    empty), the index of its first entry (-1), the second best value (NONE)."""
    count = len(starts)
    best = np.full(count, NONE, dtype=np.int64)
    index = np.full(count, -1, dtype=np.int64)
    second = np.full(count, NONE, dtype=np.int64)
    ends = np.append(starts[1:], len(value))
    full = np.nonzero(ends > starts)[0]
    if not len(full):
        return best, index, second
    at = starts[full]
    best[full] = np.maximum.reduceat(value, at)
    length = ends[full] - at
    position = np.arange(len(value))
    hits = np.where(value == np.repeat(best[full], length), position, len(value))
    index[full] = np.minimum.reduceat(hits, at)
    rest = value.copy()
    rest[index[full]] = NONE
    second[full] = np.maximum.reduceat(rest, at)
    return best, index, second


TAIL = 8
_SHORTLIST = 6
"""Below this many bidders, rounds continue one bid at a time in plain Python (see ``_bid_tail``)."""


def bid(state: AuctionState, graph: Candidates, eps: int, bidders: np.ndarray) -> None:
    """Forward auction rounds until every person holds an object."""
    n = graph.n
    prices, owner, held = state.prices, state.owner, state.held
    while len(bidders):
        if len(bidders) < TAIL:
            _bid_tail(state, graph, eps, bidders)
            return
        state.rounds += 1
        state.bid_since[bidders] = True
        real, dummy = bidders[bidders < n], bidders[bidders >= n] - n
        starts, cols, objective = graph.gather(real)
        value = objective - prices[cols]
        first, index, second = _segment_top2(starts, value)
        own = -prices[n + real]  # the person's dummy object
        take_own = own >= first
        picked = cols[np.maximum(index, 0)] if len(cols) else np.zeros(len(real), dtype=np.int64)
        target = np.where(take_own, n + real, picked)
        best = np.maximum(first, own)
        # With a single option, any increment is safe: use the graph's largest objective.
        runner = np.maximum(np.where(take_own, first, np.maximum(second, own)), best - graph.top)
        gain = best - runner
        # Dummy persons j': object j or dummy object j'.
        on_j, on_dummy = -prices[dummy], -prices[n + dummy]
        persons = np.concatenate([real, n + dummy])
        objects = np.concatenate([target, np.where(on_j >= on_dummy, dummy, n + dummy)])
        bids = prices[objects] + np.concatenate([gain, np.abs(on_j - on_dummy)]) + eps
        # Each object goes to its highest bid (ties: the lowest person).
        order = np.lexsort((persons, -bids, objects))
        persons, objects, bids = persons[order], objects[order], bids[order]
        wins = np.ones(len(objects), dtype=bool)
        wins[1:] = objects[1:] != objects[:-1]
        won, by = objects[wins], persons[wins]
        previous = owner[won]
        displaced = previous[previous >= 0]
        held[displaced] = -1
        owner[won] = by
        held[by] = won
        prices[won] = bids[wins]
        bidders = np.concatenate([persons[~wins], displaced])


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


def _bid_tail(state: AuctionState, graph: Candidates, eps: int, bidders: np.ndarray) -> None:
    """The same auction, one bid at a time (Gauss-Seidel): the end of a phase is often a long chain
    of a few persons displacing one another, where a numpy round would cost more than it does.

    Each person keeps its ``_SHORTLIST`` best objects and ``beyond``, the value its next one had when
    the list was made: values only fall (prices only rise), so while the shortlist's best is worth at
    least ``beyond`` it is the person's best, and ``beyond`` bounds the rest. Bidding against that
    bound rather than the exact second best raises prices a little less: still a valid bid."""
    n = graph.n
    prices = state.prices.tolist()
    owner = state.owner.tolist()
    held = state.held.tolist()
    start, shortlists = graph.starts, graph.shortlists
    floor = graph.top
    queue = sorted(bidders.tolist(), reverse=True)
    bids = 0
    seen: list[int] = []
    while queue:
        person = queue.pop()
        seen.append(person)
        bids += 1
        if person < n:
            first = second = NONE
            target = -1
            entry = shortlists.get(person)
            if entry is not None:
                short, beyond = entry
                for column, objective in short:
                    value = objective - prices[column]
                    if value > first:
                        first, second, target = value, first, column
                    elif value > second:
                        second = value
                if first < beyond:
                    entry = None
                else:
                    second = max(second, beyond)
            if entry is None:  # (re)make the shortlist from the whole list
                found: list[tuple[int, int, int]] = []
                beyond = NONE  # the best value left out
                lo, hi = start[person], start[person + 1]
                for column, objective in zip(graph.cols[lo:hi].tolist(), graph.values[lo:hi].tolist(), strict=True):
                    if objective <= beyond:
                        break  # prices are never negative: no later entry is worth more
                    value = objective - prices[column]
                    if value > beyond:
                        found.append((value, column, objective))
                        if len(found) > _SHORTLIST:
                            found.sort(reverse=True)
                            beyond = found.pop()[0]
                found.sort(reverse=True)
                shortlists[person] = ([(c, o) for _v, c, o in found], beyond)
                first = found[0][0] if found else NONE
                target = found[0][1] if found else -1
                second = max(found[1][0] if len(found) > 1 else NONE, beyond)
            own = -prices[n + person]
            if own >= first:
                target, best, runner = n + person, own, first
            else:
                best, runner = first, max(second, own)
        else:
            j = person - n
            on_j, on_dummy = -prices[j], -prices[person]
            if on_j >= on_dummy:
                target, best, runner = j, on_j, on_dummy
            else:
                target, best, runner = person, on_dummy, on_j
        runner = max(runner, best - floor)
        prices[target] += best - runner + eps
        previous = owner[target]
        if previous >= 0:
            held[previous] = -1
            queue.append(previous)
        owner[target] = person
        held[person] = target
    state.rounds += bids
    state.bid_since[seen] = True
    state.prices[:] = prices
    state.owner[:] = owner
    state.held[:] = held
