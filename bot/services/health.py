"""Every pair's health for the moderators' console: the facts read in three queries (not one per
pair: a server may have thousands of pairs), then judged by `bot.domain.health`. No Discord here."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Charter, Pair, PairSession
from bot.domain.health import HealthFilter, HealthOrder, PairFacts, PairHealth, assess, keep, ordered
from bot.services.guild_config import GuildConfig


def local_today(config: GuildConfig, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.timezone)).date()


class HealthService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def facts(self, guild_id: int) -> list[PairFacts]:
        """The facts of every pair of the server (any status), oldest first."""
        led_a = func.sum(case((PairSession.led_by == Pair.member_a_id, 1), else_=0))
        led_b = func.sum(case((PairSession.led_by == Pair.member_b_id, 1), else_=0))
        async with self._db.session() as session:
            held = {
                row.pair_id: row
                for row in await session.execute(
                    select(
                        PairSession.pair_id,
                        func.count().label("held"),
                        func.max(PairSession.session_date).label("last"),
                        led_a.label("led_a"),
                        led_b.label("led_b"),
                    )
                    .join(Pair, Pair.id == PairSession.pair_id)
                    .where(PairSession.guild_id == guild_id, PairSession.held)
                    .group_by(PairSession.pair_id)
                )
            }
            signed = set(
                (
                    await session.scalars(
                        select(Charter.pair_id)
                        .join(Pair, Pair.id == Charter.pair_id)
                        .where(
                            Pair.guild_id == guild_id,
                            Charter.signed_a_at.is_not(None),
                            Charter.signed_b_at.is_not(None),
                        )
                    )
                ).all()
            )
            pairs = await session.execute(
                select(
                    Pair.id,
                    Pair.status,
                    Pair.member_a_id,
                    Pair.member_b_id,
                    Pair.created_at,
                    Pair.activated_at,
                    Pair.ended_at,
                    Pair.first_meeting_planned_at,
                )
                .where(Pair.guild_id == guild_id)
                .order_by(Pair.id)
            )
            facts = []
            for pair in pairs:
                sessions = held.get(pair.id)
                facts.append(
                    PairFacts(
                        pair_id=pair.id,
                        status=pair.status,
                        member_a=pair.member_a_id,
                        member_b=pair.member_b_id,
                        created_at=pair.created_at,
                        active_since=pair.activated_at,
                        ended_at=pair.ended_at,
                        charter_signed=pair.id in signed,
                        sessions_held=sessions.held if sessions else 0,
                        led_a=int(sessions.led_a or 0) if sessions else 0,
                        led_b=int(sessions.led_b or 0) if sessions else 0,
                        last_session=sessions.last if sessions else None,
                        first_meeting_planned=pair.first_meeting_planned_at is not None,
                    )
                )
            return facts

    async def board(
        self, config: GuildConfig, wanted: HealthFilter = HealthFilter.ALL, order: HealthOrder = HealthOrder.WORRYING
    ) -> list[PairHealth]:
        """The pairs the moderator asked for, judged now, in the order asked."""
        now = self._clock.now()
        today = local_today(config, now)
        judged = [assess(facts, now, today) for facts in await self.facts(config.guild_id)]
        return ordered([health for health in judged if keep(health, wanted)], order)
