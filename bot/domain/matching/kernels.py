"""The passes over every pair of a large round, compiled (numba): one loop per pair, no temporaries.

A pass over 20,000 members is 200 million pairs; numpy needs a dozen full-size temporaries per block
of them, a compiled loop needs none and rejects most pairs after two bit operations. The rules are
those of :meth:`graph.Population.evaluate` (numpy, kept for the small passes that explain and patch
a round); ``tests/domain/test_matching_kernels.py`` checks that both agree pair by pair.

Each pass works on the rows ``lo:hi`` (the pairs (i, j), i < j, of those rows): threads share a pass
by rows, each with its own accumulators, so the results never depend on their timing. ``rules`` is
the tuple :meth:`graph.Population.rules` returns. Everything a compiled function reads comes in its
arguments (numba freezes globals into its cache).
"""

from __future__ import annotations

import numpy as np
from numba import njit

NONE = np.iinfo(np.int64).min // 4
"""The value of no option at all: far below any real value, still safe to add to."""
NOT_ELIGIBLE, EXCLUDED_PAIR, SAME_ORGANIZATION = -1, -2, -3
"""What :func:`row_merits` gives for a pair that cannot be paired (the last two are tallied)."""
PAST_KIND = 1
"""``graph.PAST``: a blocked pair of past partners (the other kind is an exclusion)."""
TIE_BITS = 14
"""A first-graph key is (merit << TIE_BITS) | seeded tiebreak (see ``offers.first_candidates``)."""

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_ONE, _TWO, _FOUR, _TOP = np.uint64(1), np.uint64(2), np.uint64(4), np.uint64(56)


@njit(cache=True, nogil=True, inline="always")
def popcount(x):  # pragma: no cover - compiled
    """Bits set in a uint64 (SWAR; LLVM makes it one instruction where the CPU has one)."""
    x = x - ((x >> _ONE) & _M1)
    x = (x & _M2) + ((x >> _TWO) & _M2)
    x = (x + (x >> _FOUR)) & _M4
    return np.int64((x * _H01) >> _TOP)


@njit(cache=True, nogil=True, inline="always")
def _common(a, b, i, j):  # pragma: no cover - compiled
    """popcount(a[i] & b[j]) over every word, capped at 255."""
    total = 0
    for w in range(a.shape[1]):
        total += popcount(a[i, w] & b[j, w])
    return min(total, 255)


@njit(cache=True, nogil=True)
def row_merits(i, out, rules):  # pragma: no cover - compiled
    """``out[j]`` for every j > i: the merit of the pair (i, j) in milli-points, or why it cannot be
    paired (negative). A row at a time into a buffer: one tight loop with no early return, which
    LLVM compiles many times faster than a function called per pair."""
    teaches, learns, languages, table, shift, tz, offset_class, city, same_city, organization = rules[:10]
    start, cols, kinds = rules[11:]
    n = len(out)
    narrow = teaches.shape[1] == 1 and languages.shape[1] == 1  # up to 64 skills and languages
    my_teaches, my_learns, my_languages = teaches[i, 0], learns[i, 0], languages[i, 0]
    for j in range(i + 1, n):
        out[j] = NOT_ELIGIBLE
        if narrow:  # the usual case: three word tests reject most pairs, then two popcounts
            if (
                not (my_teaches & learns[j, 0])
                or not (my_learns & teaches[j, 0])
                or not (my_languages & languages[j, 0])
            ):
                continue
            x = popcount(my_teaches & learns[j, 0])  # what i teaches j
            y = popcount(my_learns & teaches[j, 0])  # what j teaches i
        else:
            x = _common(teaches, learns, i, j)
            y = _common(learns, teaches, i, j)
            if x == 0 or y == 0:
                continue
            shared = False
            for w in range(languages.shape[1]):
                if languages[i, w] & languages[j, w]:
                    shared = True
                    break
            if not shared:
                continue
        if organization[i] >= 0 and organization[i] == organization[j]:
            out[j] = SAME_ORGANIZATION
            continue
        value = table[(x << shift) | y] + tz[offset_class[i], offset_class[j]]
        if city[i] >= 0 and city[i] == city[j]:
            value += same_city
        out[j] = value
    # The few pairs ruled out one by one (past partners, exclusions) win over an organization.
    for k in range(start[i], start[i + 1]):
        j = cols[k]
        if j > i and (out[j] >= 0 or out[j] == SAME_ORGANIZATION):
            out[j] = NOT_ELIGIBLE if kinds[k] == PAST_KIND else EXCLUDED_PAIR


