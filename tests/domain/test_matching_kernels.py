"""The compiled passes (``bot.domain.matching.kernels``) against the numpy rules of
``Population.evaluate``, pair by pair, on populations that use every rule: several words of skills
and languages, past partners, exclusions, organizations kept apart, cities, many time zones."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from bot.domain.matching import Candidate, kernels
from bot.domain.matching.engine import _blocked_pairs
from bot.domain.matching.graph import Population
from bot.domain.matching.offers import NONE, best_offers, every_pair, first_candidates
from tests.domain.test_matching import random_members


def varied(rng: random.Random, n: int, *, skills: int = 12, languages: int = 2) -> list[Candidate]:
    members = random_members(rng, n, small_world=rng.random() < 0.3)
    catalogue = [f"s{k}" for k in range(skills)]
    tongues = [f"l{k}" for k in range(languages)]
    ids = [c.user_id for c in members]
    out = []
    for c in members:
        if skills > 12:  # a few common skills, and some anywhere in the catalogue (high words)
            teaches = rng.sample(catalogue[:6], 2) + rng.sample(catalogue, 2)
            learns = rng.sample(catalogue[:6], 2) + rng.sample(catalogue, 2)
            c = replace(c, teaches=frozenset(teaches), learns=frozenset(learns) - set(teaches))
        if languages > 2:
            c = replace(c, languages=frozenset([rng.choice(tongues[:2]), *rng.sample(tongues, 2)]))
        out.append(
            replace(
                c,
                utc_offset_minutes=rng.choice([None, *range(-720, 841, 7)]),
                organization=rng.choice([None, "Acme", "acme ", "Globex"]),
                avoid=frozenset(rng.sample(ids, 2)) if rng.random() < 0.2 else frozenset(),
            )
        )
    return out


def population(members: list[Candidate], *, organizations: bool = True, workers: int = 1) -> Population:
    blocked = _blocked_pairs(members, set(), frozenset())
    return Population(members, list(range(len(members))), blocked, organizations, workers=workers)


def kernel_matrix(pop: Population) -> np.ndarray:
    """(n, n) the merits ``row_pairs`` gives above the diagonal, -1 where it gives no pair."""
    out = np.full((pop.n, pop.n), -1, dtype=np.int64)
    partners, merits = np.empty(pop.n, dtype=np.int64), np.empty(pop.n, dtype=np.int64)
    for i in range(pop.n):
        count, _excluded, _organizations = kernels.row_pairs(i, partners, merits, pop.rules())
        assert (np.diff(partners[:count]) > 0).all() and (partners[:count] > i).all()
        out[i, partners[:count]] = merits[:count]
    return out


def numpy_matrix(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    ok, merit = pop.evaluate(np.arange(pop.n), first=0, upper=True)
    return ok, merit


CASES = [
    dict(skills=12, languages=2),
    dict(skills=40, languages=2),  # one 64-bit word, not the narrow numpy type
    dict(skills=150, languages=70),  # several words of each
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['skills']}-skills-{c['languages']}-languages")
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_rules_are_the_numpy_rules_pair_by_pair(case: dict[str, int], seed: int) -> None:
    pop = population(varied(random.Random(seed), 160, **case))
    compiled = kernel_matrix(pop)
    ok, merit = numpy_matrix(pop)
    assert ok.any()
    assert np.array_equal(compiled >= 0, ok)
    assert np.array_equal(compiled[ok], merit[ok])


@pytest.mark.parametrize("seed", range(3))
def test_the_first_pass_counts_what_the_full_pass_counts(seed: int) -> None:
    pop = population(varied(random.Random(10 + seed), 200))
    first, totals = first_candidates(pop, 4)
    _every, expected = every_pair(pop)
    assert totals == expected
    assert totals.blocked_by_exclusions > 0 and totals.blocked_by_organizations > 0
    ok, merit = numpy_matrix(pop)
    lo, hi = np.minimum(first.i, first.j), np.maximum(first.i, first.j)
    assert ok[lo, hi].all()  # only eligible pairs, with their objective
    assert np.array_equal(first.objective, merit[lo, hi] + pop.bonus[lo] + pop.bonus[hi])
    # Every member with an eligible partner has one in the first graph.
    eligible = ok | ok.T
    assert set(np.nonzero(eligible.any(axis=1))[0]) == set(np.concatenate([first.i, first.j]).tolist())


@pytest.mark.parametrize("seed", range(3))
def test_best_offers_are_the_best_over_every_pair_whatever_the_threads(seed: int) -> None:
    rng = np.random.default_rng(seed)
    members = varied(random.Random(20 + seed), 220)
    pop = population(members)
    n = pop.n
    prices = rng.integers(0, 4000, 2 * n).astype(np.int64)
    held = rng.integers(-2000, 3000, n).astype(np.int64)
    offers = best_offers(pop, prices, held, 500)
    ok, merit = numpy_matrix(pop)
    objective = np.where(ok, merit + pop.bonus[:, None] + pop.bonus[None, :], 0)
    objective = np.where(ok.T, objective.T, objective)  # symmetric
    eligible = ok | ok.T
    value = np.where(eligible, objective - prices[None, :n], NONE).max(axis=1)
    assert np.array_equal(offers.value, value)
    reached = np.full(n, NONE)
    for i, j, o in zip(offers.best.i, offers.best.j, offers.best.objective, strict=True):
        assert eligible[i, j] and o == objective[i, j]
        reached[i] = max(reached[i], o - prices[j])
    assert np.array_equal(reached, value)  # the best after it or the best before it reaches it
    worth = np.where(eligible, objective - prices[None, :n], NONE)
    # near: at least the pairs worth about what one side holds or could get at best
    must = (worth >= np.maximum(held, value)[:, None] - 500) & eligible
    near = {(int(a), int(b)) for a, b in zip(offers.near.i, offers.near.j, strict=True)}
    assert {(min(a, b), max(a, b)) for a, b in zip(*np.nonzero(must), strict=True)} <= near
    persons = np.maximum(value, -prices[n:])
    assert offers.bound == int(persons.sum() + np.maximum(-prices[:n], -prices[n:]).sum() + prices.sum()) // 2
    threaded = best_offers(population(members, workers=2), prices, held, 500)
    assert np.array_equal(threaded.value, offers.value) and offers.bound == threaded.bound
    assert all(np.array_equal(getattr(threaded.near, f), getattr(offers.near, f)) for f in ("i", "j", "objective"))


def test_popcount_counts_every_bit() -> None:
    rng = np.random.default_rng(1)
    words = rng.integers(0, 2**63, 200, dtype=np.uint64) | np.uint64(1 << 63)
    assert [kernels.popcount(w) for w in words] == np.bitwise_count(words).tolist()


def test_an_offers_pass_out_of_room_resumes_where_it_stopped() -> None:
    pop = population(varied(random.Random(7), 180))
    n = pop.n
    prices = np.random.default_rng(7).integers(0, 3000, n).astype(np.int64)
    known = np.zeros(n, dtype=np.int64)

    def arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.full(n, NONE, dtype=np.int64), np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64)

    def near(room: int) -> tuple[np.ndarray, ...]:
        return tuple(np.empty(room, dtype=np.int32) for _ in range(3))

    ahead, behind, room = arrays(), arrays(), near(n * n)
    size, stopped = kernels.offers_pass(0, n, pop.rules(), prices, known, 500, ahead, behind, room)
    assert stopped == n and size > 50
    whole = [a[:size] for a in room]
    resumed_ahead, resumed_behind, parts, lo, stops = arrays(), arrays(), [], 0, 0
    while lo < n:  # room for a few pairs at a time (more when a row does not fit): many stops
        room = near(8 << stops)
        got, stopped = kernels.offers_pass(lo, n, pop.rules(), prices, known, 500, resumed_ahead, resumed_behind, room)
        parts.append([a[:got] for a in room])
        stops = stops + 1 if stopped == lo else 0
        lo = stopped
    assert len(parts) > 10
    assert all(np.array_equal(np.concatenate([p[f] for p in parts]), whole[f]) for f in range(3))
    assert all(np.array_equal(x, y) for x, y in zip(ahead + behind, resumed_ahead + resumed_behind, strict=True))
