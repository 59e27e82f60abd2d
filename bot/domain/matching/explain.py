"""Why a member stays unmatched, and what would help: plain data for the preview and the messages."""

from __future__ import annotations

import numpy as np

from bot.domain.matching.graph import Population, StageCounts
from bot.domain.matching.model import UnmatchedReason

SUGGESTIONS = 3
"""Skills suggested to a member with no reciprocal partner, at most."""


def reason(stages: StageCounts, row: int) -> UnmatchedReason:
    """The first rule that leaves the member no partner; none: the matching left them out."""
    if not stages.reciprocal[row]:
        return UnmatchedReason.NO_RECIPROCAL_PARTNER
    if not stages.common_language[row]:
        return UnmatchedReason.NO_COMMON_LANGUAGE
    if not stages.not_past[row]:
        return UnmatchedReason.ONLY_PAST_PARTNERS
    if not stages.not_excluded[row]:
        return UnmatchedReason.ONLY_EXCLUDED_PARTNERS
    if not stages.eligible[row]:
        return UnmatchedReason.ONLY_SAME_ORGANIZATION
    return UnmatchedReason.ODD_ONE_OUT


class Suggestions:
    """Skills that would give a member a reciprocal partner.

    ``wanted[l][s, k]`` counts members speaking language l who teach skill s and want to learn skill
    k. A member who wants to learn s and speaks l would have a reciprocal partner by adding k to what
    they teach, whenever that count is positive; symmetrically for what they could learn. Built once
    per round in O(languages · skills² · members) with a matrix product, then O(skills²) per member.
    """

    def __init__(self, population: Population) -> None:
        self._pop = population
        k = len(population.skills)
        self._teach = _bits(population.teaches, k)
        self._learn = _bits(population.learns, k)
        self._langs = speaks = _bits(population.languages, population.languages.shape[1] * 64)
        self._lang_ids = [lang for lang in range(speaks.shape[1]) if speaks[:, lang].any()]
        self._wanted = [(self._teach * speaks[:, [lang]]).T @ self._learn for lang in self._lang_ids]

    def of(self, row: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(skills to add to what they teach, skills to add to what they learn); the second only
        when nobody teaches what they want to learn."""
        teaches, learns = self._teach[row] > 0, self._learn[row] > 0
        mine = teaches | learns
        to_teach = np.zeros(len(self._pop.skills), dtype=np.float32)
        to_learn = np.zeros(len(self._pop.skills), dtype=np.float32)
        for lang, wanted in zip(self._lang_ids, self._wanted, strict=True):
            if self._langs[row, lang]:
                to_teach += wanted[learns].sum(axis=0)  # taught by them: what I learn; wanted: k
                to_learn += wanted[:, teaches].sum(axis=1)  # wanted by them: what I teach; taught: k
        teach = self._best(to_teach, mine)
        return (teach, ()) if teach else ((), self._best(to_learn, mine))

    def _best(self, score: np.ndarray, mine: np.ndarray) -> tuple[str, ...]:
        score = np.where(mine, 0, score)
        ranked = sorted((-score[k], self._pop.skills[k]) for k in np.nonzero(score > 0)[0])
        return tuple(skill for _s, skill in ranked[:SUGGESTIONS])


def _bits(words: np.ndarray, width: int) -> np.ndarray:
    """(n, words) uint64 bitsets → (n, width) float32 0/1 matrix."""
    raw = np.ascontiguousarray(words.astype("<u8")).view(np.uint8)
    return np.unpackbits(raw, axis=1, bitorder="little")[:, :width].astype(np.float32)
