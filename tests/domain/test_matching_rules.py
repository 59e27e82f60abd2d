"""The matching engine's constraints (avoid, exclusions, organizations), its explanations, bad input,
and adversarial populations for the sparse path (see test_matching.py for the core rules)."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import pytest

from bot.domain.matching import Candidate, MatchOptions, MatchResult, UnmatchedReason, match, normalize_city
from tests.domain.test_matching import BUSINESS, WEB, assert_valid, cand, objective, random_members
from tests.domain.test_matching import eligible as skill_language_past_eligible

SPARSE = MatchOptions(full_graph_max_edges=0, reserve=2)


def eligible(a: Candidate, b: Candidate, opts: MatchOptions = MatchOptions(), allowed=()) -> bool:
    """Every rule, written out independently of the engine."""
    if not skill_language_past_eligible(a, b, allowed):
        return False
    if b.user_id in a.avoid or a.user_id in b.avoid:
        return False
    if frozenset((a.user_id, b.user_id)) in opts.excluded_pairs:
        return False
    org_a, org_b = normalize_city(a.organization), normalize_city(b.organization)
    return not (opts.separate_organizations and org_a is not None and org_a == org_b)


def exact_best(members: list[Candidate], opts: MatchOptions = MatchOptions()) -> int:
    graph = nx.Graph()
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if eligible(a, b, opts):
                graph.add_edge(a.user_id, b.user_id, weight=objective(a, b))
    return sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))


def assert_sound(members: list[Candidate], result: MatchResult, opts: MatchOptions = MatchOptions()) -> None:
    """Valid pairs, every rule honoured, nobody left out who could have been paired, true reasons."""
    assert_valid(members, result)
    by_id = {c.user_id: c for c in members}
    for p in result.pairs:
        assert eligible(by_id[p.a], by_id[p.b], opts), p
    left = [by_id[u.user_id] for u in result.unmatched]
    for i, a in enumerate(left):
        for b in left[i + 1 :]:
            assert not eligible(a, b, opts), f"{a.user_id} and {b.user_id} were both left out"
    for u in result.unmatched:
        has_partner = any(eligible(by_id[u.user_id], other, opts) for other in members)
        assert (u.reason is UnmatchedReason.ODD_ONE_OUT) == has_partner, u


# --------------------------------------------------------------------------- avoid, exclusions, organizations


@pytest.mark.parametrize("who", ["a", "b"])
def test_an_avoid_list_is_honoured_from_either_side(who: str) -> None:
    a = cand(1, {"seo"}, {"finance"}, avoid=frozenset({2}) if who == "a" else frozenset())
    b = cand(2, {"finance"}, {"seo"}, avoid=frozenset({1}) if who == "b" else frozenset())
    c = cand(3, {"finance"}, {"seo"})
    result = match([a, b, c])
    assert [(p.a, p.b) for p in result.pairs] == [(1, 3)]
    # 2's only partner is 1: the reason says an exclusion, not who asked for it
    assert [(u.user_id, u.reason) for u in result.unmatched] == [(2, UnmatchedReason.ONLY_EXCLUDED_PARTNERS)]
    assert result.blocked_by_exclusions == 1 and result.eligible_pairs == 1


def test_an_avoid_wins_over_an_allowed_rematch() -> None:
    a = cand(1, {"seo"}, {"finance"}, past_partners=frozenset({2}), avoid=frozenset({2}))
    b = cand(2, {"finance"}, {"seo"})
    result = match([a, b], allow_rematch=[{1, 2}])
    assert result.pairs == []
    assert {u.reason for u in result.unmatched} == {UnmatchedReason.ONLY_EXCLUDED_PARTNERS}


def test_a_moderators_exclusion_is_honoured_and_counted() -> None:
    members = [cand(1, {"seo"}, {"finance"}), cand(2, {"finance"}, {"seo"})]
    opts = MatchOptions(excluded_pairs=frozenset({frozenset({1, 2})}))
    result = match(members, options=opts)
    assert result.pairs == [] and result.blocked_by_exclusions == 1
    assert [u.reason for u in result.unmatched] == [UnmatchedReason.ONLY_EXCLUDED_PARTNERS] * 2
    # a past partner is reported as such, not as an exclusion
    past = [replace(members[0], past_partners=frozenset({2})), members[1]]
    assert {u.reason for u in match(past, options=opts).unmatched} == {UnmatchedReason.ONLY_PAST_PARTNERS}


def test_organizations_are_kept_apart_only_when_the_option_is_on() -> None:
    a = cand(1, {"seo"}, {"finance"}, organization="Acme Inc.")
    b = cand(2, {"finance"}, {"seo"}, organization=" acme  inc. ")
    c = cand(3, {"finance"}, {"seo"}, organization="Globex")
    d = cand(4, {"seo"}, {"finance"})  # no organization: never blocked
    assert len(match([a, b]).pairs) == 1
    apart = MatchOptions(separate_organizations=True)
    result = match([a, b], options=apart)
    assert result.pairs == [] and result.blocked_by_organizations == 1
    assert [u.reason for u in result.unmatched] == [UnmatchedReason.ONLY_SAME_ORGANIZATION] * 2
    result = match([a, b, c, d], options=apart)
    assert {(p.a, p.b) for p in result.pairs} == {(1, 3), (2, 4)}


@pytest.mark.parametrize("seed", range(40))
def test_constraints_against_the_exact_optimum(seed: int) -> None:
    rng = random.Random(500 + seed)
    members = random_members(rng, rng.randint(2, 14), small_world=True)
    ids = [c.user_id for c in members]
    members = [
        replace(
            c,
            organization=rng.choice([None, "A", "a", "B"]),
            avoid=frozenset(rng.sample(ids, 1)) if rng.random() < 0.2 else frozenset(),
        )
        for c in members
    ]
    excluded = frozenset(frozenset(rng.sample(ids, 2)) for _ in range(rng.randint(0, 3)) if len(ids) > 1)
    opts = MatchOptions(excluded_pairs=excluded, separate_organizations=rng.random() < 0.7)
    best = exact_best(members, opts)
    result = match(members, seed=seed, options=opts)
    assert_sound(members, result, opts)
    assert result.optimal and result.total_score == best
    # The sparse path: a one-candidate reserve, then the duality check grows the graph.
    sparse = match(members, seed=seed, options=replace(opts, full_graph_max_edges=0, reserve=1, check_rounds=10))
    assert_sound(members, sparse, opts)
    assert sparse.total_score <= best
    if sparse.optimal:  # a proof of optimality must be right
        assert sparse.total_score == best


# --------------------------------------------------------------------------- explanations


def test_members_with_no_reciprocal_partner_are_told_which_skills_would_help() -> None:
    a = cand(1, {"seo"}, {"finance"})
    b = cand(2, {"finance"}, {"sales", "legal"})  # teaches what 1 wants, wants what 1 does not teach
    b2 = cand(3, {"finance"}, {"sales"})
    c = cand(4, {"content"}, {"strategy"})  # nobody teaches strategy
    d = cand(5, {"management"}, {"content"})  # wants what 4 teaches, teaches management
    far = cand(6, {"finance"}, {"negotiation"}, {"de"})  # no common language: not a suggestion
    result = match([a, b, b2, c, d, far])
    by_id = {u.user_id: u for u in result.unmatched}
    assert by_id[1].reason is UnmatchedReason.NO_RECIPROCAL_PARTNER
    assert by_id[1].suggested_skills == ("sales", "legal")  # sales is wanted by two of them
    assert by_id[1].suggested_learning == ()
    assert by_id[4].suggested_skills == () and by_id[4].suggested_learning == ("management",)


def test_an_odd_one_out_is_only_someone_whose_partners_are_all_taken() -> None:
    hub = cand(1, {"seo"}, {"finance"})
    spokes = [cand(uid, {"finance"}, {"seo"}) for uid in (2, 3, 4)]
    result = match([hub, *spokes])
    assert len(result.pairs) == 1
    assert {u.reason for u in result.unmatched} == {UnmatchedReason.ODD_ONE_OUT}
    assert result.optimal


# --------------------------------------------------------------------------- bad input


def test_everyone_a_past_partner_of_everyone() -> None:
    ids = range(1, 9)
    members = [cand(uid, WEB[:1] if uid % 2 else BUSINESS[:1], BUSINESS[:1] if uid % 2 else WEB[:1]) for uid in ids]
    members = [replace(c, past_partners=frozenset(ids) - {c.user_id}) for c in members]
    for options in (MatchOptions(), SPARSE):
        result = match(members, options=options)
        assert result.pairs == [] and result.eligible_pairs == 0
        assert {u.reason for u in result.unmatched} == {UnmatchedReason.ONLY_PAST_PARTNERS}


def test_a_catalogue_of_one_skill() -> None:
    members = [cand(uid, {"seo"}, ()) for uid in range(1, 30)]
    for options in (MatchOptions(), SPARSE):
        result = match(members, options=options)
        assert result.pairs == []
        assert {(u.reason, u.suggested_skills, u.suggested_learning) for u in result.unmatched} == {
            (UnmatchedReason.NO_RECIPROCAL_PARTNER, (), ())
        }


@pytest.mark.parametrize(("catalogue", "per_member"), [(100, 3), (50, 25), (130, 25)])
def test_large_catalogues_and_many_skills_per_member(catalogue: int, per_member: int) -> None:
    rng = random.Random(catalogue + per_member)
    skills = [f"skill-{k:03d}" for k in range(catalogue)]
    members = []
    for uid in range(1, 41):
        teaches = set(rng.sample(skills, per_member))
        learns = set(rng.sample([s for s in skills if s not in teaches], per_member))
        members.append(cand(uid, teaches, learns, rng.choice([("fr",), ("en",), ("fr", "en")])))
    full = match(members)
    assert_sound(members, full)
    assert full.total_score == exact_best(members)
    sparse = match(members, options=SPARSE)
    assert_sound(members, sparse)
    assert sparse.total_score >= 0.995 * full.total_score


# --------------------------------------------------------------------------- adversarial populations


def priority_magnets(n_ordinary: int, n_magnets: int, rng: random.Random) -> list[Candidate]:
    """A few priority members who teach and learn everything (everyone's best match on paper),
    among ordinary web / business members: where ranking reserves by the partner's priority left
    the ordinary members without a reserve of their own."""
    members = [
        cand(uid, WEB + BUSINESS, WEB + BUSINESS, ("fr", "en"), priority=3, utc_offset_minutes=60)
        for uid in range(1, n_magnets + 1)
    ]
    for uid in range(n_magnets + 1, n_magnets + n_ordinary + 1):
        home, away = (WEB, BUSINESS) if uid % 2 else (BUSINESS, WEB)
        members.append(
            cand(
                uid,
                rng.sample(home, rng.randint(1, 2)),
                rng.sample(away, rng.randint(1, 2)),
                utc_offset_minutes=rng.choice([0, 60, -300]),
            )
        )
    return members


@pytest.mark.parametrize("seed", range(6))
def test_a_few_priority_members_everyone_prefers_do_not_strand_the_others(seed: int) -> None:
    rng = random.Random(seed)
    members = priority_magnets(120, 5, rng)
    result = match(members, seed=seed, options=SPARSE)
    assert_sound(members, result)
    assert {c.user_id for c in members if c.priority} <= {m for p in result.pairs for m in p.user_ids}
    assert result.total_score >= 0.995 * exact_best(members)


@pytest.mark.parametrize("seed", range(4))
def test_sparse_rounds_with_constraints_stay_near_the_optimum(seed: int) -> None:
    rng = random.Random(seed)
    members = random_members(rng, 150)
    members = [replace(c, organization=rng.choice([None, "A", "B", "C"])) for c in members]
    ids = [c.user_id for c in members]
    opts = MatchOptions(
        full_graph_max_edges=0,
        reserve=3,
        excluded_pairs=frozenset(frozenset(rng.sample(ids, 2)) for _ in range(30)),
        separate_organizations=True,
    )
    result = match(members, seed=seed, options=opts)
    assert_sound(members, result, opts)
    assert result.total_score >= 0.995 * exact_best(members, opts)