@njit(cache=True, nogil=True)
def _grow(array, size):  # pragma: no cover - compiled
    bigger = np.empty(2 * len(array) + 1024, dtype=array.dtype)
    bigger[:size] = array[:size]
    return bigger


@njit(cache=True, nogil=True)
def first_pass(lo, hi, rules, mix, groups, behind_key, behind):  # pragma: no cover - compiled
    """The first graph's pairs of rows ``lo:hi``: each row's best partner by (merit, tiebreak) in each
    of ``groups`` runs of the members after it (all of them when they are few); and, in
    ``behind_key``/``behind`` (this thread's own), each member's best among the rows before it.

    Returns (i, j, objective) of the forward pairs and the tally: pairs removed by exclusions, by
    organizations, and the eligible ones.
    """
    n = len(mix)
    bonus = rules[10]
    merits = np.empty(n, dtype=np.int64)
    size = 0
    out_i = np.empty(max(16, (hi - lo) * 2 * groups), dtype=np.int32)
    out_j = np.empty_like(out_i)
    out_o = np.empty_like(out_i)
    tally = np.zeros(3, dtype=np.int64)  # excluded, organizations, eligible
    for i in range(lo, hi):
        row_merits(i, merits, rules)
        width = n - 1 - i
        runs = groups if width >= 2 * groups else width  # few members after it: each its own run
        span = width // runs if runs else 0
        for run in range(runs):
            best_key, best_j, best_merit = -1, -1, 0
            end = n if run == runs - 1 else i + 1 + (run + 1) * span  # the last run takes what is left
            for j in range(i + 1 + run * span, end):
                value = merits[j]
                if value < 0:
                    if value == EXCLUDED_PAIR:
                        tally[0] += 1
                    elif value == SAME_ORGANIZATION:
                        tally[1] += 1
                    continue
                tally[2] += 1
                key = (value << TIE_BITS) | (mix[i] ^ mix[j])
                if key > best_key:
                    best_key, best_j, best_merit = key, j, value
                if key > behind_key[j]:
                    behind_key[j], behind[j] = key, i
            if best_j >= 0:
                if size == len(out_i):
                    out_i, out_j, out_o = _grow(out_i, size), _grow(out_j, size), _grow(out_o, size)
                out_i[size], out_j[size] = i, best_j
                out_o[size] = best_merit + bonus[i] + bonus[best_j]
                size += 1
    return out_i[:size], out_j[:size], out_o[:size], tally


@njit(cache=True, nogil=True)
def offers_pass(lo, hi, rules, prices, known, margin, ahead, behind, seen):  # pragma: no cover - compiled
    """Against members' prices, over the pairs of rows ``lo:hi``: each row's best partner after it
    (``ahead``: value, partner, objective — rows are this thread's alone), each member's best
    before it (``behind``, this thread's own), and the pairs worth at least ``max(known, best so
    far) − margin`` to one of their members (``seen``: this thread's best so far per member).

    Returns (i, j, objective) of those near pairs."""
    n = len(prices)
    bonus = rules[10]
    merits = np.empty(n, dtype=np.int64)
    ahead_value, ahead_partner, ahead_objective = ahead
    behind_value, behind_partner, behind_objective = behind
    size = 0
    out_i = np.empty(max(1024, 4 * (hi - lo)), dtype=np.int32)
    out_j = np.empty_like(out_i)
    out_o = np.empty_like(out_i)
    for i in range(lo, hi):
        row_merits(i, merits, rules)
        for j in range(i + 1, n):
            value = merits[j]
            if value < 0:
                continue
            objective = value + bonus[i] + bonus[j]
            forward = objective - prices[j]  # to i
            backward = objective - prices[i]  # to j
            if forward > ahead_value[i]:
                ahead_value[i], ahead_partner[i], ahead_objective[i] = forward, j, objective
            if backward > behind_value[j]:
                behind_value[j], behind_partner[j], behind_objective[j] = backward, i, objective
            seen[i] = max(seen[i], forward)
            seen[j] = max(seen[j], backward)
            if forward >= max(known[i], seen[i]) - margin or backward >= max(known[j], seen[j]) - margin:
                if size == len(out_i):
                    out_i, out_j, out_o = _grow(out_i, size), _grow(out_j, size), _grow(out_o, size)
                out_i[size], out_j[size], out_o[size] = i, j, objective
                size += 1
    return out_i[:size], out_j[:size], out_o[:size]
