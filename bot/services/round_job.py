"""The CPU part of a matching round, as a plain function for the worker process: the round's rows
in (plain tuples and lists, cheap to pickle), the proposal (plain JSON-ready data) out. Building the
engine's candidates happens here too, not on the bot's event loop. Imports only the domain, so the
worker starts quickly."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfoNotFoundError

from bot.domain.matching import (
    Candidate,
    MatchOptions,
    MatchResult,
    PairCheck,
    ProposedPair,
    Unmatched,
    utc_offset_minutes,
)


@dataclass(frozen=True, slots=True)
class RoundConstraints:
    """Who must not be paired (issue 11): members' private "avoid" lists, moderators' exclusions,
    and organizations kept apart. Filled by :meth:`MatchingRounds.constraints`."""

    avoid: dict[int, frozenset[int]] = field(default_factory=dict)
    excluded_pairs: frozenset[frozenset[int]] = frozenset()
    organizations: dict[int, str] = field(default_factory=dict)
    separate_organizations: bool = False
    sitting_out: frozenset[int] = frozenset()  # "sit this round out" on the announcement of the round

    def applied(self, candidates: list[Candidate]) -> dict:
        """What the preview says was applied (counts only: an "avoid" stays private)."""
        present = {c.user_id for c in candidates}
        return {
            "avoid": sum(len(avoided & present) for user, avoided in self.avoid.items() if user in present),
            "exclusions": sum(1 for pair in self.excluded_pairs if pair <= present),
            "organizations": self.separate_organizations,
            "with_organization": sum(1 for user in self.organizations if user in present),
            "sitting_out": len(self.sitting_out),
        }


@dataclass(slots=True)
class RoundRows:
    """A round's members as read from the database, column by column."""

    profiles: list[tuple[int, list[str], str, str | None, bool, int]] = field(default_factory=list)
    """(user id, languages, time zone, city, in-person ok, queue priority) per available member."""
    skill_member: list[int] = field(default_factory=list)
    """Per skill row: the index of its member in ``profiles``..."""
    skill_learns: list[bool] = field(default_factory=list)
    """...whether it is a skill they learn (else teach)..."""
    skill_key: list[str] = field(default_factory=list)
    """...and the skill's key."""
    past: list[tuple[int, int]] = field(default_factory=list)
    """Ended pairs (user ids)."""


def offset(tz_name: str, at: datetime, known: dict[str, int | None]) -> int | None:
    """The zone's UTC offset in minutes at ``at`` (None for an unknown zone), cached in ``known``."""
    if tz_name not in known:
        try:
            known[tz_name] = utc_offset_minutes(tz_name, at)
        except (ZoneInfoNotFoundError, ValueError):
            known[tz_name] = None
    return known[tz_name]


def candidate(
    user_id: int,
    teaches: Iterable[str],
    learns: Iterable[str],
    languages: Iterable[str],
    offset_minutes: int | None,
    city: str | None,
    in_person_ok: bool,
    priority: int,
    past: Iterable[int],
    constraints: RoundConstraints,
) -> Candidate:
    return Candidate(
        user_id=user_id,
        teaches=frozenset(teaches),
        learns=frozenset(learns),
        languages=frozenset(languages),
        utc_offset_minutes=offset_minutes,
        city=city,
        in_person_ok=in_person_ok,
        priority=priority,
        past_partners=frozenset(past),
        organization=constraints.organizations.get(user_id),
        avoid=constraints.avoid.get(user_id, frozenset()),
    )


def candidates(rows: RoundRows, constraints: RoundConstraints, at: datetime) -> list[Candidate]:
    teaches: list[list[str]] = [[] for _ in rows.profiles]
    learns: list[list[str]] = [[] for _ in rows.profiles]
    for member, learning, key in zip(rows.skill_member, rows.skill_learns, rows.skill_key, strict=True):
        (learns if learning else teaches)[member].append(key)
    past: dict[int, set[int]] = {}
    for a, b in rows.past:
        past.setdefault(a, set()).add(b)
        past.setdefault(b, set()).add(a)
    offsets: dict[str, int | None] = {}
    return [
        candidate(
            user_id,
            teaches[k],
            learns[k],
            languages,
            offset(timezone, at, offsets),
            city,
            in_person_ok,
            priority,
            past.get(user_id, ()),
            constraints,
        )
        for k, (user_id, languages, timezone, city, in_person_ok, priority) in enumerate(rows.profiles)
    ]


def proposal_pair(pair: ProposedPair | PairCheck) -> dict:
    return {
        "a": pair.a,
        "b": pair.b,
        "a_teaches_b": list(pair.a_teaches_b),
        "b_teaches_a": list(pair.b_teaches_a),
        "same_city": pair.same_city,
    }


def proposal_unmatched(entry: Unmatched) -> dict:
    """``suggested_skills`` / ``suggested_learning`` only when there is something to suggest."""
    data: dict = {"user_id": entry.user_id, "reason": entry.reason.value}
    if entry.suggested_skills:
        data["suggested_skills"] = list(entry.suggested_skills)
    if entry.suggested_learning:
        data["suggested_learning"] = list(entry.suggested_learning)
    return data


def proposal(result: MatchResult) -> dict:
    return {
        "pairs": [proposal_pair(p) for p in result.pairs],
        "unmatched": [proposal_unmatched(u) for u in result.unmatched],
        "blocked": {
            "exclusions": result.blocked_by_exclusions,
            "organizations": result.blocked_by_organizations,
        },
    }


def propose(candidates: list[Candidate], seed: int, options: MatchOptions) -> dict:
    from bot.domain.matching.engine import match  # in the worker: the bot process never loads numpy

    return proposal(match(candidates, seed=seed, options=options))


def propose_round(
    rows: RoundRows, constraints: RoundConstraints, at: datetime, seed: int, announcement: dict | None = None
) -> tuple[dict, str]:
    """The worker's job for a round: candidates from the rows, the matching, the proposal (with what
    was applied and the round's ``announcement``, if any), and the proposal already serialized as
    JSON (storing it then costs the event loop nothing)."""
    options = MatchOptions(
        excluded_pairs=constraints.excluded_pairs, separate_organizations=constraints.separate_organizations
    )
    members = candidates(rows, constraints, at)
    result = propose(members, seed, options)
    result["applied"] = constraints.applied(members)
    if announcement is not None:
        result["announcement"] = announcement
    return result, json.dumps(result)
