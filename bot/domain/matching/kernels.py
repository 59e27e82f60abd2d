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
PAST_KIND = 1
"""``graph.PAST``: a blocked pair of past partners (the other kind is an exclusion)."""
TIE_BITS = 14
"""A first-graph key is (merit << TIE_BITS) | seeded tiebreak (see ``offers.first_candidates``)."""

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_ONE, _TWO, _FOUR, _TOP = np.uint64(1), np.uint64(2), np.uint64(4), np.uint64(56)


@njit(cache=True, nogil=True)
def popcount(x):  # pragma: no cover - compiled
    """Bits set in a uint64 (SWAR; LLVM makes it one instruction where the CPU has one)."""
    x = x - ((x >> _ONE) & _M1)
    x = (x & _M2) + ((x >> _TWO) & _M2)
    x = (x + (x >> _FOUR)) & _M4
    return np.int64((x * _H01) >> _TOP)


@njit(cache=True, nogil=True)
def _meet(a, b, i, j):  # pragma: no cover - compiled
    """Whether the sets a[i] and b[j] share a bit (word by word)."""
    for w in range(a.shape[1]):  # noqa: SIM110 - numba compiles loops, not generators
        if a[i, w] & b[j, w]:
            return True
    return False


@njit(cache=True, nogil=True)
def _reciprocal(i, j, teaches, learns, languages):  # pragma: no cover - compiled
    """Each teaches the other something the other learns, and they share a language."""
    return _meet(teaches, learns, i, j) and _meet(learns, teaches, i, j) and _meet(languages, languages, i, j)


