"""Independent checks of a matching round for the benchmarks: eligibility pair by pair, and the
round's proven quality recomputed from its certificate with a plain numpy evaluation of every pair.

Nothing here uses the engine's code (``bot.domain.matching.graph``/``offers``/``auction``): skill
counts come from matrix products of 0/1 skill matrices, rules are applied one by one, and the weight
comes from ``scoring``'s definition (``skill_points``, ``timezone_points``, the city and priority
bonuses). Given the certificate's prices p, q, every member's profit π(u) = max(max_v a(u, v) − p(v),
−q(u)) is recomputed exactly over all eligible pairs; then (π, π', p, q) is a feasible dual solution
of the assignment relaxation of the matching problem whatever the prices are, and half its value is
an upper bound on the optimum of the full eligible graph (see ``MatchResult.certificate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.domain.matching import Candidate, MatchOptions, MatchResult, UnmatchedReason, normalize_city, pair_score
from bot.domain.matching.scoring import SAME_CITY_SCORE, priority_points, skill_points, timezone_points


def eligible(a: Candidate, b: Candidate, opts: MatchOptions) -> bool:
    """Every rule, pair by pair."""
    if a.user_id == b.user_id or not a.languages & b.languages or pair_score(a, b) is None:
        return False
    if b.user_id in a.past_partners or a.user_id in b.past_partners or b.user_id in a.avoid or a.user_id in b.avoid:
        return False
    if frozenset((a.user_id, b.user_id)) in opts.excluded_pairs:
        return False
    org = normalize_city(a.organization)
    return not (opts.separate_organizations and org is not None and org == normalize_city(b.organization))


def objective(a: Candidate, b: Candidate) -> int:
    score = pair_score(a, b)
    assert score is not None
    return score + priority_points(a.priority) + priority_points(b.priority)


def audit(members: list[Candidate], result: MatchResult, opts: MatchOptions) -> tuple[int, int]:
    """(unmatched pairs that could have been paired, "odd ones out" with no partner at all): both
    must be 0. Also asserts that every pair is eligible and nobody is paired twice."""
    by_id = {c.user_id: c for c in members}
    seen: set[int] = set()
    for p in result.pairs:
        assert p.a not in seen and p.b not in seen, "someone is paired twice"
        assert eligible(by_id[p.a], by_id[p.b], opts), f"ineligible pair {p}"
        assert p.score == objective(by_id[p.a], by_id[p.b])
        seen.update((p.a, p.b))
    assert len(seen) + len(result.unmatched) == len(members)
    left = [by_id[u.user_id] for u in result.unmatched]
    missed = sum(1 for i, a in enumerate(left) for b in left[i + 1 :] if eligible(a, b, opts))
    odd = [by_id[u.user_id] for u in result.unmatched if u.reason is UnmatchedReason.ODD_ONE_OUT]
    false_odd = sum(1 for a in odd if not any(eligible(a, b, opts) for b in members))
    return missed, false_odd


@dataclass
class Arrays:
    """The members as plain numpy arrays (user-id order)."""

    ids: list[int]
    teach: np.ndarray
    learn: np.ndarray
    speak: np.ndarray
    offset: list[int | None]
    city: np.ndarray
    org: np.ndarray
    bonus: np.ndarray
    blocked: dict[int, set[int]]


def arrays(members: list[Candidate], opts: MatchOptions) -> Arrays:
    members = sorted(members, key=lambda c: c.user_id)
    skills = sorted({s for c in members for s in c.teaches | c.learns})
    langs = sorted({x for c in members for x in c.languages})
    skill, lang = {s: k for k, s in enumerate(skills)}, {x: k for k, x in enumerate(langs)}

    def matrix(sets: list[frozenset[str]], index: dict[str, int]) -> np.ndarray:
        out = np.zeros((len(sets), max(1, len(index))), dtype=np.float32)
        for row, keys in enumerate(sets):
            out[row, [index[k] for k in keys]] = 1
        return out

    def ids(values: list[str | None]) -> np.ndarray:
        known: dict[str, int] = {}
        return np.array([-1 if v is None else known.setdefault(v, len(known)) for v in values])

    position = {c.user_id: k for k, c in enumerate(members)}
    blocked: dict[int, set[int]] = {}
    for c in members:
        for other in c.past_partners | c.avoid:
            if other in position:
                blocked.setdefault(position[c.user_id], set()).add(position[other])
                blocked.setdefault(position[other], set()).add(position[c.user_id])
    for pair in opts.excluded_pairs:
        a, b = (position.get(u) for u in pair)
        if a is not None and b is not None:
            blocked.setdefault(a, set()).add(b)
            blocked.setdefault(b, set()).add(a)
    return Arrays(
        ids=[c.user_id for c in members],
        teach=matrix([c.teaches for c in members], skill),
        learn=matrix([c.learns for c in members], skill),
        speak=matrix([c.languages for c in members], lang),
        offset=[c.utc_offset_minutes for c in members],
        city=ids([normalize_city(c.city) if c.in_person_ok else None for c in members]),
        org=ids([normalize_city(c.organization) for c in members])
        if opts.separate_organizations
        else np.full(len(members), -1),
        bonus=np.array([priority_points(c.priority) for c in members], dtype=np.int64),
        blocked=blocked,
    )


def objectives(data: Arrays, rows: np.ndarray) -> np.ndarray:
    """(rows × members) objective of every pair, -1 where not eligible."""
    x = np.rint(data.teach[rows] @ data.learn.T).astype(np.int64)  # what the row teaches the column
    y = np.rint(data.learn[rows] @ data.teach.T).astype(np.int64)
    ok = (x > 0) & (y > 0) & ((data.speak[rows] @ data.speak.T) > 0)
    ok[np.arange(len(rows)), rows] = False
    org = data.org[rows, None]
    ok &= ~((org >= 0) & (org == data.org[None, :]))
    for local, row in enumerate(rows):
        if row in data.blocked:
            ok[local, list(data.blocked[row])] = False
    top = int(max(x.max(initial=0), y.max(initial=0)))
    table = np.zeros((top + 1, top + 1), dtype=np.int64)
    for a in range(1, top + 1):
        for b in range(1, top + 1):
            table[a, b] = skill_points(a, b)
    offsets = sorted(set(data.offset), key=lambda o: (o is None, o or 0))
    tz_table = np.array([[timezone_points(a, b) for b in offsets] for a in offsets], dtype=np.int64)
    tz_class = np.array([offsets.index(o) for o in data.offset])
    value = table[x, y] + tz_table[tz_class[rows][:, None], tz_class[None, :]]
    city = data.city[rows, None]
    value += np.where((city >= 0) & (city == data.city[None, :]), SAME_CITY_SCORE, 0)
    value += data.bonus[rows, None] + data.bonus[None, :]
    return np.where(ok, value, -1)


def verified_bound(members: list[Candidate], result: MatchResult, opts: MatchOptions) -> int:
    """The upper bound the round's certificate proves, recomputed here over every eligible pair."""
    assert result.certificate is not None
    data = arrays(members, opts)
    p = np.array([result.certificate[u][0] for u in data.ids], dtype=np.int64)
    q = np.array([result.certificate[u][1] for u in data.ids], dtype=np.int64)
    profit = np.empty(len(data.ids), dtype=np.int64)
    step = max(1, 2_000_000 // max(1, len(data.ids)))
    for start in range(0, len(data.ids), step):
        rows = np.arange(start, min(len(data.ids), start + step))
        value = objectives(data, rows)
        best = np.where(value >= 0, value - p[None, :], np.iinfo(np.int64).min // 2).max(axis=1)
        profit[rows] = np.maximum(best, -q[rows])
    total = int(profit.sum() + np.maximum(-p, -q).sum() + p.sum() + q.sum())
    return total // 2


def exact_optimum(members: list[Candidate], opts: MatchOptions) -> tuple[int, int]:
    """(optimum, eligible pairs): the blossom on the full eligible graph, built with numpy."""
    from bot.domain.matching.blossom import max_weight_matching

    data = arrays(members, opts)
    n = len(data.ids)
    edges: list[tuple[int, int, int]] = []
    step = max(1, 2_000_000 // max(1, n))
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        value = objectives(data, rows)
        r, c = np.nonzero((value >= 0) & (np.arange(n)[None, :] > rows[:, None]))
        edges += zip((rows[r]).tolist(), c.tolist(), value[r, c].tolist(), strict=True)
    mate = max_weight_matching(n, edges)
    weight = {(i, j): w for i, j, w in edges}
    return sum(weight[(v, m)] for v, m in enumerate(mate) if m > v), len(edges)
