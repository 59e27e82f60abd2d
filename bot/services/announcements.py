"""Rounds announced ahead (`/mentoring-admin announce`): the announcement, members' answers ("I'm
available" / "sit this round out"), the counts moderators see before `match`, and closing it when the
round ran. No Discord here.

An announcement is stored as a draft first (its buttons need its id), then opened once Discord
accepted the message: only then does it replace the previous open one (whose answers carry over),
so a message Discord refused leaves nothing behind. Members who sit the round out are left out of the
next round only; the confirmation of that round closes the announcement, and they are back after.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import AnnouncementAnswer, RoundAnnouncement
from bot.db.repositories import community, guilds, pairs, profiles
from bot.db.repositories.profiles import PAUSED
from bot.domain.announcements import AVAILABLE, DRAFT, OPEN, RAN, REPLACED, SKIP


class Answered(enum.Enum):
    RECORDED = "recorded"
    CHANGED = "changed"  # from one answer to the other
    ALREADY = "already"  # the same answer twice
    RAN = "ran"  # the round already ran
    REPLACED = "replaced"  # a newer announcement took over
    UNKNOWN = "unknown"
    NOT_JOINED = "not_joined"
    PAUSED = "paused"  # "available" while paused: /mentoring resume first
    PAIRED = "paired"  # already in a pair: rounds pair members without one


@dataclass(frozen=True, slots=True)
class Counts:
    announcement_id: int
    round_date: date
    channel_id: int
    message_id: int | None
    available: int
    sitting_out: int


class Announcements:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def draft(self, guild_id: int, channel_id: int, round_date: date, locale: str, moderator_id: int) -> int:
        async with self._db.session() as session:
            row = RoundAnnouncement(
                guild_id=guild_id,
                status=DRAFT,
                round_date=round_date,
                channel_id=channel_id,
                locale=locale,
                created_by=moderator_id,
                created_at=self._clock.now(),
            )
            session.add(row)
            await session.flush()
            return row.id

    async def discard(self, announcement_id: int) -> None:
        """The message was not posted: forget the draft."""
        async with self._db.session() as session:
            draft = RoundAnnouncement.id == announcement_id, RoundAnnouncement.status == DRAFT
            await session.execute(delete(RoundAnnouncement).where(*draft))

    async def open(self, announcement_id: int, message_id: int) -> RoundAnnouncement | None:
        """The message is posted: the announcement is the guild's open one. Returns the one it replaced
        (its answers are carried over), if any."""
        async with self._db.session() as session:
            row = await session.get(RoundAnnouncement, announcement_id)
            assert row is not None and row.status == DRAFT
            await guilds.lock_guild(session, row.guild_id, self._clock.now())
            previous = await community.open_announcement(session, row.guild_id)
            if previous is not None:
                previous.status, previous.closed_at = REPLACED, self._clock.now()
                answers = await session.scalars(
                    select(AnnouncementAnswer).where(AnnouncementAnswer.announcement_id == previous.id)
                )
                session.add_all(
                    AnnouncementAnswer(
                        announcement_id=row.id,
                        user_id=a.user_id,
                        guild_id=a.guild_id,
                        answer=a.answer,
                        answered_at=a.answered_at,
                    )
                    for a in answers
                )
            row.status, row.message_id = OPEN, message_id
            return previous

    async def get(self, announcement_id: int) -> RoundAnnouncement | None:
        async with self._db.session() as session:
            return await session.get(RoundAnnouncement, announcement_id)

    async def answer(self, guild_id: int, announcement_id: int, user_id: int, answer: str) -> Answered:
        if answer not in (AVAILABLE, SKIP):
            raise ValueError(f"not an answer: {answer!r}")
        async with self._db.session(lock=True) as session:
            row = await session.get(RoundAnnouncement, announcement_id, with_for_update=True)
            if row is None or row.guild_id != guild_id or row.status == DRAFT:
                return Answered.UNKNOWN
            if row.status == RAN:
                return Answered.RAN
            if row.status == REPLACED:
                return Answered.REPLACED
            profile = await profiles.get_profile(session, guild_id, user_id)
            if profile is None:
                return Answered.NOT_JOINED
            if answer == AVAILABLE and profile.status == PAUSED:
                return Answered.PAUSED
            if answer == AVAILABLE and await pairs.open_pair_of(session, guild_id, user_id) is not None:
                return Answered.PAIRED
            existing = await session.get(AnnouncementAnswer, (announcement_id, user_id))
            now = self._clock.now()
            if existing is None:
                # Two clicks at the same moment: the second finds the first's row (a double click).
                values = {
                    "announcement_id": announcement_id,
                    "user_id": user_id,
                    "guild_id": guild_id,
                    "answer": answer,
                    "answered_at": now,
                }
                insert = guilds.insert_ignoring_conflicts(session, AnnouncementAnswer, [values])
                inserted = await session.execute(insert)
                return Answered.RECORDED if inserted.rowcount else Answered.ALREADY
            if existing.answer == answer:
                return Answered.ALREADY
            existing.answer, existing.answered_at = answer, now
            return Answered.CHANGED

    async def current(self, guild_id: int) -> Counts | None:
        """The open announcement and its answers so far (what moderators see before `match`)."""
        async with self._db.session() as session:
            return await self.counts(session, guild_id)

    @staticmethod
    async def counts(session: AsyncSession, guild_id: int) -> Counts | None:
        row = await community.open_announcement(session, guild_id)
        if row is None:
            return None
        answers = dict(
            (
                await session.execute(
                    select(AnnouncementAnswer.answer, func.count())
                    .where(AnnouncementAnswer.announcement_id == row.id)
                    .group_by(AnnouncementAnswer.answer)
                )
            ).all()
        )
        return Counts(
            row.id, row.round_date, row.channel_id, row.message_id, answers.get(AVAILABLE, 0), answers.get(SKIP, 0)
        )


async def close_for_round(session: AsyncSession, guild_id: int, round_id: int, now) -> RoundAnnouncement | None:
    """The round ran (confirmed): the open announcement is closed; its "sit out" answers end with it.
    Called inside the round's confirmation transaction."""
    row = await community.open_announcement(session, guild_id)
    if row is not None:
        row.status, row.round_id, row.closed_at = RAN, round_id, now
    return row
