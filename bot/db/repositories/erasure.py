"""Erasing a member: every text they wrote and every reference to them, in every table.

What stays is anonymous: pairs, weeks, sessions, slots and feedback rows keep their counts, dates,
skills and durations, with the member's id nulled and their texts blanked or deleted. The first meeting
(its place) and the voice sessions (when the two were together) of their pairs are deleted. Texts the member
wrote with their partner, without a record of who typed them (the charter's frame, shared goal and
its note), go too: they may be the member's. The partner's own texts stay (their objectives, their
session notes and their feedback).

`tests/db/test_erasure.py` walks every table and column of the schema after an erasure: a new table
or column that can hold a member's id or text fails it until it is handled here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Charter,
    FirstMeeting,
    MatchRound,
    OnceClaim,
    Pair,
    PairFeedback,
    PairSession,
    PairSlot,
    PairWeek,
    VoiceSession,
)
from bot.db.repositories import community, console
from bot.db.repositories.profiles import delete_member_data
from bot.domain.charter import FRAME_PARTS

# Charter texts written together, with no record of which of the two wrote them.
SHARED_CHARTER_TEXTS = (*FRAME_PARTS, "shared_goal", "goal_note")


async def erase_member(session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> bool:
    """Erase everything about `user_id` in `guild_id`. True if anything about them was stored."""
    found = False
    # The console's audit entries and reports first: they find the member's pairs through the pairs.
    await console.forget_member(session, guild_id, user_id)
    for side, column in (("a", Pair.member_a_id), ("b", Pair.member_b_id)):
        pair_ids = list(await session.scalars(select(Pair.id).where(Pair.guild_id == guild_id, column == user_id)))
        if not pair_ids:
            continue
        found = True
        blanked = {f"objectives_{side}": "", **dict.fromkeys(SHARED_CHARTER_TEXTS, "")}
        await session.execute(update(Charter).where(Charter.pair_id.in_(pair_ids)).values(blanked))
        # Where and when they met, and when they were together in voice: about them, whoever typed it.
        await session.execute(delete(FirstMeeting).where(FirstMeeting.pair_id.in_(pair_ids)))
        await session.execute(delete(VoiceSession).where(VoiceSession.pair_id.in_(pair_ids)))
        await session.execute(update(Pair).where(Pair.id.in_(pair_ids)).values({column.key: None}))
    # Their session notes go with them (before the author column is nulled); the partner's stay.
    notes = await session.execute(
        update(PairSession)
        .where(PairSession.guild_id == guild_id, PairSession.logged_by == user_id)
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    found |= notes.rowcount > 0
    for model, columns in (
        (Pair, (Pair.end_proposed_by,)),
        (PairWeek, (PairWeek.mentor_id, PairWeek.learner_id, PairWeek.swap_proposed_by, PairWeek.skip_proposed_by)),
        (PairSession, (PairSession.led_by, PairSession.logged_by)),
        (PairSlot, (PairSlot.proposed_by,)),
        (MatchRound, (MatchRound.created_by, MatchRound.decided_by)),
    ):
        for column in columns:
            nulled = await session.execute(
                update(model)
                .where(model.guild_id == guild_id, column == user_id)
                .values({column.key: None})
                .execution_options(synchronize_session=False)
            )
            found |= nulled.rowcount > 0
    feedback = await session.execute(
        delete(PairFeedback).where(PairFeedback.guild_id == guild_id, PairFeedback.user_id == user_id)
    )
    found |= feedback.rowcount > 0
    found |= await _scrub_round_proposals(session, guild_id, user_id)
    # "Avoid" lists (theirs, and their place in others'), exclusions, announcement answers, self-ratings.
    found |= await community.forget_member(session, guild_id, user_id)
    claims = await session.execute(
        delete(OnceClaim).where(
            OnceClaim.guild_id == guild_id,
            OnceClaim.key.startswith(OnceClaim.member_prefix(guild_id, user_id), autoescape=True),
        )
    )
    found |= claims.rowcount > 0
    found |= await delete_member_data(session, guild_id, user_id, now)
    return found


async def _scrub_round_proposals(session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Matching proposals list members by id (the pairs proposed, who stayed unmatched): forget this one."""
    scrubbed = False
    rounds = (await session.scalars(select(MatchRound).where(MatchRound.guild_id == guild_id))).all()
    for round_ in rounds:
        proposal: dict[str, Any] = round_.proposal or {}
        pairs = [
            {**pair, **{side: None for side in ("a", "b") if pair.get(side) == user_id}}
            for pair in proposal.get("pairs", [])
        ]
        unmatched = [entry for entry in proposal.get("unmatched", []) if entry.get("user_id") != user_id]
        if pairs != proposal.get("pairs", []) or unmatched != proposal.get("unmatched", []):
            round_.proposal = {**proposal, "pairs": pairs, "unmatched": unmatched}
            scrubbed = True
    return scrubbed
