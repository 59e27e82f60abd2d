"""The pair's first meeting, planned from the kickoff's button: when, and in person (where) or by video.

No Discord here. Planning it records `Pair.first_meeting_planned_at` (so the weekly run's "have you
planned your first meeting?" reminder stops); planning it again moves it (the invite's SEQUENCE grows,
the reminder follows the new time).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import FirstMeeting, Pair
from bot.db.repositories.pairs import ACTIVE

IN_PERSON, VIDEO = "in_person", "video"
FIRST_MEETING_MINUTES = 90
REMIND_BEFORE = timedelta(days=1)
MAX_AHEAD = timedelta(days=366)
MAX_PLACE = 200


class PlanRefusal(enum.Enum):
    PAST = "past"
    TOO_FAR = "too_far"


def first_meeting_reminder_key(pair_id: int, starts_at: datetime) -> str:
    """One reminder per planned time: moving the meeting gives the new time its own reminder."""
    return f"first-meeting-eve:{pair_id}:{starts_at.strftime('%Y%m%dT%H%M')}"


def first_meeting_invite_key(pair_id: int, sequence: int) -> str:
    return f"first-meeting-invite:{pair_id}:{sequence}"


class FirstMeetings:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def plan(
        self, pair: Pair, user_id: int, starts_at: datetime, zone: str, place: str
    ) -> FirstMeeting | PlanRefusal:
        """Plan (or move) the first meeting; an empty `place` means by video."""
        now = self._clock.now()
        if starts_at <= now:
            return PlanRefusal.PAST
        if starts_at > now + MAX_AHEAD:
            return PlanRefusal.TOO_FAR
        place = place.strip()[:MAX_PLACE]
        async with self._db.session() as session:
            row = await session.get(FirstMeeting, pair.id, with_for_update=True)
            if row is None:
                row = FirstMeeting(pair_id=pair.id, guild_id=pair.guild_id, sequence=0)
                session.add(row)
            else:
                row.sequence += 1
            row.starts_at, row.timezone, row.minutes = starts_at, zone, FIRST_MEETING_MINUTES
            row.mode, row.place = (IN_PERSON, place) if place else (VIDEO, "")
            row.planned_by, row.planned_at = user_id, now
            stored = await session.get(Pair, pair.id, with_for_update=True)
            if stored is not None and stored.first_meeting_planned_at is None:
                stored.first_meeting_planned_at = now
            await session.flush()
            return row

    async def get(self, pair_id: int) -> FirstMeeting | None:
        async with self._db.session() as session:
            return await session.get(FirstMeeting, pair_id)

    async def reminders_due(self, guild_id: int, now: datetime) -> list[tuple[Pair, FirstMeeting]]:
        """First meetings of active pairs starting within a day (not begun: never reminded late)."""
        async with self._db.session() as session:
            rows = await session.execute(
                select(Pair, FirstMeeting)
                .join(FirstMeeting, FirstMeeting.pair_id == Pair.id)
                .where(
                    Pair.guild_id == guild_id,
                    Pair.status == ACTIVE,
                    FirstMeeting.starts_at > now,
                    FirstMeeting.starts_at <= now + REMIND_BEFORE,
                )
            )
            return [(pair, meeting) for pair, meeting in rows.all()]
