"""The large-round path of the matching engine: its proven upper bound, the certificate behind it,
and what must hold whatever the auction does (no unmatched pair that could be paired, determinism
across threads). Small populations, with the large-round path forced (``full_graph_max_edges=0``)."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest

from bot.domain.matching import Candidate, MatchOptions, MatchResult, match, pair_score, priority_points
from bot.domain.matching import graph as graph_module
from tests.domain.test_matching import eligible, random_members

LARGE = MatchOptions(full_graph_max_edges=0)


def objective(a: Candidate, b: Candidate) -> int:
    score = pair_score(a, b)
    assert score is not None
    return score + priority_points(a.priority) + priority_points(b.priority)


def exact(members: list[Candidate]) -> int:
    graph = nx.Graph()
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if eligible(a, b):
                graph.add_edge(a.user_id, b.user_id, weight=objective(a, b))
    return sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))


def bound_from_certificate(members: list[Candidate], result: MatchResult) -> int:
    """The bound, recomputed pair by pair from the prices (see ``MatchResult.certificate``)."""
    assert result.certificate is not None
    price = {u: p for u, (p, _q) in result.certificate.items()}
    nobody = {u: q for u, (_p, q) in result.certificate.items()}
    total = 0
    for a in members:
        offers = [objective(a, b) - price[b.user_id] for b in members if eligible(a, b)]
        total += max([*offers, -nobody[a.user_id]])  # the member as a person
        total += max(-price[a.user_id], -nobody[a.user_id])  # its "nobody" option's own person
        total += price[a.user_id] + nobody[a.user_id]
    return total // 2


@pytest.mark.parametrize("seed", range(12))
def test_the_upper_bound_holds_and_its_certificate_checks_out(seed: int) -> None:
    rng = random.Random(300 + seed)
    members = random_members(rng, rng.randint(2, 70), small_world=rng.random() < 0.5)
    result = match(members, seed=seed, options=LARGE)
    best = exact(members)
    assert result.total_score <= best <= result.upper_bound
    assert bound_from_certificate(members, result) == result.upper_bound
    assert result.optimal == (result.total_score == result.upper_bound)
    assert 0 < result.quality <= 1 or result.upper_bound == 0


def test_the_bound_is_tight_on_a_real_sized_population() -> None:
    members = random_members(random.Random(5), 400)
    result = match(members, seed=1, options=LARGE)
    assert result.total_score >= 0.999 * exact(members)
    assert result.quality >= 0.995  # proven, without solving the full graph


@pytest.mark.parametrize("seed", range(6))
def test_nobody_left_unmatched_who_could_have_been_paired(seed: int) -> None:
    # The smallest solver graph: each member's single best partner at the auction's prices.
    rng = random.Random(seed)
    members = random_members(rng, 150)
    tiny = replace(LARGE, solver_candidates=1, solver_max_edges=0, check_rounds=1)
    result = match(members, seed=seed, options=tiny)
    by_id = {c.user_id: c for c in members}
    left = [by_id[u.user_id] for u in result.unmatched]
    assert not [(a.user_id, b.user_id) for i, a in enumerate(left) for b in left[i + 1 :] if eligible(a, b)]


def test_threads_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many blocks for the numpy passes; the compiled passes are cut into row ranges whatever the size.
    monkeypatch.setattr(graph_module, "_BLOCK_CELLS", 4096)
    members = random_members(random.Random(9), 300)
    one = match(members, seed=4, options=replace(LARGE, workers=1))
    two = match(members, seed=4, options=replace(LARGE, workers=2))
    assert one == two
    assert one.eligible_pairs == sum(1 for i, a in enumerate(members) for b in members[i + 1 :] if eligible(a, b))


def test_a_round_where_nobody_can_be_paired_has_a_zero_bound() -> None:
    members = [Candidate(uid, frozenset({"seo"}), frozenset({"finance"}), frozenset({"fr"})) for uid in range(1, 40)]
    result = match(members, options=LARGE)
    assert result.pairs == [] and result.upper_bound == 0 and result.quality == 1.0


def test_a_grown_candidate_graph_holds_each_pair_once_per_side_best_first() -> None:
    from bot.domain.matching.auction import Candidates

    first = Candidates(4, np.array([0, 0, 1]), np.array([1, 2, 3]), np.array([5, 9, 7]))
    grown = first.add(np.array([2, 0, 3]), np.array([0, 3, 2]), np.array([9, 4, 1]))  # (0, 2) again
    lists = {
        person: list(
            zip(
                grown.cols[grown.start[person] : grown.start[person + 1]].tolist(),
                grown.values[grown.start[person] : grown.start[person + 1]].tolist(),
                strict=True,
            )
        )
        for person in range(4)
    }
    assert lists == {0: [(2, 9), (1, 5), (3, 4)], 1: [(3, 7), (0, 5)], 2: [(0, 9), (3, 1)], 3: [(1, 7), (0, 4), (2, 1)]}
    assert grown.top == 10
