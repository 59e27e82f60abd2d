"""Per-member lists of a sparse graph (CSR), compiled (numba): grouping, ordering, keeping the best.

A large round's graphs hold a few million entries (each pair once per side). Sorting them whole
with numpy takes several 64-bit keys and permutations of that size (the round's peak memory); here
entries are grouped by member with a counting sort, then each member's short list is ordered on its
own. Every order is total (ties broken by column or by position), so results are reproducible.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def group(start, cols, objective, i, j, pair_objective):  # pragma: no cover - compiled
    """(start, cols, objective): the entries of the lists ``start``/``cols``/``objective`` and of the
    undirected pairs (i, j) (one entry per side), grouped by row; in a row, the lists' entries first,
    then the pairs' in their order."""
    n = len(start) - 1
    grouped_start = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        grouped_start[r + 1] = start[r + 1] - start[r]
    for k in range(len(i)):
        grouped_start[i[k] + 1] += 1
        grouped_start[j[k] + 1] += 1
    for r in range(n):
        grouped_start[r + 1] += grouped_start[r]
    size = grouped_start[n]
    grouped_cols = np.empty(size, dtype=np.int32)
    grouped_objective = np.empty(size, dtype=np.int32)
    fill = grouped_start[:-1].copy()
    for r in range(n):
        for k in range(start[r], start[r + 1]):
            grouped_cols[fill[r]], grouped_objective[fill[r]] = cols[k], objective[k]
            fill[r] += 1
    for k in range(len(i)):
        a, b = i[k], j[k]
        grouped_cols[fill[a]], grouped_objective[fill[a]] = b, pair_objective[k]
        fill[a] += 1
        grouped_cols[fill[b]], grouped_objective[fill[b]] = a, pair_objective[k]
        fill[b] += 1
    return grouped_start, grouped_cols, grouped_objective


def no_lists(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty lists for ``n`` members (for :func:`best_first` and :func:`keep_best`)."""
    return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)


@njit(cache=True, nogil=True)
def best_first(start, cols, objective, i, j, pair_objective):  # pragma: no cover - compiled
    """(start, cols, objective): the lists and the pairs (as :func:`group`), each row's entries by
    objective, best first (ties: lowest column), each column once."""
    n = len(start) - 1
    start, grouped_cols, grouped_objective = group(start, cols, objective, i, j, pair_objective)
    top = 0
    for value in grouped_objective:
        top = max(top, value)
    out_start = np.zeros(n + 1, dtype=np.int64)
    size = 0
    for r in range(n):
        lo, hi = start[r], start[r + 1]
        key = np.empty(hi - lo, dtype=np.int64)
        for k in range(lo, hi):
            key[k - lo] = (top - np.int64(grouped_objective[k])) * n + grouped_cols[k]
        key.sort()
        for k in range(len(key)):
            if k == 0 or key[k] != key[k - 1]:  # the same pair twice: once
                grouped_cols[size] = key[k] % n
                grouped_objective[size] = top - key[k] // n
                size += 1
        out_start[r + 1] = size
    return out_start, grouped_cols[:size].copy(), grouped_objective[:size].copy()


@njit(cache=True, nogil=True)
def _ranked(lo, hi, cols, objective, prices):  # pragma: no cover - compiled
    """The positions ``lo:hi`` ordered by ``objective − price of the column``, largest first (ties:
    the earlier position)."""
    value = np.empty(hi - lo, dtype=np.int64)
    for k in range(lo, hi):
        value[k - lo] = prices[cols[k]] - np.int64(objective[k])  # ascending = best first
    return np.argsort(value, kind="mergesort") + lo


@njit(cache=True, nogil=True)
def keep_best(i, j, pair_objective, prices, cap):  # pragma: no cover - compiled
    """(rows, cols, objective) of the entries (each pair once per side) among each row's ``cap`` best
    by ``objective − price of the column`` (ties: the earlier pair), row by row."""
    n = len(prices)
    start, cols, objective = group(np.zeros(n + 1, dtype=np.int64), i[:0], i[:0], i, j, pair_objective)
    out_rows = np.empty(len(cols), dtype=np.int32)
    size = 0
    for r in range(n):
        for k in _ranked(start[r], start[r + 1], cols, objective, prices)[:cap]:
            out_rows[size], cols[size], objective[size] = r, cols[k], objective[k]
            size += 1
    return out_rows[:size].copy(), cols[:size].copy(), objective[:size].copy()


@njit(cache=True, nogil=True)
def best_at_prices(start, cols, objective, prices, held, per_member):  # pragma: no cover - compiled
    """(rows, cols, objective) of each row's ``per_member`` best entries of the lists ``start``/
    ``cols``/``objective`` at ``prices``, and the entry of the column the row ``held``."""
    n = len(start) - 1
    out_rows = np.empty(len(cols), dtype=np.int32)
    out_cols = np.empty(len(cols), dtype=np.int32)
    out_objective = np.empty(len(cols), dtype=np.int32)
    size = 0
    for r in range(n):
        ranked = _ranked(start[r], start[r + 1], cols, objective, prices)
        for rank in range(len(ranked)):
            k = ranked[rank]
            if rank < per_member or cols[k] == held[r]:
                out_rows[size], out_cols[size], out_objective[size] = r, cols[k], objective[k]
                size += 1
    return out_rows[:size], out_cols[:size], out_objective[:size]
