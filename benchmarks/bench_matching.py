"""Benchmark of the matching engine on synthetic members.

Run from the repository root with ``python -m benchmarks.bench_matching`` (or
``python benchmarks/bench_matching.py``). Options: ``--sizes 1000 5000``, ``--seed N``,
``--repeat N``, ``--no-exact`` (skip the networkx reference), ``--exact-all`` (also compute the exact
optimum at every size with the engine's own blossom solver on the full eligible graph: slow).

networkx is a dev dependency used here only as an independent reference.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # launched as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.matching import Candidate, MatchOptions, MatchResult, match, pair_score, priority_points
from bot.domain.matching.blossom import max_weight_matching

WEB = ("social-media", "seo", "e-commerce", "content", "analytics", "no-code")
BUSINESS = ("finance", "sales", "strategy", "management", "negotiation", "legal")
# (spellings, UTC offset in minutes, share of members): spellings vary to exercise normalisation.
CITIES = (
    (("Paris", "paris", "PARIS "), 60, 30),
    (("Lyon",), 60, 10),
    (("Marseille",), 60, 6),
    (("Bruxelles", "bruxelles"), 60, 6),
    (("Genève", "Geneve"), 60, 4),
    (("Montréal", "Montreal", "montréal"), -300, 12),
    (("Dakar",), 0, 8),
    (("Abidjan",), 0, 6),
    (("Casablanca",), 60, 6),
    (("Saint-Denis", "Saint Denis"), 240, 4),
)


def _sizes(rng: random.Random) -> int:
    return rng.choices((1, 2, 3), weights=(45, 40, 15))[0]


def synthetic_members(n: int, seed: int = 1) -> list[Candidate]:
    """Members of a francophone community: web-strong people mostly teach web skills and learn
    business ones, business-strong people the opposite, about one in six is mixed."""
    rng = random.Random(seed)
    ids = rng.sample(range(10**17, 10**18), n)  # snowflake-like user ids
    members = []
    for uid in ids:
        kind = rng.random()
        if kind < 0.45:
            home, away = WEB, BUSINESS
        elif kind < 0.85:
            home, away = BUSINESS, WEB
        else:
            home, away = None, None
        if home is None or away is None:
            every = WEB + BUSINESS
            teaches = set(rng.sample(every, _sizes(rng)))
            learns = set(rng.sample([s for s in every if s not in teaches], _sizes(rng)))
        else:
            teaches = set(rng.sample(home, _sizes(rng)))
            learns = set(rng.sample(away, _sizes(rng)))
            if rng.random() < 0.1:  # a few also teach something from the other side
                teaches.add(rng.choice([s for s in away if s not in learns] or list(away)))
        r = rng.random()
        languages = {"fr"} if r < 0.7 else {"en"} if r < 0.82 else {"fr", "en"}
        spellings, offset, _share = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        city = rng.choice(spellings) if rng.random() < 0.8 else None
        members.append(
            Candidate(
                user_id=uid,
                teaches=frozenset(teaches),
                learns=frozenset(learns),
                languages=frozenset(languages),
                utc_offset_minutes=None if rng.random() < 0.05 else offset,
                city=city,
                in_person_ok=rng.random() < 0.4,
                priority=1 if rng.random() < 0.03 else 0,
            )
        )
    # a few past pairings (only among members who could have been paired)
    by_id = {c.user_id: c for c in members}
    past: dict[int, set[int]] = {c.user_id: set() for c in members}
    for _ in range(n // 10):
        a, b = rng.sample(ids, 2)
        if pair_score(by_id[a], by_id[b]) is not None:
            past[a].add(b)
            past[b].add(a)
    return [
        Candidate(**{**_fields(c), "past_partners": frozenset(past[c.user_id])}) if past[c.user_id] else c
        for c in members
    ]


def _fields(c: Candidate) -> dict[str, object]:
    return {name: getattr(c, name) for name in Candidate.__slots__}


def eligible_edges(members: list[Candidate]) -> list[tuple[int, int, int]]:
    """Every eligible pair with the engine's objective (quality + priority bonus), computed
    independently of the engine, pair by pair."""
    edges = []
    for i, a in enumerate(members):
        for j in range(i + 1, len(members)):
            b = members[j]
            if not a.languages & b.languages:
                continue
            if b.user_id in a.past_partners or a.user_id in b.past_partners:
                continue
            score = pair_score(a, b)
            if score is not None:
                edges.append((i, j, score + priority_points(a.priority) + priority_points(b.priority)))
    return edges


def check_result(members: list[Candidate], result: MatchResult) -> None:
    seen: set[int] = set()
    by_id = {c.user_id: c for c in members}
    for p in result.pairs:
        assert p.a not in seen and p.b not in seen, "someone is paired twice"
        seen.update((p.a, p.b))
        a, b = by_id[p.a], by_id[p.b]
        assert a.teaches & b.learns and b.teaches & a.learns and a.languages & b.languages
    assert len(seen) + len(result.unmatched) == len(members)


def timed_match(members: list[Candidate], repeat: int, options: MatchOptions | None = None):
    times = []
    result = None
    for r in range(repeat):
        t0 = time.perf_counter()
        result = match(members, seed=r, options=options)
        times.append(time.perf_counter() - t0)
    assert result is not None
    return result, times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument("--exact-all", action="store_true")
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}, seed {args.seed}, best/median of {args.repeat} runs")
    for n in args.sizes:
        members = synthetic_members(n, args.seed)
        result, times = timed_match(members, args.repeat)
        check_result(members, result)
        reasons: dict[str, int] = {}
        for u in result.unmatched:
            reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
        print(f"\n== {n} members")
        print(
            f"match time: best {min(times):.3f} s, median {statistics.median(times):.3f} s"
            f"  ({', '.join(f'{t:.3f}' for t in times)})"
        )
        print(
            f"pairs {len(result.pairs)}, unmatched {len(result.unmatched)} {reasons},"
            f" total weight {result.total_weight:.1f} pts, objective {result.total_score}"
        )
        exact_here = (n <= 1000 and not args.no_exact) or args.exact_all
        if not exact_here:
            print("(exact optimum not computed at this size; --exact-all computes it, ~1 min at 5,000)")
            continue
        t0 = time.perf_counter()
        edges = eligible_edges(members)
        print(f"eligible pairs (full graph): {len(edges)}  [built in {time.perf_counter() - t0:.1f} s]")
        sparse, sparse_times = timed_match(members, 1, MatchOptions(full_graph_max_edges=0))
        if n <= 1000 and not args.no_exact:
            import networkx as nx

            graph = nx.Graph()
            graph.add_weighted_edges_from(edges)
            t0 = time.perf_counter()
            mate = nx.max_weight_matching(graph)
            nx_time = time.perf_counter() - t0
            exact = sum(graph[u][v]["weight"] for u, v in mate)
            source = f"networkx.max_weight_matching, {nx_time:.1f} s"
        else:
            t0 = time.perf_counter()
            mate_list = max_weight_matching(n, edges)
            weights = {(i, j): w for i, j, w in edges}
            exact = sum(weights[(v, m)] for v, m in enumerate(mate_list) if m > v)
            source = f"own blossom on the full graph, {time.perf_counter() - t0:.1f} s"
        print(f"exact maximum objective: {exact}  ({source})")
        print(f"engine (default options): {100 * result.total_score / exact:.3f} % of exact")
        print(
            f"engine forced onto its sparse two-pass graph: {100 * sparse.total_score / exact:.3f} %"
            f" of exact, {sparse_times[0]:.3f} s"
        )


if __name__ == "__main__":
    main()
