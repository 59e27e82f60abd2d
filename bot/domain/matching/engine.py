"""A matching round: eligibility → candidate graph → maximum-weight matching → result.

1. **Eligibility.** A pair (a, b) is eligible when a teaches something b learns, b teaches
   something a learns, they share a language, and they are not past partners (unless the re-match
   is explicitly allowed). Reciprocal partners are found with per-skill indexes and set operations
   rather than by testing all n² pairs.
2. **Candidate graph.** Every eligible pair gets an integer score (``scoring``: pair quality plus a
   priority bonus for each member). When the round has at most ``full_graph_max_edges`` eligible
   pairs, all of them go to the solver and the result is exactly optimal. Beyond that the graph is
   sparsified in two passes over each member's ``reserve`` best-scoring candidates:

   a. a rough value ``u`` of every member is estimated (a few damped rounds of
      ``u(a) = max_b score(a, b) − u(b)``, i.e. approximate LP duals) and each member keeps the
      ``neighbours`` candidates with the best *reduced* score ``score(a, b) − u(b)``. Ranking by raw
      score alone would send everybody to the same few sought-after members and strand the rest;
   b. that graph is solved exactly, and its LP duals ``y`` (the true values on that graph) pick a
      second graph: the first matching plus each member's ``refine_neighbours`` candidates of least
      reduced cost ``y(a) + y(b) − 2·score(a, b)``. It is solved again; the result can only improve.
      (LP duality: if no left-out pair had a negative reduced cost, the first matching would
      already be optimal on the full graph; pairs of least reduced cost are the ones that can help.)
3. **Solver.** Exact maximum-weight matching (Edmonds' blossom algorithm, ``blossom.py``).

Determinism: members are numbered in an order derived from ``seed`` and their user ids only, so the
result is the same for any input order, and ties between equally good solutions depend on the seed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import chain, pairwise

from bot.domain.matching.blossom import max_weight_matching_with_duals
from bot.domain.matching.model import (
    Candidate,
    MatchResult,
    ProposedPair,
    Unmatched,
    UnmatchedReason,
)
from bot.domain.matching.scoring import (
    SAME_CITY_SCORE,
    WEIGHT_SCALE,
    are_past_partners,
    meet_city,
    priority_points,
    skill_points,
    timezone_gap,
    timezone_points,
)


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Tuning knobs (see the module docstring)."""

    full_graph_max_edges: int = 40_000
    """Up to this many eligible pairs, solve on all of them (exact optimum)."""
    reserve: int = 48
    """Above that: best-scoring candidates per member considered when sparsifying."""
    neighbours: int = 6
    """Candidates per member in the first sparse graph (by estimated reduced score)."""
    value_rounds: int = 4
    """Damped rounds estimating each member's value for the first sparse graph."""
    refine_neighbours: int = 5
    """Candidates per member in the second sparse graph (by reduced cost under the first duals);
    0 skips the second solve."""


_ELIGIBLE = None  # status of a member with at least one eligible partner
_KEY_SHIFT = 20  # candidate key = score << 40 | tiebreak << 20 | member index
_KEY_MASK = (1 << _KEY_SHIFT) - 1


def _seed_hash(seed: int, user_id: int) -> int:
    digest = hashlib.blake2b(f"{seed}:{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _pair_key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def match(
    candidates: Iterable[Candidate],
    *,
    seed: int = 0,
    allow_rematch: Iterable[Collection[int]] = (),
    options: MatchOptions | None = None,
) -> MatchResult:
    """Pair up ``candidates`` so that the total pair weight (plus priority bonus) is maximal.

    ``allow_rematch`` lists pairs of user ids (e.g. ``{12, 34}``) that may be matched again even
    though they were partners before. Raises ``ValueError`` on duplicate user ids.
    """
    opts = options or MatchOptions()
    members = sorted(candidates, key=lambda c: c.user_id)
    for prev, cur in pairwise(members):
        if prev.user_id == cur.user_id:
            raise ValueError(f"user {cur.user_id} appears twice")
    n = len(members)
    if n >= 1 << _KEY_SHIFT:
        raise ValueError("too many candidates")
    # Vertex numbering: a seeded shuffle of the sorted members (input order plays no part).
    hashes = {c.user_id: _seed_hash(seed, c.user_id) for c in members}
    order = sorted(members, key=lambda c: (hashes[c.user_id], c.user_id))
    allowed = {frozenset(p) for p in allow_rematch if len(frozenset(p)) == 2}

    status, lists, full = _candidate_lists(order, allowed, opts, hashes)
    bonus = [priority_points(c.priority) for c in order]

    if full:
        edges = _edges(lists)
        mate = _solve(n, edges)[0]
    else:
        edges = _edges(_sparsify(lists, opts))
        mate, duals = _solve(n, edges)
        if opts.refine_neighbours > 0:
            matched = {(i, j): edges[(i, j)] for i, j in enumerate(mate) if i < j}
            edges = _edges(_refine(lists, duals, opts.refine_neighbours))
            edges.update(matched)
            mate = _solve(n, edges)[0]

    pairs: list[ProposedPair] = []
    unmatched: list[Unmatched] = []
    for i, c in enumerate(order):
        j = mate[i]
        if j == -1:
            unmatched.append(Unmatched(c.user_id, status[i] or UnmatchedReason.ODD_ONE_OUT))
        elif i < j:
            score = edges[(i, j)]
            pairs.append(_proposed(c, order[j], score, score - bonus[i] - bonus[j]))
    pairs.sort(key=lambda p: p.a)
    unmatched.sort(key=lambda u: u.user_id)
    return MatchResult(pairs=pairs, unmatched=unmatched)


