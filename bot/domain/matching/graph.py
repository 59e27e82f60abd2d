"""The eligible graph of a round, evaluated block by block with numpy (never stored whole).

Every member is a row of small arrays: skills taught and learnt as bitsets (64 skills per word),
languages as a bitset, a UTC-offset class, a meeting-city id, an organization id, a priority bonus.
For a block of rows and *all* members at once, numpy computes the skill counts of every pair
(``popcount(teaches & learns)`` both ways), eligibility, and the pair's merit in milli-points (the
weight of ``scoring`` without the priority bonus). The few pairs ruled out one by one (past partners,
"avoid" lists, moderators' exclusions) are a sorted sparse list per row.

Two passes use it, each in O(n²/block) numpy steps and O(n · reserve) memory:

* :meth:`Population.reserves`: each member's ``reserve`` best candidates by the pair's own merit
  (a seeded per-pair tiebreak spreads equally good candidates, so reserves do not all pile onto the
  same few members), and per member the count of partners left after each rule (for the reasons).
* :meth:`Population.violations`: given the vertex duals of a solve on a sparse graph, the eligible
  pairs whose reduced cost is positive (LP duality: if there is none, the matching is optimal on the
  full graph), at most ``per_member`` per member, and every eligible pair of two unmatched members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.domain.matching.model import Candidate
from bot.domain.matching.scoring import (
    SAME_CITY_SCORE,
    meet_city,
    normalize_city,
    priority_points,
    skill_points,
    timezone_points,
)

PAST, EXCLUDED = 1, 2
"""Kinds of sparse blocked pairs (a pair both past and excluded counts as past)."""
TIEBREAK_BITS = 15
_TIE_MASK = (1 << TIEBREAK_BITS) - 1
_BLOCK_CELLS = 1 << 18
"""Rows per block × members ≈ this many cells (a few MB per temporary array)."""
_MAX_OFFSET_CLASSES = 128
"""Up to this many distinct UTC offsets, time-zone points come from a per-class row table."""


def _bitsets(sets: list[Iterable[str]], index: dict[str, int]) -> np.ndarray:
    """(n, words) bitsets in the narrowest unsigned type that holds ``len(index)`` bits per word
    (uint16 for the default 12 skills: less memory traffic per pair)."""
    bits = next((b for b in (8, 16, 32) if len(index) <= b), 64)
    words = max(1, -(-len(index) // bits))
    out = np.zeros((len(sets), words), dtype=np.dtype(f"uint{bits}"))
    mask = (1 << bits) - 1
    for row, keys in enumerate(sets):
        value = 0
        for key in keys:
            value |= 1 << index[key]
        for w in range(words):
            out[row, w] = (value >> (bits * w)) & mask
    return out


def _popcount_and(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(B, n) uint8: popcount(rows[i] & cols[j]) over every word (capped at 255)."""
    total = np.bitwise_count(rows[:, 0, None] & cols[None, :, 0])
    if rows.shape[1] * rows.itemsize * 8 > 255:  # more than 255 skills: count wide, then cap
        total = total.astype(np.uint16)
    for w in range(1, rows.shape[1]):
        total += np.bitwise_count(rows[:, w, None] & cols[None, :, w])
    return np.minimum(total, 255).astype(np.uint8) if total.dtype != np.uint8 else total


