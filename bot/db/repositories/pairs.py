from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Charter,
    FirstMeeting,
    MatchRound,
    MemberProfile,
    Pair,
    PairFeedback,
    PairSession,
    PairSlot,
    PairWeek,
)

# Launch states, in order; then the pair runs until it ends.
PENDING = "pending"
CHANNEL_CREATED = "channel_created"
KICKOFF_SENT = "kickoff_sent"
ACTIVE = "active"
ENDED = "ended"
LAUNCHING = (PENDING, CHANNEL_CREATED, KICKOFF_SENT)
OPEN = (*LAUNCHING, ACTIVE)


def _involving(user_id: int):
    return or_(Pair.member_a_id == user_id, Pair.member_b_id == user_id)


async def open_pair_of(session: AsyncSession, guild_id: int, user_id: int) -> Pair | None:
    query = select(Pair).where(Pair.guild_id == guild_id, Pair.status.in_(OPEN), _involving(user_id))
    return (await session.scalars(query.limit(1))).first()


async def members_in_open_pairs(session: AsyncSession, guild_id: int) -> set[int]:
    rows = await session.execute(
        select(Pair.member_a_id, Pair.member_b_id).where(Pair.guild_id == guild_id, Pair.status.in_(OPEN))
    )
    return {member for row in rows for member in row if member is not None}


async def past_partners(session: AsyncSession, guild_id: int) -> dict[int, set[int]]:
    rows = await session.execute(
        select(Pair.member_a_id, Pair.member_b_id).where(Pair.guild_id == guild_id, Pair.status == ENDED)
    )
    partners: dict[int, set[int]] = {}
    for a, b in rows:
        if a is not None and b is not None:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
    return partners


async def pair_by_channel(session: AsyncSession, channel_id: int) -> Pair | None:
    return (await session.scalars(select(Pair).where(Pair.channel_id == channel_id))).first()


async def launching_pairs(session: AsyncSession, guild_ids: Iterable[int]) -> list[Pair]:
    query = select(Pair).where(Pair.guild_id.in_(list(guild_ids)), Pair.status.in_(LAUNCHING)).order_by(Pair.id)
    return list((await session.scalars(query)).all())


async def claim_round(session: AsyncSession, round_id: int, status: str, moderator_id: int, now: datetime) -> bool:
    """Move a round out of preview exactly once, even with two clicks racing."""
    result = await session.execute(
        update(MatchRound)
        .where(MatchRound.id == round_id, MatchRound.status == "preview")
        .values(status=status, decided_by=moderator_id, decided_at=now)
    )
    return result.rowcount == 1


async def bump_priority(session: AsyncSession, guild_id: int, user_ids: Iterable[int]) -> None:
    """First in line at the next round (the odd one out, the partner of someone who left)."""
    ids = list(user_ids)
    if ids:
        await session.execute(
            update(MemberProfile)
            .where(MemberProfile.guild_id == guild_id, MemberProfile.user_id.in_(ids))
            .values(queue_priority=MemberProfile.queue_priority + 1)
        )


def _iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export_member_pairs(session: AsyncSession, guild_id: int, user_id: int) -> list[dict]:
    """Everything the pairs hold about the member: pairs, weeks, sessions, what they wrote, their ratings."""
    pairs = (
        await session.scalars(select(Pair).where(Pair.guild_id == guild_id, _involving(user_id)).order_by(Pair.id))
    ).all()
    exported = []
    for pair in pairs:
        is_a = pair.member_a_id == user_id
        weeks = (
            await session.scalars(select(PairWeek).where(PairWeek.pair_id == pair.id).order_by(PairWeek.week_start))
        ).all()
        sessions = (
            await session.scalars(select(PairSession).where(PairSession.pair_id == pair.id).order_by(PairSession.id))
        ).all()
        charter = await session.get(Charter, pair.id)
        first_meeting = await session.get(FirstMeeting, pair.id)
        slots = (await session.scalars(select(PairSlot).where(PairSlot.pair_id == pair.id).order_by(PairSlot.id))).all()
        feedback = (
            await session.scalars(
                select(PairFeedback).where(PairFeedback.pair_id == pair.id, PairFeedback.user_id == user_id)
            )
        ).one_or_none()
        exported.append(
            {
                "pair_id": pair.id,
                "partner_id": str(pair.partner_of(user_id)) if pair.partner_of(user_id) else None,
                "status": pair.status,
                "you_teach": list(pair.a_teaches_b if is_a else pair.b_teaches_a),
                "you_learn": list(pair.b_teaches_a if is_a else pair.a_teaches_b),
                "created_at": _iso(pair.created_at),
                "activated_at": _iso(pair.activated_at),
                "first_meeting_planned_at": _iso(pair.first_meeting_planned_at),
                "ended_at": _iso(pair.ended_at),
                "end_reason": pair.end_reason,
                "weeks": [
                    {
                        "week": _iso(w.week_start),
                        "status": w.status,
                        "topic": w.topic,
                        "role": "mentor" if w.mentor_id == user_id else "learner",
                    }
                    for w in weeks
                ],
                "sessions": [
                    {
                        "date": _iso(s.session_date),
                        "held": s.held,
                        "format": s.mode,
                        "minutes": s.minutes,
                        "led_by_you": s.led_by == user_id,
                        "logged_by_you": s.logged_by == user_id,
                        "note": s.note if s.logged_by == user_id else None,
                    }
                    for s in sessions
                ],
                "charter": None
                if charter is None
                else {
                    "your_objectives": charter.objectives_a if is_a else charter.objectives_b,
                    "shared_goal": charter.shared_goal,
                    "goal_progress": charter.goal_progress,
                    "you_signed_at": _iso(charter.signed_a_at if is_a else charter.signed_b_at),
                },
                "your_rating": None if feedback is None else {"rating": feedback.rating, "comment": feedback.comment},
                "weekly_slots": [
                    {
                        "status": s.status,
                        "proposed_by_you": s.proposed_by == user_id,
                        "weekday": s.weekday,
                        "time": s.start_time,
                        "minutes": s.minutes,
                        "timezone": s.timezone,
                        "proposed_at": _iso(s.proposed_at),
                    }
                    for s in slots
                ],
                "first_meeting": None
                if first_meeting is None
                else {
                    "starts_at": _iso(first_meeting.starts_at),
                    "mode": first_meeting.mode,
                    "place": first_meeting.place,
                    "planned_by_you": first_meeting.planned_by == user_id,
                },
            }
        )
    return exported
