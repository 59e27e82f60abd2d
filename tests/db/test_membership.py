"""The membership use cases on a real database (SQLite and PostgreSQL)."""

from sqlalchemy import func, select

from bot.db.models import MemberProfile, MemberSkill, ProgramEvent, Skill
from bot.domain.profiles import ProfileDraft, ProfileProblem
from bot.domain.skills import DEFAULT_CATALOGUE
from bot.services.membership import Membership

GUILD, OTHER_GUILD, USER = 1001, 1002, 42


def draft(**changes) -> ProfileDraft:
    base = ProfileDraft(
        teaches={"seo", "social-media"},
        learns={"finance"},
        languages={"fr", "en"},
        timezone="europe/paris",
        city=" Lyon ",
        in_person_ok=True,
        availability="evenings",
        bio="Community manager",
        objectives="Understand pricing",
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


async def count(database, model, *where) -> int:
    async with database.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_catalogue_is_seeded_once_per_guild(database, clock):
    membership = Membership(database, clock)
    first = await membership.catalogue(GUILD)
    again = await membership.catalogue(GUILD)
    assert [s.key for s in first] == [s.key for s in again] == [s.key for s in DEFAULT_CATALOGUE]
    assert {s.side for s in first} == {"web", "business"}
    await membership.catalogue(OTHER_GUILD)
    assert await count(database, Skill) == 2 * len(DEFAULT_CATALOGUE)


async def test_join_stores_a_clean_profile_and_editing_replaces_it(database, clock):
    membership = Membership(database, clock)
    outcome = await membership.save(GUILD, USER, draft())
    assert outcome.saved and outcome.created
    profile = await membership.profile(GUILD, USER)
    assert profile.timezone == "Europe/Paris" and profile.city == "Lyon"
    assert profile.skill_keys("teach") == ["seo", "social-media"]
    assert profile.skill_keys("learn") == ["finance"]
    assert sorted(profile.languages) == ["en", "fr"]

    clock.advance(days=1)
    outcome = await membership.save(GUILD, USER, draft(teaches={"seo", "content"}, learns={"finance", "sales"}))
    assert outcome.saved and not outcome.created
    profile = await membership.profile(GUILD, USER)
    assert profile.skill_keys("teach") == ["content", "seo"]
    assert profile.skill_keys("learn") == ["finance", "sales"]
    assert profile.updated_at > profile.joined_at
    assert await count(database, MemberProfile) == 1
    # The same member in another guild is another, independent profile.
    assert await membership.profile(OTHER_GUILD, USER) is None


async def test_an_invalid_profile_stores_nothing(database, clock):
    membership = Membership(database, clock)
    outcome = await membership.save(GUILD, USER, draft(timezone="Nowhere/Atlantis", learns={"seo"}))
    assert not outcome.saved
    assert {i.problem for i in outcome.issues} == {ProfileProblem.UNKNOWN_TIMEZONE, ProfileProblem.LEARNS_WHAT_TEACHES}
    assert await count(database, MemberProfile) == 0
    assert await count(database, MemberSkill) == 0


async def test_pause_resume_and_leave(database, clock):
    membership = Membership(database, clock)
    assert await membership.set_status(GUILD, USER, "paused") is None
    await membership.save(GUILD, USER, draft())
    assert await membership.set_status(GUILD, USER, "paused") is True
    assert await membership.set_status(GUILD, USER, "paused") is False
    assert (await membership.profile(GUILD, USER)).status == "paused"
    assert await membership.set_status(GUILD, USER, "active") is True

    exported = await membership.export(GUILD, USER)
    assert exported["profile"]["bio"] == "Community manager"
    assert exported["profile"]["skills_to_teach"] == ["seo", "social-media"]

    assert await membership.leave(GUILD, USER) is True
    assert await membership.leave(GUILD, USER) is False
    assert await count(database, MemberProfile) == 0
    assert await count(database, MemberSkill) == 0
    assert await membership.export(GUILD, USER) is None
    # Anonymous statistics survive, and carry no user id.
    kinds = await count(database, ProgramEvent, ProgramEvent.kind == "member_left")
    assert kinds == 1
    assert "user_id" not in ProgramEvent.__table__.columns
