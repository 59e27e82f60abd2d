"""The CPU part of a matching round, as a plain function for the worker process: candidates in,
the proposal (plain JSON-ready data) out. Imports only the domain, so the worker starts quickly."""

from __future__ import annotations

from bot.domain.matching import Candidate, MatchOptions, MatchResult, PairCheck, ProposedPair, Unmatched, match


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
    return proposal(match(candidates, seed=seed, options=options))
