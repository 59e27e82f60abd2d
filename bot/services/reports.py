"""Trouble reports for the moderators: stored before anything is posted, so none is lost.

A report is posted once in the moderators' channel (the Discord side claims `report:<id>` with
`bot.claims`); while there is no channel the bot can post in, it waits and is shown at the top of
`/mentoring-admin pairs`. No Discord here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import ModeratorReport
from bot.db.repositories.guilds import insert_ignoring_conflicts


def claim_key(report_id: int) -> str:
    return f"report:{report_id}"


class Reports:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def add(
        self,
        guild_id: int,
        kind: str,
        *,
        pair_id: int | None = None,
        subject_id: int | None = None,
        event_key: str | None = None,
        **params: Any,
    ) -> None:
        """Store a report; `kind` is its message key, `params` its other values (JSON-ready).

        With an `event_key`, the event is reported once however often this is called for it."""
        row = {
            "guild_id": guild_id,
            "kind": kind,
            "pair_id": pair_id,
            "subject_id": subject_id,
            "params": params,
            "event_key": event_key,
            "created_at": self._clock.now(),
        }
        async with self._db.session() as session:
            await session.execute(insert_ignoring_conflicts(session, ModeratorReport, [row]))

    async def waiting(self, guild_id: int, limit: int | None = None) -> list[ModeratorReport]:
        """Reports not posted yet, oldest first."""
        query = (
            select(ModeratorReport)
            .where(ModeratorReport.guild_id == guild_id, ModeratorReport.posted_at.is_(None))
            .order_by(ModeratorReport.id)
        )
        async with self._db.session() as session:
            return list((await session.scalars(query.limit(limit) if limit else query)).all())

    async def count_waiting(self, guild_id: int) -> int:
        async with self._db.session() as session:
            count = await session.scalar(
                select(func.count()).where(ModeratorReport.guild_id == guild_id, ModeratorReport.posted_at.is_(None))
            )
        return int(count or 0)

    async def mark_posted(self, report_id: int, message_id: int | None) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(ModeratorReport)
                .where(ModeratorReport.id == report_id)
                .values(posted_at=self._clock.now(), message_id=message_id)
            )
