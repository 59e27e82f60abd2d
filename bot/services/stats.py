"""The program's figures for `/mentoring-admin stats`: aggregates in SQL, arithmetic in
`bot.domain.stats`, one pass over the pairs' facts. No Discord here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import MemberProfile, PairFeedback, PairSession
from bot.domain.cycles import cycle_moments
from bot.domain.health import ACTIVE, ENDED, is_one_sided, leader_share
from bot.domain.progress import ProgressFigures
from bot.domain.rotation import week_of
from bot.domain.stats import active_per_week, chart_weeks, median, share, week_slots
from bot.services.guild_config import GuildConfig
from bot.services.health import HealthService, local_today
from bot.services.progress import progress_figures


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    weeks: list[date]
    sessions: list[int]  # sessions held, by the week they belong to
    active_pairs: list[int]  # pairs active at some point of the week


@dataclass(frozen=True, slots=True)
class ProgramStats:
    members_by_status: dict[str, int]
    pairs_active: int
    pairs_ended: int
    pairs_launching: int
    pairs_total: int
    sessions_held: int
    sessions_per_week: float | None  # over the chart's weeks
    weeks_with_session_share: float | None  # of the weeks pairs ran, the share with a session held
    median_leader_share: float | None  # of the pairs with a session led: the more-leading one's share
    one_sided_pairs: int
    median_pair_age_days: float | None  # active pairs
    reached_mid_cycle: int
    reached_end_of_cycle: int
    rating_average: float | None
    rating_count: int
    series: WeeklySeries
    progress: ProgressFigures | None = None  # the members' self-ratings, as aggregates only

    @property
    def empty(self) -> bool:
        return self.pairs_total == 0


class StatsService:
    def __init__(self, db: Database, clock: Clock, health: HealthService) -> None:
        self._db = db
        self._clock = clock
        self._health = health

    async def figures(self, config: GuildConfig) -> ProgramStats:
        guild_id = config.guild_id
        now = self._clock.now()
        facts = await self._health.facts(guild_id)
        started = [f for f in facts if f.active_since is not None]
        first_week = week_of(min(f.active_since for f in started).date(), config.nudge_weekday) if started else None
        weeks = chart_weeks(week_of(local_today(config, now), config.nudge_weekday), first_week)
        async with self._db.session() as session:
            members = dict(
                (
                    await session.execute(
                        select(MemberProfile.status, func.count())
                        .where(MemberProfile.guild_id == guild_id)
                        .group_by(MemberProfile.status)
                    )
                ).all()
            )
            held = PairSession.guild_id == guild_id, PairSession.held
            per_week = dict(
                (
                    await session.execute(
                        select(PairSession.week_start, func.count())
                        .where(*held, PairSession.week_start >= weeks[0])
                        .group_by(PairSession.week_start)
                    )
                ).all()
            )
            sessions_held = int(await session.scalar(select(func.count()).where(*held)) or 0)
            held_weeks = select(PairSession.pair_id, PairSession.week_start).where(*held).distinct().subquery()
            weeks_with_session = int(await session.scalar(select(func.count()).select_from(held_weeks)) or 0)
            rating_average, rating_count = (
                await session.execute(
                    select(func.avg(PairFeedback.rating), func.count()).where(PairFeedback.guild_id == guild_id)
                )
            ).one()
            progress = await progress_figures(session, guild_id)
        series = WeeklySeries(
            weeks=weeks,
            sessions=[per_week.get(week, 0) for week in weeks],
            active_pairs=active_per_week(
                ((f.active_since.date(), f.ended_at.date() if f.ended_at else None) for f in started), weeks
            ),
        )

        def week(moment: datetime) -> date:
            return week_of(local_today(config, moment), config.nudge_weekday)

        # The weeks each pair ran, as the program counts weeks (its sessions' `week_start`).
        ran_weeks = sum(week_slots(week(f.active_since), week(f.ended_at or now)) for f in started)
        shares = [s for f in started if (s := leader_share(f.led_a, f.led_b)) is not None]
        reached_mid = reached_end = 0
        for f in started:
            moments = cycle_moments(f.active_since, config.cycle_months)
            until = f.ended_at or now
            reached_mid += until >= moments.mid
            reached_end += until >= moments.end
        return ProgramStats(
            members_by_status={str(status): int(count) for status, count in members.items()},
            pairs_active=sum(f.status == ACTIVE for f in facts),
            pairs_ended=sum(f.status == ENDED for f in facts),
            pairs_launching=sum(f.status not in (ACTIVE, ENDED) for f in facts),
            pairs_total=len(facts),
            sessions_held=sessions_held,
            sessions_per_week=sum(series.sessions) / len(weeks) if weeks else None,
            weeks_with_session_share=share(weeks_with_session, ran_weeks),
            median_leader_share=median(shares),
            one_sided_pairs=sum(is_one_sided(f.led_a, f.led_b) for f in started),
            median_pair_age_days=median(_age_days(f.active_since, now) for f in started if f.status == ACTIVE),
            reached_mid_cycle=reached_mid,
            reached_end_of_cycle=reached_end,
            rating_average=float(rating_average) if rating_average is not None else None,
            rating_count=int(rating_count or 0),
            series=series,
            progress=progress,
        )


def _age_days(since: datetime, now: datetime) -> float:
    return (now - since).total_seconds() / 86400
