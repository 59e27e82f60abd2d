"""Synthetic communities for the benchmarks, unlike the engine's own assumptions: skewed skill
popularity (a few skills everyone wants, a long tail), many distinct skill sets (1–4 skills each
way, some members on both sides), priorities, past partners, cities and time zones, languages; and,
optionally, "avoid" lists, moderators' exclusions and organizations."""

from __future__ import annotations

import random
from dataclasses import replace

from bot.domain.matching import Candidate, pair_score

DEFAULT_WEB = ("social-media", "seo", "e-commerce", "content", "analytics", "no-code")
DEFAULT_BUSINESS = ("finance", "sales", "strategy", "management", "negotiation", "legal")
CITIES = (  # (spellings, UTC offset in minutes, share of members)
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


def catalogue(size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The default 12 skills, or ``size`` skills split into two sides."""
    if size == 12:
        return DEFAULT_WEB, DEFAULT_BUSINESS
    half = size // 2
    return tuple(f"web-{k:02d}" for k in range(half)), tuple(f"biz-{k:02d}" for k in range(size - half))


def _skewed(rng: random.Random, side: tuple[str, ...], count: int) -> set[str]:
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(side))]  # Zipf-like popularity
    chosen: set[str] = set()
    while len(chosen) < min(count, len(side)):
        chosen.add(rng.choices(side, weights)[0])
    return chosen


def community(
    n: int, skills: int = 12, seed: int = 1, *, past_share: float = 0.1, constraints: bool = False
) -> list[Candidate]:
    rng = random.Random(seed)
    web, business = catalogue(skills)
    ids = rng.sample(range(10**17, 10**18), n)  # snowflake-like user ids
    members = []
    for uid in ids:
        kind = rng.random()
        sizes = (rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0], rng.choices((1, 2, 3, 4), (40, 35, 15, 10))[0])
        if kind < 0.45:
            teaches, learns = _skewed(rng, web, sizes[0]), _skewed(rng, business, sizes[1])
        elif kind < 0.85:
            teaches, learns = _skewed(rng, business, sizes[0]), _skewed(rng, web, sizes[1])
        else:  # mixed profiles
            teaches = _skewed(rng, web + business, sizes[0])
            learns = _skewed(rng, tuple(s for s in web + business if s not in teaches), sizes[1])
        r = rng.random()
        languages = {"fr"} if r < 0.7 else {"en"} if r < 0.82 else {"fr", "en"}
        spellings, offset, _share = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        members.append(
            Candidate(
                user_id=uid,
                teaches=frozenset(teaches),
                learns=frozenset(learns),
                languages=frozenset(languages),
                utc_offset_minutes=None if rng.random() < 0.05 else offset,
                city=rng.choice(spellings) if rng.random() < 0.8 else None,
                in_person_ok=rng.random() < 0.4,
                priority=rng.choices((0, 1, 2), (94, 5, 1))[0],
                organization=f"org-{rng.randrange(40)}" if constraints and rng.random() < 0.5 else None,
            )
        )
    # past pairings among members who could have been paired
    by_id = {c.user_id: c for c in members}
    past: dict[int, set[int]] = {uid: set() for uid in ids}
    avoid: dict[int, set[int]] = {uid: set() for uid in ids}
    for _ in range(int(n * past_share)):
        a, b = rng.sample(ids, 2)
        if pair_score(by_id[a], by_id[b]) is not None:
            past[a].add(b)
            past[b].add(a)
    if constraints:
        for _ in range(n // 50):
            a, b = rng.sample(ids, 2)
            avoid[a].add(b)
    return [
        replace(c, past_partners=frozenset(past[c.user_id]), avoid=frozenset(avoid[c.user_id]))
        if past[c.user_id] or avoid[c.user_id]
        else c
        for c in members
    ]


def exclusions(members: list[Candidate], seed: int = 1) -> frozenset[frozenset[int]]:
    """Moderators' exclusions: one per 50 members."""
    rng = random.Random(seed)
    ids = [c.user_id for c in members]
    return frozenset(frozenset(rng.sample(ids, 2)) for _ in range(len(ids) // 50))
