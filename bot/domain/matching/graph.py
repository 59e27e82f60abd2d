"""The eligible graph of a round, evaluated block by block with numpy (never stored whole).

Every member is a row of small arrays: skills taught and learnt as bitsets (in the narrowest word
that holds the catalogue), languages as a bitset, a UTC-offset class, a meeting-city id, an
organization id, a priority bonus. For a block of rows and the members from the block's first row on,
numpy computes the skill counts of every pair (``popcount(teaches & learns)`` both ways), eligibility,
and the pair's merit in milli-points (the weight of ``scoring`` without the priority bonus). The few
pairs ruled out one by one (past partners, "avoid" lists, moderators' exclusions) are a sorted sparse
list per row.

The large rounds' passes over every pair run the same rules in compiled loops (``kernels``, on the
arrays of :meth:`Population.rules`, by row ranges: :meth:`Population.in_parts`); the numpy version
(:meth:`Population.scan`: blocks of the upper triangle, each pair once, shared by two threads since
numpy releases the GIL) serves the small rounds and the few rows a round explains or patches. What a
pass keeps is linear in the number of members (see ``offers``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

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

T = TypeVar("T")

PAST, EXCLUDED = 1, 2
"""Kinds of sparse blocked pairs (a pair both past and excluded counts as past)."""
TIEBREAK_BITS = 15
_TIE_MASK = (1 << TIEBREAK_BITS) - 1
_BLOCK_CELLS = 1 << 18
"""Rows per block × members ≈ this many cells (a few MB per temporary array)."""
_PARTS = 8
"""A compiled pass is cut into this many row ranges (see ``Population.in_parts``)."""
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


class Population:
    """The members of a round (in vertex order) as arrays, and the passes over their pairs."""

    def __init__(
        self,
        order: list[Candidate],
        mix: list[int],
        blocked: dict[tuple[int, int], int],
        separate_organizations: bool,
        workers: int = 1,
    ) -> None:
        """``mix``: a seeded pseudo-random number per member (tiebreaks); ``blocked``: {(i, j): kind}
        with i < j, the pairs ruled out one by one (``PAST`` or ``EXCLUDED``); ``workers``: threads
        sharing a pass."""
        n = self.n = len(order)
        self.skills = sorted({s for c in order for s in c.teaches | c.learns})
        index = {s: k for k, s in enumerate(self.skills)}
        self.teaches = _bitsets([c.teaches for c in order], index)
        self.learns = _bitsets([c.learns for c in order], index)
        languages = sorted({lang for c in order for lang in c.languages})
        self.languages = _bitsets([c.languages for c in order], {x: k for k, x in enumerate(languages)})
        self._rules: tuple | None = None
        # Skill points by (n_ab << shift | n_ba), a table small enough to stay in cache; a member
        # with more than 255 skills scores as 255.
        most = min(255, max((max(len(c.teaches), len(c.learns)) for c in order), default=0))
        self.shift = max(1, most.bit_length())
        self.skill_table = np.zeros(1 << (2 * self.shift), dtype=np.int32)
        for x in range(1, most + 1):
            for y in range(1, most + 1):
                self.skill_table[(x << self.shift) | y] = skill_points(x, y)
        # Time-zone points depend on the offsets modulo a day only: at most 1,441 classes (None last).
        offsets = sorted({_day_offset(c.utc_offset_minutes) for c in order}, key=lambda o: (o is None, o or 0))
        offset_id = {o: k for k, o in enumerate(offsets)}
        self.offset_class = np.array([offset_id[_day_offset(c.utc_offset_minutes)] for c in order], dtype=np.intp)
        self.tz_table = np.array([[timezone_points(a, b) for b in offsets] for a in offsets], dtype=np.int32)
        # (classes, n): a block's points are a row gather and a slice (few classes, as in practice).
        self.tz_rows = self.tz_table[:, self.offset_class] if len(offsets) <= _MAX_OFFSET_CLASSES else None
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
        self.workers = workers

    def rules(self) -> tuple:
        """The arrays ``kernels.row_pairs`` reads (that module's compiled passes), built on first use."""
        if self._rules is None:
            n = self.n
            starts = np.searchsorted(self.blocked_rows, np.arange(n + 1))
            self._rules = (  # one word (up to 32 bits) widens as is; wider sets are in 64-bit words
                self.teaches.astype(np.uint64),
                self.learns.astype(np.uint64),
                self.languages.astype(np.uint64),
                self.skill_table,
                self.shift,
                self.tz_table,
                self.offset_class,
                self.city,
                SAME_CITY_SCORE,
                self.organization if self.organization is not None else np.full(n, -1, dtype=np.int32),
                self.bonus,
                starts.astype(np.int64),
                self.blocked_cols.astype(np.int64),
                self.blocked_kind.astype(np.int64),
            )
        return self._rules

    def row_ranges(self, parts: int) -> list[tuple[int, int]]:
        """``parts`` consecutive row ranges holding about as many pairs (i, j), i < j, each."""
        n = self.n
        pairs_before = np.cumsum(np.arange(n - 1, -1, -1)) if n else np.zeros(0)
        total = n * (n - 1) // 2
        cuts = [0, *(int(np.searchsorted(pairs_before, total * k / parts)) for k in range(1, parts)), n]
        return [(a, b) for a, b in pairwise(cuts) if b > a]

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

    def _timezone(self, rows: np.ndarray, first: int, end: int) -> np.ndarray:
        classes = self.offset_class[rows]
        if self.tz_rows is not None:
            return self.tz_rows[classes, first:end]
        return self.tz_table[np.ix_(classes, self.offset_class[first:end])]

    def evaluate(
        self,
        rows: np.ndarray,
        stages: list[np.ndarray] | None = None,
        first: int = 0,
        tally: list[int] | None = None,
        upper: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eligibility (bool) and merit (int32 milli-points) of ``rows`` × members ``first:``.

        With ``stages`` (five-slot list, ``first`` = 0), also sets per row the partners left after
        each rule. ``tally`` (three counters) adds up the pairs removed by exclusions, by
        organizations, and the eligible ones. ``upper``: only pairs (i, j) with i < j count as
        eligible (a block of a pass, see ``scan``: each pair once)."""
        tally = tally if tally is not None else [0, 0, 0]
        end = self.n
        cols = slice(first, end)
        x = _popcount_and(self.teaches[rows], self.learns[cols])  # what the row teaches the column
        y = _popcount_and(self.learns[rows], self.teaches[cols])  # what the column teaches the row
        ok = (x > 0) & (y > 0)
        if upper:
            ok &= np.arange(first, end)[None, :] > rows[:, None]
        else:
            mine = ((rows >= first) & (rows < end)).nonzero()[0]
            ok[mine, rows[mine] - first] = False  # never with oneself
        if stages is not None:
            stages[0] = ok.sum(axis=1)
        ok &= _any_common(self.languages[rows], self.languages[cols])
        left = ok.sum(axis=1) if stages is not None else None
        if stages is not None:
            stages[1] = left
        r, c, kind = self._blocked_of(rows)
        for stage, k in ((2, PAST), (3, EXCLUDED)):
            sel = (kind == k) & (c >= first) & (c < end)
            rk, ck = r[sel], c[sel] - first
            removed = ok[rk, ck]
            if k == EXCLUDED:
                tally[0] += int(removed.sum())
            if stages is not None:
                left = left - np.bincount(rk[removed], minlength=len(rows))
                stages[stage] = left
            ok[rk, ck] = False
        if self.organization is not None:
            org = self.organization[rows, None]
            same = ok & (org == self.organization[None, cols]) & (org >= 0)
            tally[1] += int(np.count_nonzero(same))
            ok &= ~same
        tally[2] += int(np.count_nonzero(ok))
        if stages is not None:
            stages[4] = ok.sum(axis=1)
        merit = self.skill_table.take((x.astype(np.uint16) << self.shift) | y)
        merit += self._timezone(rows, first, end)
        city = self.city[rows, None]
        if (city >= 0).any():
            merit += ((city == self.city[None, cols]) & (city >= 0)) * np.int32(SAME_CITY_SCORE)
        return ok, merit

    def _blocks(self) -> Iterable[np.ndarray]:
        for start in range(0, self.n, self.block):
            yield np.arange(start, min(self.n, start + self.block))

    def scan(self, work: Callable[[np.ndarray], T]) -> Iterator[T]:
        """``work(rows)`` for every block of rows (each pair (i, j), i < j, lies in the block of row
        i, against the columns from the block's first row on: evaluate with ``first=rows[0]`` and
        ``upper=True``), results in block order. With several
        workers, blocks run in threads a few ahead of the caller (numpy releases the GIL)."""
        blocks = list(self._blocks())
        if self.workers <= 1 or len(blocks) < 4:
            for rows in blocks:
                yield work(rows)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque[Future[T]] = deque()
            for rows in blocks:
                pending.append(pool.submit(work, rows))
                if len(pending) > 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def in_parts(self, work: Callable[[int, int], T]) -> list[T]:
        """``work(lo, hi)`` for ``_PARTS`` row ranges of about as many pairs each, shared by the
        worker threads (the compiled passes of ``kernels`` release the GIL), results in row order.
        The ranges do not depend on the number of workers: neither does the result."""
        ranges = self.row_ranges(_PARTS)
        if self.workers <= 1 or len(ranges) <= 1:
            return [work(lo, hi) for lo, hi in ranges]
        with ThreadPoolExecutor(min(self.workers, len(ranges))) as pool:
            return list(pool.map(lambda r: work(*r), ranges))

    # ------------------------------------------------------------------ the passes

    def stage_counts(self, rows: np.ndarray) -> StageCounts:
        """Partners left after each rule, for ``rows`` (the members to explain)."""
        parts: list[list[np.ndarray]] = [[] for _ in range(5)]
        for start in range(0, len(rows), self.block):
            stages: list[np.ndarray] = [np.zeros(0)] * 5
            self.evaluate(rows[start : start + self.block], stages)
            for part, stage in zip(parts, stages, strict=True):
                part.append(stage)
        return StageCounts(*(_cat(part) for part in parts))


def _day_offset(offset: int | None) -> int | None:
    return None if offset is None else offset % 1440


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
