"""Benchmark of the matching engine on synthetic communities (``benchmarks.population``).

Run from the repository root: ``python -m benchmarks.bench_matching --sizes 1000,5000,10000,20000
--skills 12,32 --constraints --rounds 3`` (``--repeat`` runs per size, median reported).
``--constraints`` also runs every size with "avoid" lists, moderators' exclusions and organizations
kept apart; ``--rounds 3`` runs that many consecutive rounds on one pool of ``--rounds-size`` members
(the pairs of a round become past partners; paired members go back to priority 0, odd ones out go
up one: the real priority rules).

Per size it prints the median time of ``--repeat`` runs, the extra peak memory of one more run
(tracemalloc: Python and numpy allocations), and the quality, measured three ways:

* **proven**: the engine's ``upper_bound`` is an LP dual bound on the optimum of the *full* eligible
  graph (auction prices; see ``bot.domain.matching.engine``), so ``total_score / upper_bound`` is a
  proven lower bound on the share of the optimum reached, at every size, without solving the full
  graph;
* **verified**: the same bound recomputed by ``benchmarks.matching_check`` from the round's
  certificate (its prices) with an independent numpy evaluation of every pair: it holds whatever the
  engine computed, since any prices give a valid bound once profits are recomputed exactly;
* **exact**: up to ``--exact-max`` members, the optimum itself, by the blossom on the full eligible
  graph built with numpy.

And an independent audit: every pair eligible, scores right, no two unmatched members who could have
been paired ("unmatched pairable"), no "odd one out" without a partner.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # launched as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.matching_check import audit, exact_optimum, verified_bound
from benchmarks.population import community, exclusions
from bot.domain.matching import Candidate, MatchOptions, MatchResult, UnmatchedReason, match


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


ROWS: list[str] = []


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
        f"objective {result.total_score:,}; upper bound on the optimum {result.upper_bound:,}: "
        f"proven ≥ {100 * result.quality:.3f} % of the optimum"
    )
    if result.certificate is not None:
        t0 = time.perf_counter()
        bound = verified_bound(members, result, opts)
        verified = f"{100 * result.total_score / bound:.3f} %"
        print(
            f"verified independently from the certificate: bound {bound:,} ({time.perf_counter() - t0:.1f} s), "
            f"≥ {verified} of the optimum{'' if bound == result.upper_bound else ' (DIFFERS from the engine)'}"
        )
    else:
        verified = "exact"
    print(f"unmatched pairs that could have been paired: {missed}; odd ones out without a partner: {false_odd}")
    exact = "—"
    if len(members) <= exact_max:
        t0 = time.perf_counter()
        best, edges = exact_optimum(members, opts)
        exact = f"{100 * result.total_score / best:.3f} %"
        print(f"exact optimum {best:,} (blossom on the full graph: {edges:,} pairs, {time.perf_counter() - t0:.1f} s)")
        print(f"engine at {exact} of the exact optimum; the bound was {100 * result.upper_bound / best:.3f} % of it")
    ROWS.append(
        f"| {label} | {median:.2f} s | {peak:.0f} MB | ≥ {100 * result.quality:.2f} % | {verified} | {exact} "
        f"| {missed} |"
    )


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
            f"({reasons(result)}), mean pair weight {weight:.3f} pts, proven ≥ {100 * result.quality:.3f} % "
            f"of the optimum, unmatched pairable {missed}, false odd ones out {false_odd}"
        )
        ROWS.append(
            f"| round {number} of {count}, {n:,} members, {skills} skills | {seconds:.2f} s | — "
            f"| ≥ {100 * result.quality:.2f} % | — | — | {missed} |"
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

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.2f} at start;")
    print(f"seed {args.seed},", end=" ")
    print(f"median of {args.repeat} runs. Targets: 5k ≤ 2 s, 20k ≤ 10 s, extra peak ≤ 200 MB at 20k,")
    print("≥ 99.5 % of the optimum (proven at every size), no unmatched pair that could have been paired")
    opts = MatchOptions()
    for skills in catalogues:
        for n in sizes:
            members = community(n, skills, args.seed)
            report(f"{n:,} members, {skills} skills", members, opts, args.repeat, args.exact_max)
            if args.constraints:
                members = community(n, skills, args.seed, constraints=True)
                constrained = replace(opts, excluded_pairs=exclusions(members, args.seed), separate_organizations=True)
                label = f"{n:,} members, {skills} skills, constraints"
                report(label, members, constrained, args.repeat, args.exact_max)
    if args.rounds:
        rounds(args.rounds_size, catalogues[0], args.rounds, args.seed, opts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average {load:.2f} at the end; constraints = avoid lists, exclusions, organizations apart")
    print("| round | time (median) | extra peak | proven quality | verified | vs exact | unmatched pairable |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(ROWS))


if __name__ == "__main__":
    main()