def _any_common(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    common = (rows[:, 0, None] & cols[None, :, 0]) != 0
    for w in range(1, rows.shape[1]):
        common |= (rows[:, w, None] & cols[None, :, w]) != 0
    return common


@dataclass(frozen=True, slots=True)
class StageCounts:
    """Per member, how many partners are left after each rule, in the order of the reasons."""

    reciprocal: np.ndarray
    """Each teaches the other something the other wants."""
    common_language: np.ndarray
    not_past: np.ndarray
    not_excluded: np.ndarray
    eligible: np.ndarray
    """Also not of the same organization (when organizations are kept apart)."""


@dataclass(frozen=True, slots=True)
class EdgeSet:
    """Undirected edges ``i < j`` (sorted, unique) with their merit (quality, no priority bonus)."""

    i: np.ndarray
    j: np.ndarray
    merit: np.ndarray

    @staticmethod
    def of(rows: np.ndarray, cols: np.ndarray, merit: np.ndarray, n: int) -> EdgeSet:
        lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
        codes, first = np.unique(lo.astype(np.int64) * n + hi, return_index=True)
        return EdgeSet(codes // n, codes % n, merit[first].astype(np.int64))

    def union(self, other: EdgeSet, n: int) -> EdgeSet:
        return EdgeSet.of(
            np.concatenate([self.i, other.i]),
            np.concatenate([self.j, other.j]),
            np.concatenate([self.merit, other.merit]),
            n,
        )

    def codes(self, n: int) -> np.ndarray:
        return self.i * n + self.j

    def take(self, mask: np.ndarray) -> EdgeSet:
        return EdgeSet(self.i[mask], self.j[mask], self.merit[mask])

    def __len__(self) -> int:
        return len(self.i)


class Population:
    """The members of a round (in vertex order) as arrays, and the passes over their pairs."""

    def __init__(
        self,
        order: list[Candidate],
        mix: list[int],
        blocked: dict[tuple[int, int], int],
        separate_organizations: bool,
    ) -> None:
        """``mix``: a seeded pseudo-random number per member (tiebreaks); ``blocked``: {(i, j): kind}
        with i < j, the pairs ruled out one by one (``PAST`` or ``EXCLUDED``)."""
        n = self.n = len(order)
        self.skills = sorted({s for c in order for s in c.teaches | c.learns})
        index = {s: k for k, s in enumerate(self.skills)}
        self.teaches = _bitsets([c.teaches for c in order], index)
        self.learns = _bitsets([c.learns for c in order], index)
        languages = sorted({lang for c in order for lang in c.languages})
        self.languages = _bitsets([c.languages for c in order], {x: k for k, x in enumerate(languages)})
        # Skill points by (n_ab << shift | n_ba), a table small enough to stay in cache; a member
        # with more than 255 skills scores as 255.
        most = min(255, max((max(len(c.teaches), len(c.learns)) for c in order), default=0))
        self.shift = max(1, most.bit_length())
        self.skill_table = np.zeros(1 << (2 * self.shift), dtype=np.int32)
        for x in range(1, most + 1):
            for y in range(1, most + 1):
                self.skill_table[(x << self.shift) | y] = skill_points(x, y)
        offsets = sorted({c.utc_offset_minutes for c in order}, key=lambda o: (o is None, o or 0))
        offset_id = {o: k for k, o in enumerate(offsets)}
        self.offset_class = np.array([offset_id[c.utc_offset_minutes] for c in order], dtype=np.intp)
        self.offsets = offsets
        if len(offsets) <= _MAX_OFFSET_CLASSES:
            table = np.array([[timezone_points(a, b) for b in offsets] for a in offsets], dtype=np.int32)
            self.tz_rows: np.ndarray | None = table[:, self.offset_class] if n else table  # (classes, n)
        else:
            self.tz_rows = None
            self.offset_value = np.array([-1 if o is None else o for o in offsets], dtype=np.int32)
        self.city = self._ids([meet_city(c) for c in order])
        self.organization = (
            self._ids([normalize_city(c.organization) for c in order]) if separate_organizations else None
        )
        if self.organization is not None and (self.organization < 0).all():
            self.organization = None
        self.bonus = np.array([priority_points(c.priority) for c in order], dtype=np.int32)
        self.mix = np.array([m & _TIE_MASK for m in mix], dtype=np.int32)
        # Sparse blocked pairs, both directions, sorted by row: CSR.
        if blocked:
            pairs = np.array([(i, j, kind) for (i, j), kind in blocked.items()], dtype=np.int64)
            rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
            cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
            kinds = np.concatenate([pairs[:, 2], pairs[:, 2]])
            sort = np.lexsort((cols, rows))
            self.blocked_rows, self.blocked_cols, self.blocked_kind = rows[sort], cols[sort], kinds[sort]
        else:
            self.blocked_rows = self.blocked_cols = self.blocked_kind = np.zeros(0, dtype=np.int64)
        self.block = max(1, min(n, _BLOCK_CELLS // max(n, 1)))
        self.tally = [0, 0, 0]  # pairs removed by exclusions, by organizations, left eligible

    @staticmethod
    def _ids(values: list[str | None]) -> np.ndarray:
        ids: dict[str, int] = {}
        return np.array([-1 if v is None else ids.setdefault(v, len(ids)) for v in values], dtype=np.int32)

    # ------------------------------------------------------------------ one block of rows

    def _blocked_of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sparse blocked pairs of ``rows`` as (local row, column, kind)."""
        lo = np.searchsorted(self.blocked_rows, rows)
        hi = np.searchsorted(self.blocked_rows, rows, side="right")
        if len(rows) and rows[-1] - rows[0] == len(rows) - 1:  # a contiguous block: one slice
            sl = slice(lo[0], hi[-1])
            return self.blocked_rows[sl] - rows[0], self.blocked_cols[sl], self.blocked_kind[sl]
        take = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)] or [np.zeros(0, np.int64)])
        local = np.repeat(np.arange(len(rows)), hi - lo)
        return local, self.blocked_cols[take], self.blocked_kind[take]

    def _timezone(self, rows: np.ndarray, first: int) -> np.ndarray:
        classes = self.offset_class[rows]
        if self.tz_rows is not None:
            return self.tz_rows[classes, first:]
        # Many distinct offsets (unusual input): the formula of scoring.timezone_points, vectorized.
        a = self.offset_value[classes][:, None]
        b = self.offset_value[self.offset_class[first:]][None, :]
        gap = np.abs(a - b) % 1440
        gap = np.minimum(gap, 1440 - gap)
        share = np.where((a < 0) | (b < 0), 0.5, np.maximum(0.0, 1.0 - gap / (8 * 60)))
        return np.rint(share * timezone_points(0, 0)).astype(np.int32)

    def evaluate(
        self, rows: np.ndarray, stages: list[np.ndarray] | None = None, first: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eligibility (bool) and merit (int32 milli-points) of ``rows`` × members ``first:``.

        With ``stages`` (five-slot list, ``first`` = 0), also sets per row the partners left after
        each rule. ``self.tally`` adds up the pairs removed by exclusions, by organizations, and the
        eligible ones."""
        x = _popcount_and(self.teaches[rows], self.learns[first:])  # what the row teaches the column
        y = _popcount_and(self.learns[rows], self.teaches[first:])  # what the column teaches the row
        ok = (x > 0) & (y > 0)
        mine = (rows >= first).nonzero()[0]
        ok[mine, rows[mine] - first] = False  # never with oneself
        if stages is not None:
            stages[0] = ok.sum(axis=1)
        ok &= _any_common(self.languages[rows], self.languages[first:])
        left = ok.sum(axis=1) if stages is not None else None
        if stages is not None:
            stages[1] = left
        r, c, kind = self._blocked_of(rows)
        for stage, k in ((2, PAST), (3, EXCLUDED)):
            sel = (kind == k) & (c >= first)
            rk, ck = r[sel], c[sel] - first
            removed = ok[rk, ck]
            if k == EXCLUDED:
                self.tally[0] += int(removed.sum())
            if stages is not None:
                left = left - np.bincount(rk[removed], minlength=len(rows))
                stages[stage] = left
            ok[rk, ck] = False
        if self.organization is not None:
            org = self.organization[rows, None]
            same = ok & (org == self.organization[None, first:]) & (org >= 0)
            self.tally[1] += int(np.count_nonzero(same))
            ok &= ~same
        self.tally[2] += int(np.count_nonzero(ok))
        if stages is not None:
            stages[4] = ok.sum(axis=1)
        merit = self.skill_table.take((x.astype(np.uint16) << self.shift) | y)
        merit += self._timezone(rows, first)
        city = self.city[rows, None]
        if (city >= 0).any():
            merit += ((city == self.city[None, first:]) & (city >= 0)) * np.int32(SAME_CITY_SCORE)
        return ok, merit

    def _blocks(self) -> Iterable[np.ndarray]:
        for start in range(0, self.n, self.block):
            yield np.arange(start, min(self.n, start + self.block))

    # ------------------------------------------------------------------ the passes

    def best_merits(self) -> np.ndarray:
        """Each member's best merit over all eligible partners (0 if none): one pass over the
        pairs (each evaluated once)."""
        best = np.zeros(self.n, dtype=np.int32)
        for rows in self._blocks():
            first = int(rows[0])
            ok, merit = self.evaluate(rows, first=first)
            merit *= ok
            best[rows] = np.maximum(best[rows], merit.max(axis=1))
            best[first:] = np.maximum(best[first:], merit.max(axis=0))
        return best

    def reserves(self, reserve: int, value: np.ndarray | None = None) -> tuple[EdgeSet, Totals]:
        """Each member's ``reserve`` best candidates (all of them if ``reserve`` ≥ n − 1), by merit,
        or by ``merit − value[partner]`` when given; and the round's totals (eligible pairs, pairs
        removed by exclusions and organizations)."""
        n = self.n
        self.tally = [0, 0, 0]
        found_rows, found_cols, found_merit = [], [], []
        for rows in self._blocks():
            ok, merit = self.evaluate(rows)
            if reserve >= n - 1:
                r, c = np.nonzero(ok)
            else:
                # Ineligible pairs keep their (distinct) tiebreak below every eligible key: a
                # partition over many equal keys would be much slower.
                rank = merit if value is None else np.maximum(merit - value[None, :], 1)
                key = ((rank * ok) << TIEBREAK_BITS) | (self.mix[rows, None] ^ self.mix[None, :])
                threshold = np.partition(key, n - reserve, axis=1)[:, n - reserve]
                r, c = np.nonzero(key >= np.maximum(threshold, 1 << TIEBREAK_BITS)[:, None])
            found_rows.append(r + rows[0])
            found_cols.append(c)
            found_merit.append(merit[r, c])
        excluded, organizations, eligible = self.tally
        totals = Totals(eligible // 2, excluded // 2, organizations // 2)
        return EdgeSet.of(*(_cat(parts) for parts in (found_rows, found_cols, found_merit)), n), totals

    def stage_counts(self, rows: np.ndarray) -> StageCounts:
        """Partners left after each rule, for ``rows`` (the members to explain)."""
        parts: list[list[np.ndarray]] = [[] for _ in range(5)]
        self.tally = [0, 0, 0]
        for start in range(0, len(rows), self.block):
            stages: list[np.ndarray] = [np.zeros(0)] * 5
            self.evaluate(rows[start : start + self.block], stages)
            for part, stage in zip(parts, stages, strict=True):
                part.append(stage)
        return StageCounts(*(_cat(part) for part in parts))

    def violations(
        self, duals: np.ndarray, free: np.ndarray, per_member: int, per_free: int
    ) -> tuple[EdgeSet, EdgeSet]:
        """Eligible pairs with ``2·objective > dual_i + dual_j`` (at most ``per_member`` per matched
        member and ``per_free`` per free member, the largest first), and every eligible pair of two
        free members (whatever the cap). Each pair is evaluated once (columns from the block's first
        row on)."""
        n = self.n
        self.tally = [0, 0, 0]
        term = (2 * self.bonus - duals).astype(np.int32)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        free_found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for rows in self._blocks():
            first = int(rows[0])
            ok, merit = self.evaluate(rows, first=first)
            slack = (merit << 1) + term[rows, None] + term[None, first:]
            r, c = np.nonzero(ok & (slack > 0))
            if not len(r):
                continue
            gain, pair_merit = slack[r, c], merit[r, c]
            r, c = r + first, c + first
            both_free = free[r] & free[c]
            if both_free.any():
                free_found.append((r[both_free], c[both_free], pair_merit[both_free]))
            # Both directions, so that each member's cap sees all of its pairs.
            found.append((np.concatenate([r, c]), np.concatenate([c, r]), np.tile(pair_merit, 2), np.tile(gain, 2)))
        empty = EdgeSet(*(np.zeros(0, np.int64) for _ in range(3)))
        if not found:
            return empty, empty
        rows, cols, merits, gains = (np.concatenate(parts) for parts in zip(*found, strict=True))
        # A few per member, largest gain first (rows are already sorted).
        sort = np.lexsort((-gains, rows))
        rows, cols, merits = rows[sort], cols[sort], merits[sort]
        first = np.searchsorted(rows, rows)  # index of each row's first entry
        cap = np.where(free[rows], per_free, per_member)
        keep = (np.arange(len(rows)) - first) < cap
        violating = EdgeSet.of(rows[keep], cols[keep], merits[keep], n)
        if not free_found:
            return violating, empty
        return violating, EdgeSet.of(*(np.concatenate(parts) for parts in zip(*free_found, strict=True)), n)


@dataclass(frozen=True, slots=True)
class Totals:
    eligible_pairs: int
    blocked_by_exclusions: int
    blocked_by_organizations: int


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
