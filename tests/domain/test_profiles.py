from bot.domain.profiles import (
    MAX_BIO,
    ProfileDraft,
    ProfileProblem,
    canonical_timezone,
    clean,
    validate,
)

CATALOGUE = ["seo", "social-media", "finance", "sales"]


def good_draft(**changes) -> ProfileDraft:
    draft = ProfileDraft(
        teaches={"seo"},
        learns={"finance"},
        languages={"fr"},
        timezone="Europe/Paris",
        city="Lyon",
        in_person_ok=True,
        availability="evenings",
        bio="Hi",
        objectives="Learn pricing",
    )
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def problems(draft: ProfileDraft) -> set[ProfileProblem]:
    return {issue.problem for issue in validate(draft, CATALOGUE)}


def test_a_complete_profile_is_valid():
    assert validate(good_draft(), CATALOGUE) == []


def test_must_teach_and_learn_something():
    assert problems(good_draft(teaches=set())) == {ProfileProblem.NO_SKILL_TO_TEACH}
    assert problems(good_draft(learns=set())) == {ProfileProblem.NO_SKILL_TO_LEARN}


def test_cannot_learn_what_one_teaches():
    issues = validate(good_draft(teaches={"seo", "sales"}, learns={"seo", "finance"}), CATALOGUE)
    assert [(i.problem, i.values) for i in issues] == [(ProfileProblem.LEARNS_WHAT_TEACHES, ("seo",))]


def test_skills_must_come_from_the_catalogue():
    issues = validate(good_draft(learns={"astrology"}), CATALOGUE)
    assert [(i.problem, i.values) for i in issues] == [(ProfileProblem.UNKNOWN_SKILL, ("astrology",))]


def test_language_required_and_known():
    assert problems(good_draft(languages=set())) == {ProfileProblem.NO_LANGUAGE}
    assert problems(good_draft(languages={"fr", "xx"})) == {ProfileProblem.UNKNOWN_LANGUAGE}


def test_time_zone_must_be_iana_but_case_is_forgiven():
    assert canonical_timezone("europe/paris") == "Europe/Paris"
    assert canonical_timezone(" America/New York ") == "America/New_York"
    assert canonical_timezone("Mars/Olympus") is None
    assert canonical_timezone("") is None
    assert problems(good_draft(timezone="GMT+2 please")) == {ProfileProblem.UNKNOWN_TIMEZONE}
    assert clean(good_draft(timezone="europe/paris")).timezone == "Europe/Paris"


def test_text_limits():
    issues = validate(good_draft(bio="x" * (MAX_BIO + 1)), CATALOGUE)
    assert [(i.problem, i.field, i.limit) for i in issues] == [(ProfileProblem.TOO_LONG, "bio", MAX_BIO)]
    assert validate(good_draft(bio="x" * MAX_BIO), CATALOGUE) == []


def test_in_person_needs_a_city():
    assert problems(good_draft(city="  ")) == {ProfileProblem.IN_PERSON_WITHOUT_CITY}
    assert validate(good_draft(city="", in_person_ok=False), CATALOGUE) == []
