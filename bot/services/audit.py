"""The audit log: every moderator action, stored with who, when and what. No Discord here."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import AuditEntry


class Action(StrEnum):
    SETUP = "setup"
    ROUND_PREVIEWED = "round_previewed"
    ROUND_CONFIRMED = "round_confirmed"
    ROUND_CANCELLED = "round_cancelled"
    MANUAL_PAIR = "manual_pair"
    UNPAIR = "unpair"
    REMIND_NOW = "remind_now"
    EXPORT = "export"
    FORGET = "forget"
    SKILL_ADDED = "skill_added"
    SKILL_RENAMED = "skill_renamed"
    SKILL_REMOVED = "skill_removed"
    EXCLUSION_ADDED = "exclusion_added"
    EXCLUSION_REMOVED = "exclusion_removed"
    ROUND_ANNOUNCED = "round_announced"


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        guild_id: int,
        actor_id: int,
        action: Action,
        *,
        targets: Sequence[int] = (),
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Store one action. `details`: ids of things and settings only, never a member's text."""
        first, second = [*targets, None, None][:2]
        entry = AuditEntry(
            guild_id=guild_id,
            actor_id=actor_id,
            action=action.value,
            target_a_id=first,
            target_b_id=second,
            details=details or {},
            created_at=self._clock.now(),
        )
        async with self._db.session() as session:
            session.add(entry)
            await session.flush()
        return entry

    async def latest(self, guild_id: int, *, offset: int = 0, limit: int = 10) -> tuple[list[AuditEntry], int]:
        """The newest entries first (a page of them), and how many there are in all."""
        async with self._db.session() as session:
            total = await session.scalar(select(func.count()).where(AuditEntry.guild_id == guild_id))
            query = (
                select(AuditEntry)
                .where(AuditEntry.guild_id == guild_id)
                .order_by(AuditEntry.id.desc())
                .offset(offset)
                .limit(limit)
            )
            return list((await session.scalars(query)).all()), int(total or 0)
