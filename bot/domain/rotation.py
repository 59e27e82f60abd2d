"""Who mentors whom, week by week. Pure rules: no Discord, no database.

A pair's weeks alternate from its start: the first counted week member A leads, the next member B,
and so on. Weeks where the pair was paused or chose to skip do not count, so the alternation simply
resumes. A swap flips one week only. The topic is taken from what the learner wants to learn and
the mentor can teach, rotating through those skills from one of the learner's weeks to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeekPlan:
    mentor: int
    learner: int
    topic: str | None
    swapped: bool


def plan_week(
    member_a: int,
    member_b: int,
    *,
    counted_weeks_before: int,
    learner_weeks_before: dict[int, int],
    a_teaches_b: list[str],
    b_teaches_a: list[str],
    swapped: bool = False,
) -> WeekPlan:
    """This week's roles. `learner_weeks_before[user]`: earlier counted weeks where `user` learned."""
    a_leads = counted_weeks_before % 2 == 0
    if swapped:
        a_leads = not a_leads
    mentor, learner = (member_a, member_b) if a_leads else (member_b, member_a)
    topics = a_teaches_b if a_leads else b_teaches_a
    topic = topics[learner_weeks_before.get(learner, 0) % len(topics)] if topics else None
    return WeekPlan(mentor, learner, topic, swapped)


def parse_time_of_day(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def run_moment(week_start: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of the weekly run of the week that starts on `week_start`."""
    return datetime.combine(week_start, at, tzinfo=zone).astimezone(UTC)


def current_week_start(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> date:
    """The local date of the latest weekly run moment at or before `now` (weekday 0 = Monday)."""
    local = now.astimezone(zone)
    start = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    if run_moment(start, at, zone) > now:
        start -= timedelta(days=7)
    return start


def week_of(day: date, weekday: int) -> date:
    """The week (its run date) a calendar day belongs to."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)
