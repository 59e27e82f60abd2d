"""What the community rules store about members (issue 11): "avoid" lists, moderators' exclusions,
answers to round announcements, self-ratings; and how a member's erasure forgets them."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AnnouncementAnswer,
    MemberAvoid,
    MemberProfile,
    PairExclusion,
    ProgressRating,
    RoundAnnouncement,
)
from bot.domain.announcements import OPEN, SKIP


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def avoid_lists(session: AsyncSession, guild_id: int) -> dict[int, frozenset[int]]:
    rows = await session.execute(
        select(MemberAvoid.user_id, MemberAvoid.avoided_id).where(MemberAvoid.guild_id == guild_id)
    )
    lists: dict[int, set[int]] = {}
    for user_id, avoided_id in rows:
        lists.setdefault(user_id, set()).add(avoided_id)
    return {user_id: frozenset(avoided) for user_id, avoided in lists.items()}


async def excluded_pairs(session: AsyncSession, guild_id: int) -> frozenset[frozenset[int]]:
    rows = await session.execute(
        select(PairExclusion.member_low_id, PairExclusion.member_high_id).where(PairExclusion.guild_id == guild_id)
    )
    return frozenset(frozenset(row) for row in rows)


async def organizations(session: AsyncSession, guild_id: int) -> dict[int, str]:
    rows = await session.execute(
        select(MemberProfile.user_id, MemberProfile.organization).where(
            MemberProfile.guild_id == guild_id, MemberProfile.organization.is_not(None)
        )
    )
    return {user_id: organization for user_id, organization in rows if organization}


async def open_announcement(session: AsyncSession, guild_id: int) -> RoundAnnouncement | None:
    query = select(RoundAnnouncement).where(RoundAnnouncement.guild_id == guild_id, RoundAnnouncement.status == OPEN)
    return (await session.scalars(query.order_by(RoundAnnouncement.id.desc()).limit(1))).first()


async def sitting_out(session: AsyncSession, guild_id: int) -> set[int]:
    """Members who said they sit the announced round out (paused for that round only)."""
    announcement = await open_announcement(session, guild_id)
    if announcement is None:
        return set()
    rows = await session.scalars(
        select(AnnouncementAnswer.user_id).where(
            AnnouncementAnswer.announcement_id == announcement.id, AnnouncementAnswer.answer == SKIP
        )
    )
    return set(rows)


async def forget_member(session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Erase the member from every table of this module: their "avoid" list and their place in others'
    (the others' lists lose them: nobody is left avoiding an erased id), exclusions naming them, their
    answers to announcements and their self-ratings; as a moderator, the exclusions and announcements they
    made forget who made them. True if anything was stored."""
    found = False
    for statement in (
        delete(MemberAvoid).where(
            MemberAvoid.guild_id == guild_id, or_(MemberAvoid.user_id == user_id, MemberAvoid.avoided_id == user_id)
        ),
        delete(PairExclusion).where(
            PairExclusion.guild_id == guild_id,
            or_(PairExclusion.member_low_id == user_id, PairExclusion.member_high_id == user_id),
        ),
        delete(AnnouncementAnswer).where(
            AnnouncementAnswer.guild_id == guild_id, AnnouncementAnswer.user_id == user_id
        ),
        delete(ProgressRating).where(ProgressRating.guild_id == guild_id, ProgressRating.user_id == user_id),
        update(PairExclusion)
        .where(PairExclusion.guild_id == guild_id, PairExclusion.created_by == user_id)
        .values(created_by=None),
        update(RoundAnnouncement)
        .where(RoundAnnouncement.guild_id == guild_id, RoundAnnouncement.created_by == user_id)
        .values(created_by=None),
    ):
        result = await session.execute(statement.execution_options(synchronize_session=False))
        found |= result.rowcount > 0
    return found


async def export_member(session: AsyncSession, guild_id: int, user_id: int) -> dict:
    """What these tables hold that is the member's own: whom they avoid, their answers, their ratings.
    (Others' "avoid" lists and moderators' exclusions are not theirs to read.)"""
    avoided = await session.scalars(
        select(MemberAvoid.avoided_id)
        .where(MemberAvoid.guild_id == guild_id, MemberAvoid.user_id == user_id)
        .order_by(MemberAvoid.created_at)
    )
    answers = await session.execute(
        select(RoundAnnouncement.round_date, AnnouncementAnswer.answer, AnnouncementAnswer.answered_at)
        .join(RoundAnnouncement, RoundAnnouncement.id == AnnouncementAnswer.announcement_id)
        .where(AnnouncementAnswer.guild_id == guild_id, AnnouncementAnswer.user_id == user_id)
        .order_by(AnnouncementAnswer.answered_at)
    )
    ratings = await session.scalars(
        select(ProgressRating)
        .where(ProgressRating.guild_id == guild_id, ProgressRating.user_id == user_id)
        .order_by(ProgressRating.created_at)
    )
    return {
        "never_paired_with": [str(member) for member in avoided],
        "round_announcements": [
            {"round_date": day.isoformat(), "answer": answer, "answered_at": at.isoformat()}
            for day, answer, at in answers
        ],
        "progress_ratings": [
            {
                "pair_id": rating.pair_id,
                "stage": rating.stage,
                "objectives": list(rating.objectives),
                "ratings": list(rating.ratings),
                "shared_goal": rating.goal_rating,
                "led_most": rating.led_most,
                "rated_at": rating.updated_at.isoformat(),
            }
            for rating in ratings
        ],
    }
