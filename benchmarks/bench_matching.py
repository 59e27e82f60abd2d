"""Benchmark of the matching engine on synthetic communities (``benchmarks.population``).

Run from the repository root: ``python -m benchmarks.bench_matching`` with, e.g.,
``--sizes 1000,5000,10000,20000 --skills 12,32 --repeat 3``; ``--constraints`` also runs every size
with "avoid" lists, moderators' exclusions and organizations kept apart; ``--rounds 3`` runs that
many consecutive rounds on one pool of ``--rounds-size`` members (previous pairs become past
partners; paired members go back to priority 0, odd ones out go up one).

Per size it prints: the median time of ``--repeat`` runs, the extra peak memory of one more run
(tracemalloc: Python and numpy allocations), the total objective, whether the engine proved its
matching optimal on the full eligible graph (LP duality), an independent check that no two unmatched
members could have been paired and that every "odd one out" had a partner, and, up to
``--exact-max`` members, the exact optimum from the blossom solver on the full eligible graph built
pair by pair in plain Python (independent of the engine's numpy code).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # launched as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.population import community, exclusions
from bot.domain.matching import (
    Candidate,
    MatchOptions,
    MatchResult,
    UnmatchedReason,
    match,
    normalize_city,
    pair_score,
    priority_points,
)
from bot.domain.matching.blossom import max_weight_matching


def eligible(a: Candidate, b: Candidate, opts: MatchOptions) -> bool:
    """Every rule, pair by pair, independently of the engine."""
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


def exact_optimum(members: list[Candidate], opts: MatchOptions) -> tuple[int, int, float]:
    """(optimum, eligible pairs, seconds) from the blossom on the full graph, built pair by pair."""
    t0 = time.perf_counter()
    edges = [
        (i, j, objective(a, b))
        for i, a in enumerate(members)
        for j in range(i + 1, len(members))
        if eligible(a, b := members[j], opts)
    ]
    mate = max_weight_matching(len(members), edges)
    weights = {(i, j): w for i, j, w in edges}
    return sum(weights[(v, m)] for v, m in enumerate(mate) if m > v), len(edges), time.perf_counter() - t0


def audit(members: list[Candidate], result: MatchResult, opts: MatchOptions) -> tuple[int, int]:
    """(unmatched pairs that could have been paired, odd ones out with no partner at all): both
    must be 0. Checks every pair the engine's rules say is eligible, independently of the engine."""
    by_id = {c.user_id: c for c in members}
    seen: set[int] = set()
    for p in result.pairs:
        assert p.a not in seen and p.b not in seen, "someone is paired twice"
        assert eligible(by_id[p.a], by_id[p.b], opts), f"ineligible pair {p}"
        seen.update((p.a, p.b))
    assert len(seen) + len(result.unmatched) == len(members)
    left = [by_id[u.user_id] for u in result.unmatched]
    missed = sum(1 for i, a in enumerate(left) for b in left[i + 1 :] if eligible(a, b, opts))
    odd = [by_id[u.user_id] for u in result.unmatched if u.reason is UnmatchedReason.ODD_ONE_OUT]
    false_odd = sum(1 for a in odd if not any(eligible(a, b, opts) for b in members))
    return missed, false_odd


def run(members: list[Candidate], opts: MatchOptions, repeat: int, seed: int = 0):
    times = []
    result = None
    for r in range(repeat):
        t0 = time.perf_counter()
        result = match(members, seed=seed + r, options=opts)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    match(members, seed=seed, options=opts)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert result is not None
    return result, statistics.median(times), times, peak / 2**20


def reasons(result: MatchResult) -> str:
    counts = Counter(u.reason.value for u in result.unmatched)
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def report(label: str, members: list[Candidate], opts: MatchOptions, repeat: int, exact_max: int) -> None:
    result, median, times, peak = run(members, opts, repeat)
    missed, false_odd = audit(members, result, opts)
    print(f"\n== {label}")
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"time: median {median:.2f} s of {repeat} ({runs});  extra peak {peak:.0f} MB")
    print(
        f"pairs {len(result.pairs)}, unmatched {len(result.unmatched)} ({reasons(result)}); "
        f"eligible pairs {result.eligible_pairs:,}; blocked by exclusions {result.blocked_by_exclusions}, "
        f"by organizations {result.blocked_by_organizations:,}"
    )
    print(
        f"objective {result.total_score:,}; proven optimal (LP duality on the full graph): {result.optimal}; "
        f"unmatched pairs that could have been paired: {missed}; odd ones out without a partner: {false_odd}"
    )
    if len(members) <= exact_max:
        best, edges, seconds = exact_optimum(members, opts)
        print(
            f"exact optimum {best:,} (blossom on the full graph: {edges:,} pairs, {seconds:.1f} s): "
            f"engine at {100 * result.total_score / best:.3f} %"
        )
    else:
        print(f"(full-graph optimum not computed above {exact_max:,} members: --exact-max)")


def rounds(n: int, skills: int, count: int, seed: int, opts: MatchOptions) -> None:
    """Consecutive rounds on one pool with the real priority rules; quality must not drift."""
    members = {c.user_id: c for c in community(n, skills, seed)}
    print(f"\n== {count} consecutive rounds on one pool of {n:,} members, {skills} skills")
    for number in range(1, count + 1):
        pool = list(members.values())
        t0 = time.perf_counter()
        result = match(pool, seed=number, options=opts)
        seconds = time.perf_counter() - t0
        missed, false_odd = audit(pool, result, opts)
        weight = result.total_weight / max(1, len(result.pairs))
        print(
            f"round {number}: {seconds:.2f} s, pairs {len(result.pairs)}, unmatched {len(result.unmatched)} "
            f"({reasons(result)}), mean pair weight {weight:.3f} pts, proven optimal {result.optimal}, "
            f"missed pairs {missed}, false odd ones out {false_odd}"
        )
        odd = {u.user_id for u in result.unmatched if u.reason is UnmatchedReason.ODD_ONE_OUT}
        for p in result.pairs:  # the pairs end: past partners from now on, back to the ordinary queue
            for me, other in ((p.a, p.b), (p.b, p.a)):
                c = members[me]
                members[me] = replace(c, past_partners=c.past_partners | {other}, priority=0)
        for uid in odd:
            members[uid] = replace(members[uid], priority=members[uid].priority + 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000,20000")
    parser.add_argument("--skills", default="12,32", help="catalogue sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exact-max", type=int, default=2000)
    parser.add_argument("--constraints", action="store_true", help="also with exclusions and organizations")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rounds-size", type=int, default=10_000)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    catalogues = [int(s) for s in args.skills.split(",") if s]

    print(f"python {sys.version.split()[0]}, seed {args.seed}, median of {args.repeat} runs; targets: 5k ≤ 2 s,")
    print("20k ≤ 10 s, extra peak ≤ 200 MB at 20k, ≥ 99.5 % of the exact optimum, no missed pair")
    for skills in catalogues:
        for n in sizes:
            members = community(n, skills, args.seed)
            report(f"{n:,} members, {skills} skills", members, MatchOptions(), args.repeat, args.exact_max)
            if args.constraints:
                members = community(n, skills, args.seed, constraints=True)
                opts = MatchOptions(excluded_pairs=exclusions(members, args.seed), separate_organizations=True)
                label = f"{n:,} members, {skills} skills, with avoid lists, exclusions and organizations apart"
                report(label, members, opts, args.repeat, args.exact_max)
    if args.rounds:
        rounds(args.rounds_size, catalogues[0], args.rounds, args.seed, MatchOptions())


if __name__ == "__main__":
    main()