@njit(cache=True, nogil=True)
def row_pairs(i, partners, merits, rules):  # pragma: no cover - compiled
    """The eligible pairs (i, j), j > i: ``partners[:count]`` (increasing) and ``merits[:count]``
    (milli-points, -1 for a pair ruled out one by one: skip it). Returns (count, pairs removed by
    exclusions, pairs removed by organizations).

    Every pair is computed without a branch and kept by moving the write position, so the CPU never
    guesses wrong about which pairs are eligible; the passes then loop over eligible pairs only."""
    teaches, learns, languages, table, shift, tz, offset_class, city, same_city, organization = rules[:10]
    start, cols, kinds = rules[11:]
    n = len(offset_class)
    my_city, my_organization, my_zone = city[i], organization[i], tz[offset_class[i]]
    count = same_organization = 0
    narrow = teaches.shape[1] == 1 and languages.shape[1] == 1  # up to 64 skills and languages
    row_teaches, row_learns, row_languages = teaches[i], learns[i], languages[i]
    my_teaches, my_learns, my_languages = row_teaches[0], row_learns[0], row_languages[0]
    for j in range(i + 1, n):
        if narrow:  # one word each (the compiler makes this a loop of its own)
            x = popcount(my_teaches & learns[j, 0])  # what i teaches j
            y = popcount(my_learns & teaches[j, 0])  # what j teaches i
            shared = my_languages & languages[j, 0]
        else:  # wider sets: word by word
            x = y = 0
            for w in range(teaches.shape[1]):
                x += popcount(row_teaches[w] & learns[j, w])
                y += popcount(row_learns[w] & teaches[j, w])
            shared = np.uint64(0)
            for w in range(languages.shape[1]):
                shared |= row_languages[w] & languages[j, w]
        ok = (x > 0) & (y > 0) & (shared != 0)
        same = (my_organization >= 0) & (my_organization == organization[j])
        value = table[(min(x, 255) << shift) | min(y, 255)] + my_zone[offset_class[j]]
        if (my_city >= 0) & (my_city == city[j]):
            value += same_city
        partners[count], merits[count] = j, value
        count += ok & (not same)
        same_organization += ok & same
    # The few pairs ruled out one by one (past partners, exclusions) win over an organization.
    excluded = 0
    for k in range(start[i], start[i + 1]):
        j = cols[k]
        if j <= i:
            continue
        at = np.searchsorted(partners[:count], j)
        if at < count and partners[at] == j:
            merits[at] = -1
        elif (
            my_organization >= 0
            and my_organization == organization[j]
            and _reciprocal(i, j, teaches, learns, languages)
        ):
            same_organization -= 1
        else:
            continue  # not eligible anyway
        if kinds[k] != PAST_KIND:
            excluded += 1
    return count, excluded, same_organization


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
    partners = np.empty(n, dtype=np.int64)
    merits = np.empty(n, dtype=np.int64)
    size = 0
    out_i = np.empty((hi - lo) * 2 * groups, dtype=np.int32)  # at most 2 × groups − 1 per row
    out_j = np.empty_like(out_i)
    out_o = np.empty_like(out_i)
    tally = np.zeros(3, dtype=np.int64)  # excluded, organizations, eligible
    for i in range(lo, hi):
        count, excluded, organizations = row_pairs(i, partners, merits, rules)
        tally[0] += excluded
        tally[1] += organizations
        width = n - 1 - i
        runs = groups if width >= 2 * groups else width  # few members after it: each its own run
        span = max(1, width // max(runs, 1))
        run, best_key, best_j, best_merit = -1, -1, -1, 0
        my_mix = mix[i]
        for k in range(count):
            if merits[k] < 0:
                continue
            j = partners[k]
            tally[2] += 1
            # The runs: consecutive columns after i (the last run takes the few left over).
            here = min((j - i - 1) // span, runs - 1)
            if here != run:
                if best_j >= 0:
                    out_i[size], out_j[size], out_o[size] = i, best_j, best_merit
                    size += 1
                run, best_key, best_j = here, -1, -1
            key = (merits[k] << TIE_BITS) | (my_mix ^ mix[j])
            if key > best_key:
                best_key, best_j, best_merit = key, j, merits[k]
            if key > behind_key[j]:
                behind_key[j], behind[j] = key, i
        if best_j >= 0:
            out_i[size], out_j[size], out_o[size] = i, best_j, best_merit
            size += 1
    out_o[:size] += bonus[out_i[:size]] + bonus[out_j[:size]]  # objective: merit and both bonuses
    return out_i[:size], out_j[:size], out_o[:size], tally


@njit(cache=True, nogil=True)
def offers_pass(lo, hi, rules, prices, known, margin, ahead, behind, near):  # pragma: no cover - compiled
    """Against members' prices, over the pairs of rows ``lo:hi``: each row's best partner after it
    (``ahead``: value, partner, objective; rows are this thread's alone), each member's best before
    it (``behind``, this thread's own), and in ``near`` (i, j, objective arrays) the pairs worth at
    least ``max(what the member holds, its best found so far) − margin`` to one of their members.

    Returns (pairs written to ``near``, the row the pass stopped at): when ``near`` is full, the
    pass stops before the row that did not fit; calling it again from that row with more room goes
    on exactly where it was (a row's updates are the same when made twice). Output arrays are never
    grown inside the loop: an array reassigned there makes every pair several times slower."""
    n = len(prices)
    bonus = rules[10]
    partners = np.empty(n, dtype=np.int64)
    merits = np.empty(n, dtype=np.int64)
    ahead_value, ahead_partner, ahead_objective = ahead
    behind_value, behind_partner, behind_objective = behind
    near_i, near_j, near_objective = near
    room = len(near_i)
    gain = bonus - prices  # what a partner j adds to i's value besides the pair's merit
    floor = known - margin  # each member's floor, raised as better options are found
    for j in range(n):
        floor[j] = max(floor[j], behind_value[j] - margin)  # (a pass resumed: what it found already)
    size = 0
    for i in range(lo, hi):
        count = row_pairs(i, partners, merits, rules)[0]
        # Row i's side in locals (the compiler cannot keep them in registers through array writes).
        my_bonus, my_gain = bonus[i], gain[i]
        best, partner, best_objective = NONE, -1, 0
        my_floor = floor[i]
        row_start = size
        for k in range(count):
            value = merits[k]
            if value < 0:
                continue
            j = partners[k]
            objective = value + my_bonus + bonus[j]
            forward = value + my_bonus + gain[j]  # to i
            backward = value + bonus[j] + my_gain  # to j
            if forward > best:
                best, partner, best_objective = forward, j, objective
                my_floor = max(my_floor, forward - margin)
            if backward > behind_value[j]:
                behind_value[j], behind_partner[j], behind_objective[j] = backward, i, objective
                floor[j] = max(floor[j], backward - margin)
            if forward >= my_floor or backward >= floor[j]:
                if size == room:
                    return row_start, i
                near_i[size], near_j[size], near_objective[size] = i, j, objective
                size += 1
        ahead_value[i], ahead_partner[i], ahead_objective[i] = best, partner, best_objective
    return size, hi
