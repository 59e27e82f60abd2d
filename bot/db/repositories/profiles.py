from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MemberProfile, MemberSkill, ProgramEvent, Skill
from bot.domain.profiles import ProfileDraft

ACTIVE = "active"
PAUSED = "paused"


async def get_profile(session: AsyncSession, guild_id: int, user_id: int) -> MemberProfile | None:
    query = select(MemberProfile).where(MemberProfile.guild_id == guild_id, MemberProfile.user_id == user_id)
    return (await session.scalars(query)).one_or_none()


def draft_of(profile: MemberProfile) -> ProfileDraft:
    """The stored profile as an editable draft (re-running `join` starts from it)."""
    return ProfileDraft(
        teaches=set(profile.skill_keys("teach")),
        learns=set(profile.skill_keys("learn")),
        languages=set(profile.languages),
        timezone=profile.timezone,
        city=profile.city or "",
        in_person_ok=profile.in_person_ok,
        availability=profile.availability,
        bio=profile.bio,
        objectives=profile.objectives,
        organization=profile.organization or "",
    )


async def save_profile(
    session: AsyncSession, guild_id: int, user_id: int, draft: ProfileDraft, skills: list[Skill], now: datetime
) -> tuple[MemberProfile, bool]:
    """Create or replace the member's profile in one go. Returns the profile and whether it is new."""
    profile = await get_profile(session, guild_id, user_id)
    created = profile is None
    if profile is None:
        profile = MemberProfile(guild_id=guild_id, user_id=user_id, status=ACTIVE, joined_at=now, queue_priority=0)
        session.add(profile)
    profile.languages = sorted(draft.languages)
    profile.timezone = draft.timezone
    profile.city = draft.city or None
    profile.in_person_ok = draft.in_person_ok
    profile.availability = draft.availability
    profile.bio = draft.bio
    profile.objectives = draft.objectives
    profile.organization = draft.organization or None
    profile.updated_at = now
    _replace_skills(profile, draft, skills, is_new=created)
    if created:
        session.add(ProgramEvent(guild_id=guild_id, kind="member_joined", occurred_at=now))
    await session.flush()
    return profile, created


def _replace_skills(profile: MemberProfile, draft: ProfileDraft, skills: list[Skill], is_new: bool) -> None:
    # Edit the collection in place: removing and re-adding the same (skill, direction) row in one
    # flush would collide on the primary key. Skills removed from the catalogue since go now.
    by_key = {skill.key: skill for skill in skills}
    wanted = {(key, "teach") for key in draft.teaches} | {(key, "learn") for key in draft.learns}
    current = [] if is_new else list(profile.skills)
    kept = [row for row in current if (row.skill.key, row.direction) in wanted]
    have = {(row.skill.key, row.direction) for row in kept}
    added = [MemberSkill(skill=by_key[key], direction=direction) for key, direction in sorted(wanted - have)]
    profile.skills = kept + added


async def set_status(session: AsyncSession, profile: MemberProfile, status: str, now: datetime) -> bool:
    """Pause or resume. Returns False when the profile already had that status."""
    if profile.status == status:
        return False
    profile.status = status
    profile.updated_at = now
    session.add(ProgramEvent(guild_id=profile.guild_id, kind=f"member_{status}", occurred_at=now))
    return True


async def delete_member_data(session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> bool:
    """Delete everything personal about the member in this guild; keep an anonymous event."""
    profile = await get_profile(session, guild_id, user_id)
    if profile is None:
        return False
    await session.delete(profile)
    session.add(ProgramEvent(guild_id=guild_id, kind="member_left", occurred_at=now))
    await session.flush()
    return True


def export_profile(profile: MemberProfile) -> dict:
    """Everything stored about the member, as plain JSON-ready data."""
    return {
        "guild_id": str(profile.guild_id),
        "user_id": str(profile.user_id),
        "status": profile.status,
        "skills_to_teach": profile.skill_keys("teach"),
        "skills_to_learn": profile.skill_keys("learn"),
        "languages": list(profile.languages),
        "discord_locale": profile.discord_locale,
        "timezone": profile.timezone,
        "city": profile.city,
        "in_person_first_meeting": profile.in_person_ok,
        "availability": profile.availability,
        "bio": profile.bio,
        "objectives": profile.objectives,
        "organization": profile.organization,
        "skills_removed_from_the_catalogue": sorted(
            set(profile.removed_skill_keys("teach")) | set(profile.removed_skill_keys("learn"))
        ),
        "queue_priority": profile.queue_priority,
        "joined_at": profile.joined_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }
