"""What makes a member profile valid. Pure rules: no Discord, no database."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from bot.domain.timezones import MAX_TIMEZONE, ZoneRefusal, canonical_timezone, timezone_refusal

# Languages offered in the onboarding menu (ISO 639-1 codes).
LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "ar")

MAX_CITY = 80
MAX_AVAILABILITY = 200
MAX_BIO = 500
MAX_OBJECTIVES = 1000
MAX_ORGANIZATION = 80


class ProfileProblem(enum.Enum):
    NO_SKILL_TO_TEACH = "no_teach"
    NO_SKILL_TO_LEARN = "no_learn"
    LEARNS_WHAT_TEACHES = "overlap"
    UNKNOWN_SKILL = "unknown_skill"
    NO_LANGUAGE = "no_language"
    UNKNOWN_LANGUAGE = "unknown_language"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    NOT_A_TIMEZONE = "not_a_timezone"  # e.g. "localtime": a file of the time-zone database, not a zone
    TOO_LONG = "too_long"
    IN_PERSON_WITHOUT_CITY = "in_person_without_city"


@dataclass(frozen=True, slots=True)
class Issue:
    problem: ProfileProblem
    field: str = ""
    limit: int = 0
    values: tuple[str, ...] = ()


@dataclass(slots=True)
class ProfileDraft:
    teaches: set[str] = field(default_factory=set)
    learns: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    timezone: str = ""
    city: str = ""
    in_person_ok: bool = False
    availability: str = ""
    bio: str = ""
    objectives: str = ""
    organization: str = ""  # asked when the server keeps members of the same organization apart


def skill_problems(teaches: Collection[str], learns: Collection[str], catalogue: Iterable[str]) -> list[Issue]:
    """Problems with the skill choices alone (checked before the member types the rest)."""
    known = set(catalogue)
    issues: list[Issue] = []
    if not teaches:
        issues.append(Issue(ProfileProblem.NO_SKILL_TO_TEACH))
    if not learns:
        issues.append(Issue(ProfileProblem.NO_SKILL_TO_LEARN))
    unknown = (set(teaches) | set(learns)) - known
    if unknown:
        issues.append(Issue(ProfileProblem.UNKNOWN_SKILL, values=tuple(sorted(unknown))))
    overlap = set(teaches) & set(learns)
    if overlap:
        issues.append(Issue(ProfileProblem.LEARNS_WHAT_TEACHES, values=tuple(sorted(overlap))))
    return issues


def language_problems(languages: Collection[str]) -> list[Issue]:
    if not languages:
        return [Issue(ProfileProblem.NO_LANGUAGE)]
    unknown = set(languages) - set(LANGUAGES)
    return [Issue(ProfileProblem.UNKNOWN_LANGUAGE, values=tuple(sorted(unknown)))] if unknown else []


def text_problems(draft: ProfileDraft) -> list[Issue]:
    issues: list[Issue] = []
    refusal = timezone_refusal(draft.timezone)
    if refusal is not None:
        not_a_zone = refusal is ZoneRefusal.NOT_A_ZONE
        problem = ProfileProblem.NOT_A_TIMEZONE if not_a_zone else ProfileProblem.UNKNOWN_TIMEZONE
        issues.append(Issue(problem, field="timezone", values=(draft.timezone[:MAX_TIMEZONE],)))
    for name, limit in (
        ("city", MAX_CITY),
        ("availability", MAX_AVAILABILITY),
        ("bio", MAX_BIO),
        ("objectives", MAX_OBJECTIVES),
        ("organization", MAX_ORGANIZATION),
    ):
        if len(getattr(draft, name)) > limit:
            issues.append(Issue(ProfileProblem.TOO_LONG, field=name, limit=limit))
    if draft.in_person_ok and not draft.city.strip():
        issues.append(Issue(ProfileProblem.IN_PERSON_WITHOUT_CITY, field="city"))
    return issues


def validate(draft: ProfileDraft, catalogue: Iterable[str]) -> list[Issue]:
    """Every problem with a whole profile; an empty list means it can be saved."""
    return (
        skill_problems(draft.teaches, draft.learns, catalogue)
        + language_problems(draft.languages)
        + text_problems(draft)
    )


def clean(draft: ProfileDraft) -> ProfileDraft:
    """The draft as stored: trimmed text and the canonical time zone. Call after `validate`."""
    return ProfileDraft(
        teaches=set(draft.teaches),
        learns=set(draft.learns),
        languages=set(draft.languages),
        timezone=canonical_timezone(draft.timezone) or draft.timezone,
        city=draft.city.strip(),
        in_person_ok=draft.in_person_ok,
        availability=draft.availability.strip(),
        bio=draft.bio.strip(),
        objectives=draft.objectives.strip(),
        organization=" ".join(draft.organization.split()),
    )