def _edges(lists: list[list[int]]) -> dict[tuple[int, int], int]:
    """Candidate keys per member → {(i, j): score} with i < j."""
    edges: dict[tuple[int, int], int] = {}
    for i, keys in enumerate(lists):
        for key in keys:
            edges[_pair_key(i, key & _KEY_MASK)] = key >> 40
    return edges


def _solve(n: int, edges: dict[tuple[int, int], int]) -> tuple[list[int], list[int]]:
    return max_weight_matching_with_duals(n, [(i, j, w) for (i, j), w in sorted(edges.items())])


def _refine(lists: list[list[int]], duals: list[int], per_member: int) -> list[list[int]]:
    """Each member's candidates of least reduced cost under the duals of a first solve."""
    return [
        sorted(keys, key=lambda key: di + duals[key & _KEY_MASK] - 2 * (key >> 40))[:per_member]
        for di, keys in zip(duals, lists, strict=True)
    ]


def _sparsify(lists: list[list[int]], opts: MatchOptions) -> list[list[int]]:
    """Each member's ``neighbours`` candidates with the best estimated reduced score."""
    scored = [[(key >> 40, key & _KEY_MASK) for key in keys] for keys in lists]
    value = [pairs[0][0] // 2 if pairs else 0 for pairs in scored]
    for _round in range(opts.value_rounds):
        value = [
            (old + max(s - value[b] for s, b in pairs)) // 2 if pairs else 0
            for old, pairs in zip(value, scored, strict=True)
        ]
    return [
        sorted(keys, key=lambda key: (key >> 40) - value[key & _KEY_MASK], reverse=True)[: opts.neighbours]
        for keys in lists
    ]


def _proposed(x: Candidate, y: Candidate, score: int, quality: int) -> ProposedPair:
    a, b = (x, y) if x.user_id < y.user_id else (y, x)
    city = meet_city(a)
    return ProposedPair(
        a=a.user_id,
        b=b.user_id,
        weight=quality / WEIGHT_SCALE,
        score=score,
        a_teaches_b=tuple(sorted(a.teaches & b.learns)),
        b_teaches_a=tuple(sorted(b.teaches & a.learns)),
        common_languages=tuple(sorted(a.languages & b.languages)),
        same_city=city is not None and city == meet_city(b),
        timezone_gap_minutes=timezone_gap(a.utc_offset_minutes, b.utc_offset_minutes),
        rematch=are_past_partners(a, b),
    )


def _candidate_lists(
    order: list[Candidate],
    allowed: set[frozenset[int]],
    opts: MatchOptions,
    hashes: dict[int, int],
) -> tuple[list[UnmatchedReason | None], list[list[int]], bool]:
    """For each member: why they cannot be matched (None if they can), and their candidates as
    keys ``score << 40 | tiebreak << 20 | index``, best first. The flag says whether the lists are
    complete (every eligible pair) or trimmed to ``opts.reserve``."""
    n = len(order)
    index = {c.user_id: i for i, c in enumerate(order)}
    teachers: dict[str, list[int]] = {}
    learners: dict[str, list[int]] = {}
    speakers: dict[str, set[int]] = {}
    for i, c in enumerate(order):
        for s in c.teaches:
            teachers.setdefault(s, []).append(i)
        for s in c.learns:
            learners.setdefault(s, []).append(i)
        for lang in c.languages:
            speakers.setdefault(lang, set()).add(i)
    speakers_of: dict[frozenset[str], set[int]] = {}

    blocked: list[set[int]] = [set() for _ in range(n)]
    for i, c in enumerate(order):
        for uid in c.past_partners:
            j = index.get(uid)
            if j is not None and j != i and frozenset((uid, c.user_id)) not in allowed:
                blocked[i].add(j)
                blocked[j].add(i)

    # Score tables: skills by (n_ab, n_ba), time zones by offset class, cities by id.
    most = max((max(len(c.teaches), len(c.learns)) for c in order), default=0)
    skill_table = [[skill_points(x, y) if x and y else 0 for y in range(most + 1)] for x in range(most + 1)]
    offsets = sorted({c.utc_offset_minutes for c in order}, key=lambda o: (o is None, o or 0))
    offset_id = {o: k for k, o in enumerate(offsets)}
    tz_table = [[timezone_points(o1, o2) for o2 in offsets] for o1 in offsets]
    oid = [offset_id[c.utc_offset_minutes] for c in order]
    city_ids: dict[str, int] = {}
    cid = []
    for c in order:
        city = meet_city(c)
        cid.append(-1 if city is None else city_ids.setdefault(city, len(city_ids)))
    bonus = [priority_points(c.priority) for c in order]
    mix = [(hashes[c.user_id] >> 7) & _KEY_MASK for c in order]
    # Pre-shift everything that is added per candidate, so that a key costs a few additions.
    # skill_keys[bonus of a][n_ab][n_ba] includes a's own priority bonus.
    skill_keys = {extra: [[(v + extra) << 40 for v in row] for row in skill_table] for extra in sorted(set(bonus))}
    tz_keys = [[v << 40 for v in row] for row in tz_table]
    static_keys = [(bonus[i] << 40) | i for i in range(n)]
    mix_keys = [m << _KEY_SHIFT for m in mix]
    city_key = SAME_CITY_SCORE << 40

    status: list[UnmatchedReason | None] = []
    lists: list[list[int]] = []
    full = True
    budget = 2 * opts.full_graph_max_edges
    # Members with the same skill sets share their counts and candidate pools.
    xs_of: dict[frozenset[str], Counter[int]] = {}
    ys_of: dict[frozenset[str], Counter[int]] = {}
    reciprocal_of: dict[tuple[frozenset[str], frozenset[str]], set[int]] = {}
    pool_of: dict[tuple[frozenset[str], frozenset[str], frozenset[str]], set[int]] = {}
    for i, c in enumerate(order):
        xs = xs_of.get(c.teaches)  # b -> how many skills c teaches that b learns
        if xs is None:
            xs = xs_of[c.teaches] = Counter(chain.from_iterable(learners.get(s, ()) for s in c.teaches))
        ys = ys_of.get(c.learns)  # b -> how many skills b teaches that c learns
        if ys is None:
            ys = ys_of[c.learns] = Counter(chain.from_iterable(teachers.get(s, ()) for s in c.learns))
        reciprocal = reciprocal_of.get((c.teaches, c.learns))
        if reciprocal is None:
            reciprocal = reciprocal_of[(c.teaches, c.learns)] = xs.keys() & ys.keys()
        if not reciprocal or (len(reciprocal) == 1 and i in reciprocal):
            status.append(UnmatchedReason.NO_RECIPROCAL_PARTNER)
            lists.append([])
            continue
        pool = pool_of.get((c.teaches, c.learns, c.languages))
        if pool is None:
            spk = speakers_of.get(c.languages)
            if spk is None:
                spk = speakers_of[c.languages] = set().union(*(speakers[lang] for lang in c.languages))
            pool = pool_of[(c.teaches, c.learns, c.languages)] = reciprocal & spk
        if not pool or (len(pool) == 1 and i in pool):
            status.append(UnmatchedReason.NO_COMMON_LANGUAGE)
            lists.append([])
            continue
        eligible = pool
        if blocked[i] or i in pool:
            eligible = pool - blocked[i]
            eligible.discard(i)
            if not eligible:
                status.append(UnmatchedReason.ONLY_PAST_PARTNERS)
                lists.append([])
                continue
        status.append(_ELIGIBLE)
        sk = skill_keys[bonus[i]]
        tz_row = tz_keys[oid[i]]
        mi = mix_keys[i]
        ci = cid[i]
        if ci < 0:
            keys = [sk[xs[b]][ys[b]] + tz_row[oid[b]] + static_keys[b] + (mix_keys[b] ^ mi) for b in eligible]
        else:
            keys = [
                sk[xs[b]][ys[b]]
                + tz_row[oid[b]]
                + static_keys[b]
                + (mix_keys[b] ^ mi)
                + (city_key if cid[b] == ci else 0)
                for b in eligible
            ]
        if full:
            budget -= len(keys)
            if budget < 0:
                full = False
                lists = [ks[: opts.reserve] for ks in lists]
        keys.sort(reverse=True)
        lists.append(keys if full else keys[: opts.reserve])
    return status, lists, full
