"""The database schema: typed SQLAlchemy 2 models, every row scoped by Discord guild id.

The schema is created and changed by Alembic migrations only (`bot/db/migrations`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Surrogate keys: BIGINT on PostgreSQL, INTEGER on SQLite (the only type SQLite auto-increments).
SurrogateKey = BigInteger().with_variant(Integer(), "sqlite")


class AwareDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use the bot's clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {int: BigInteger(), datetime: AwareDateTime()}


class GuildSettings(Base):
    """How one server runs its program. Created with defaults the first time the guild is seen."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))  # None: follow the server's Discord language
    moderator_role_id: Mapped[int | None]
    mod_channel_id: Mapped[int | None]  # where moderators are told about pairs in trouble
    welcome_channel_id: Mapped[int | None]
    pair_category_name: Mapped[str] = mapped_column(String(80), default="Binômes")
    archive_mode: Mapped[str] = mapped_column(String(16), default="archive")
    nudge_weekday: Mapped[int] = mapped_column(Integer, default=0)
    nudge_time: Mapped[str] = mapped_column(String(5), default="09:00")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Toronto")
    cycle_months: Mapped[int] = mapped_column(Integer, default=6)
    # Never pair two members of the same organization (members then give theirs when joining).
    separate_organizations: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Check-ins from voice presence (cogs/voice): off by default; each pair then gets a voice channel too.
    voice_checkins: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    voice_min_minutes: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Skill(Base):
    """One entry of a guild's skill catalogue; `side` is "web" (web/digital), "business", or the key
    of a side a moderator named (`side_name` then holds its name). A removed skill keeps its row
    (`removed_at`): profiles and pairs that used it still show its label, but menus and matching skip it."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("guild_id", "key"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    side_name: Mapped[str | None] = mapped_column(String(40))
    removed_at: Mapped[datetime | None]


class MemberProfile(Base):
    """A member's participation in one guild's program: everything personal about them lives here
    and in `member_skills`, so leaving deletes exactly these rows."""

    __tablename__ = "member_profiles"
    __table_args__ = (UniqueConstraint("guild_id", "user_id"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int]
    user_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="active")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(80))
    in_person_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    availability: Mapped[str] = mapped_column(Text, default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    organization: Mapped[str | None] = mapped_column(String(80))  # asked when the server keeps them apart
    # The Discord locale ("fr", "en-US"...) of the member's last interaction: with `languages`, what
    # their DMs are written in (`Binome.member_locale`). Erased with the profile.
    discord_locale: Mapped[str | None] = mapped_column(String(16))
    # Higher goes first in the next matching round (e.g. last round's odd one out).
    queue_priority: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    skills: Mapped[list[MemberSkill]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def skill_keys(self, direction: str) -> list[str]:
        """The skills of the catalogue the member teaches ("teach") or learns ("learn")."""
        return sorted(s.skill.key for s in self.skills if s.direction == direction and s.skill.removed_at is None)

    def removed_skill_keys(self, direction: str) -> list[str]:
        """Skills the member chose that moderators removed since (shown as such, never matched)."""
        return sorted(s.skill.key for s in self.skills if s.direction == direction and s.skill.removed_at is not None)


class MemberSkill(Base):
    __tablename__ = "member_skills"

    profile_id: Mapped[int] = mapped_column(
        SurrogateKey, ForeignKey("member_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)  # "teach" or "learn"

    profile: Mapped[MemberProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")


class ProgramEvent(Base):
    """Anonymous program statistics (joins, departures...). Deliberately carries no user id."""

    __tablename__ = "program_events"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]


class CommandSyncState(Base):
    """Fingerprint of the application commands last pushed to Discord, per scope."""

    __tablename__ = "command_sync_state"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime]


class ShardLease(Base):
    """Which live process runs a gateway shard (one row per shard count and shard id).

    On PostgreSQL the lease itself is an advisory lock the process holds on a connection of its own for
    its whole life (released by the server the moment that process or its connection dies); this row
    names the holder, for the refusal a second process gets, and its heartbeat shows it alive.
    """

    __tablename__ = "shard_leases"

    shard_count: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    shard_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(96))  # "host:pid", as in claim owners
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class GatewayIdentify(Base):
    """When a session last started (IDENTIFY) in each of Discord's identify buckets, whichever process
    started it: the next one in the bucket waits until 5 s have passed (`bot.services.identify`)."""

    __tablename__ = "gateway_identifies"

    max_concurrency: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    identified_at: Mapped[datetime]
    shard: Mapped[str] = mapped_column(String(160))  # "shard 1 of 3 by host:pid"


class MatchRound(Base):
    """A matching round: the proposal shown to moderators, then confirmed (once) or cancelled."""

    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16))  # preview → confirmed | cancelled
    seed: Mapped[int]
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None]  # nulled when that moderator's data is erased
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None]
    decided_at: Mapped[datetime | None]


class Pair(Base):
    """Two members mentoring each other, and the state of their private channel.

    Launch is a persisted state machine (pending → channel_created → kickoff_sent → active) written
    before each Discord call, so a crash mid-way is resumed at start-up without duplicates.
    """

    __tablename__ = "pairs"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    # Nulled when a member leaves the program (their personal data goes; the pair stays as a statistic).
    member_a_id: Mapped[int | None] = mapped_column(index=True)
    member_b_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(10))  # "round" or "manual"
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id", ondelete="SET NULL"))
    a_teaches_b: Mapped[list[str]] = mapped_column(JSON, default=list)
    b_teaches_a: Mapped[list[str]] = mapped_column(JSON, default=list)
    same_city: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language of the pair's channel and of the DMs about the pair (`bot.domain.languages.pair_language`),
    # decided when the pair is formed, changed by the pair (`/pair language`). None: a pair formed before
    # languages were stored, which reads the program's language.
    locale: Mapped[str | None] = mapped_column(String(8))
    category_id: Mapped[int | None]
    channel_id: Mapped[int | None]
    kickoff_message_id: Mapped[int | None]
    voice_channel_id: Mapped[int | None]  # the pair's private voice channel, when the server has voice check-ins
    # Each launch of the pair (the first, then one per channel deleted by hand) is done exactly once:
    # its claim key names this generation.
    launch_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    first_meeting_planned_at: Mapped[datetime | None]
    first_meeting_reminded_at: Mapped[datetime | None]
    # The pair's current cycle (default 6 months) and the check-ins asked during it.
    cycle_started_at: Mapped[datetime | None]
    mid_cycle_prompted_at: Mapped[datetime | None]
    end_cycle_prompted_at: Mapped[datetime | None]
    silence_reported_at: Mapped[datetime | None]  # moderators told about weeks without news
    end_proposed_by: Mapped[int | None]  # `/pair end` waiting for the partner's (or a moderator's) confirmation
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))

    def members(self) -> tuple[int | None, int | None]:
        return self.member_a_id, self.member_b_id

    def partner_of(self, user_id: int) -> int | None:
        return self.member_b_id if user_id == self.member_a_id else self.member_a_id


class PairWeek(Base):
    """One week of a pair: who mentors whom on which topic. (pair, week) is the weekly message's
    idempotence key: the weekly run, a catch-up and `remind-now` all post it at most once."""

    __tablename__ = "pair_weeks"
    __table_args__ = (UniqueConstraint("pair_id", "week_start"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    week_start: Mapped[date] = mapped_column(Date)  # the guild-local date of that week's run
    status: Mapped[str] = mapped_column(String(12))  # planned | posted | paused | skipped
    mentor_id: Mapped[int | None]
    learner_id: Mapped[int | None]
    topic: Mapped[str | None] = mapped_column(String(40))  # a skill key
    swapped: Mapped[bool] = mapped_column(Boolean, default=False)
    swap_proposed_by: Mapped[int | None]
    skip_proposed_by: Mapped[int | None]  # skipping the week waits for the partner's consent
    message_id: Mapped[int | None]
    posted_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]


class WeeklyRun(Base):
    """A guild's weekly run for one week: started, then completed. Catch-up after downtime and
    restarts read it, so a week is neither skipped nor run twice."""

    __tablename__ = "weekly_runs"

    guild_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class PairSession(Base):
    """A check-in: a session the pair held (or not), who led it, how, how long."""

    __tablename__ = "pair_sessions"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    session_date: Mapped[date] = mapped_column(Date)
    week_start: Mapped[date] = mapped_column(Date)
    held: Mapped[bool] = mapped_column(Boolean)
    mode: Mapped[str | None] = mapped_column(String(12))  # in_person | video
    minutes: Mapped[int | None] = mapped_column(Integer)
    led_by: Mapped[int | None]
    logged_by: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Charter(Base):
    """The pair's written frame, each one's objectives and their shared goal; both sign it."""

    __tablename__ = "charters"

    pair_id: Mapped[int] = mapped_column(
        SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    frequency: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[str] = mapped_column(Text, default="")
    meeting_format: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(Text, default="")
    ending: Mapped[str] = mapped_column(Text, default="")
    objectives_a: Mapped[str] = mapped_column(Text, default="")
    objectives_b: Mapped[str] = mapped_column(Text, default="")
    shared_goal: Mapped[str] = mapped_column(Text, default="")
    goal_progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    goal_note: Mapped[str] = mapped_column(Text, default="")
    signed_a_at: Mapped[datetime | None]
    signed_b_at: Mapped[datetime | None]
    # How many versions both members signed: each is posted and pinned exactly once (its claim key).
    signed_versions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    panel_message_id: Mapped[int | None]
    pinned_message_id: Mapped[int | None]
    updated_at: Mapped[datetime]


class PairSlot(Base):
    """A weekly slot of a pair: proposed by one member (in their own time zone), then agreed by the other.

    At most one slot of a pair is `agreed` at a time (a newly agreed one `replaced` it) and one is
    `proposed` (a newer proposal `superseded` it; a week without an answer `expired` it). `sequence` is
    the calendar invite's SEQUENCE: the pair's invite keeps one UID, each agreed slot updates it.
    """

    __tablename__ = "pair_slots"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12))  # proposed | agreed | replaced | superseded | expired | ended
    proposed_by: Mapped[int | None]  # nulled when that member's data is erased
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, in `timezone`
    start_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", in `timezone`
    minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    reminder_minutes: Mapped[int] = mapped_column(Integer, default=60)  # 0: no reminder
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[int | None]  # the proposal's message in the pair channel
    proposed_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class FirstMeeting(Base):
    """The pair's first meeting as planned from the kickoff: when, and in person (where) or by video."""

    __tablename__ = "first_meetings"

    pair_id: Mapped[int] = mapped_column(
        SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    guild_id: Mapped[int] = mapped_column(index=True)
    starts_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))  # the zone of whoever planned it (the invite's TZID)
    minutes: Mapped[int] = mapped_column(Integer, default=90)
    mode: Mapped[str] = mapped_column(String(12))  # in_person | video
    place: Mapped[str] = mapped_column(Text, default="")
    planned_by: Mapped[int | None]  # nulled (and `place` blanked) when that member's data is erased
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the invite's SEQUENCE, one more per replanning
    planned_at: Mapped[datetime]


class VoiceSession(Base):
    """Both members of a pair together in a voice channel: only the pair, the times and the length.

    Open while they are together (`together_since`) or apart for less than the merge gap (`apart_since`);
    then closed: long enough, it is offered to the pair ("you met for 35 min, log it?") and becomes a
    check-in only when a member clicks (`session_id`)."""

    __tablename__ = "voice_sessions"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12))  # open | short | offered | logged
    started_at: Mapped[datetime]
    together_since: Mapped[datetime | None]
    apart_since: Mapped[datetime | None]
    last_seen_at: Mapped[datetime]  # last moment the bot saw them together (a restart resumes from it)
    together_seconds: Mapped[int] = mapped_column(Integer, default=0)  # closed intervals only
    ended_at: Mapped[datetime | None]
    session_id: Mapped[int | None] = mapped_column(SurrogateKey, ForeignKey("pair_sessions.id", ondelete="SET NULL"))


class PairFeedback(Base):
    """A member's 1–5 rating and comment when a pair ends; shown to moderators only."""

    __tablename__ = "pair_feedback"
    __table_args__ = (UniqueConstraint("pair_id", "user_id"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int | None]
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class OnceClaim(Base):
    """Something the bot must do exactly once (post a week's message, a kickoff, a nudge, a report...).

    Whoever does it first claims the key with a lease: `owner` is one run (of one process), and the
    claim is theirs until `leased_until`, renewed while they work. A run that died (kill -9) stops
    renewing; once the lease ran out the next run takes the claim over, knowing an earlier attempt
    may have done the work before dying (so it looks first). `done_at` closes the key for good.
    The same UPDATE ... WHERE decides the winner on SQLite and on PostgreSQL, across processes.
    """

    __tablename__ = "once_claims"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    owner: Mapped[str | None] = mapped_column(String(64))
    leased_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None]  # after a failure: not tried again before this (backoff)
    last_error: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
    result_id: Mapped[int | None]  # what the work produced (a message id), for whoever looks later
    created_at: Mapped[datetime]

    @staticmethod
    def member_prefix(guild_id: int, user_id: int) -> str:
        """Keys about one member (their welcome...) start with this, so erasing the member erases them;
        no other key may name a member."""
        return f"member:{guild_id}:{user_id}:"


class AuditEntry(Base):
    """A moderator action (setup change, round, manual pair, unpair, export, erasure...): who, when, what.

    `details` holds only ids of things (rounds, pairs, channels, roles) and settings, never what a
    member wrote. The member ids (`actor_id`, `target_a_id`, `target_b_id`) are nulled when that
    member's data is erased (`bot.db.repositories.console.forget_member`).
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(32))
    target_a_id: Mapped[int | None]
    target_b_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class ModeratorReport(Base):
    """A trouble report for the moderators (a silent pair, a deleted channel, a departure, a rating...).

    Stored first, then posted once (claim key `report:<id>`) in the moderators' channel; without a
    channel the bot can post in, it waits at the top of `/mentoring-admin pairs`. `kind` is the
    message key; the text is rendered when posted or shown, so it names the pair's members as they
    are then (an erased member is no longer named). `params` holds the message's other values.
    """

    __tablename__ = "moderator_reports"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(64))
    pair_id: Mapped[int | None] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None]  # the member the report is about or from (e.g. who rated), if any
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The exactly-once key of the event reported (a silence, a week's unsent messages...): a run that
    # resumes the event after a crash stores no second report. None: one report per call.
    event_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    message_id: Mapped[int | None]


# --- who must not be paired, rounds announced ahead, progress on objectives (issue 11) ---------


class MemberAvoid(Base):
    """A member's private "never pair me with this member" (`/mentoring avoid`); the other is never told."""

    __tablename__ = "member_avoids"

    guild_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    avoided_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, index=True)
    created_at: Mapped[datetime]


class PairExclusion(Base):
    """Two members moderators never want paired (`/mentoring-admin exclude`), stored once as (low, high)."""

    __tablename__ = "pair_exclusions"
    __table_args__ = (UniqueConstraint("guild_id", "member_low_id", "member_high_id"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    member_low_id: Mapped[int]
    member_high_id: Mapped[int]
    created_by: Mapped[int | None]  # nulled when that moderator's data is erased
    created_at: Mapped[datetime]


class RoundAnnouncement(Base):
    """A round announced ahead in a channel (`/mentoring-admin announce`), with "I'm available" /
    "sit this round out" buttons. One is open per guild at a time; the next confirmed round closes it
    (`status` draft → open → ran, or replaced by a newer announcement)."""

    __tablename__ = "round_announcements"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12))
    round_date: Mapped[date] = mapped_column(Date)
    channel_id: Mapped[int]
    message_id: Mapped[int | None]
    locale: Mapped[str] = mapped_column(String(8))  # the language it was posted in (kept when edited)
    created_by: Mapped[int | None]
    created_at: Mapped[datetime]
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]


class AnnouncementAnswer(Base):
    """A member's answer to an announcement: "available" or "skip" (paused for that round only)."""

    __tablename__ = "announcement_answers"

    announcement_id: Mapped[int] = mapped_column(
        SurrogateKey, ForeignKey("round_announcements.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(index=True)
    answer: Mapped[str] = mapped_column(String(12))
    answered_at: Mapped[datetime]


class ProgressRating(Base):
    """Where a member says they stand (1–5) on each of their personal objectives and on the shared goal,
    at one stage of a cycle: "start" (the charter), "mid" or "end"; and, at mid and end of cycle, who
    they think led most. The pair sees its own; moderators only aggregates."""

    __tablename__ = "progress_ratings"
    __table_args__ = (UniqueConstraint("pair_id", "user_id", "cycle", "stage"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    pair_id: Mapped[int] = mapped_column(SurrogateKey, ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int]
    cycle: Mapped[int]  # the cycle's key (`bot.domain.cycles.cycle_key`)
    stage: Mapped[str] = mapped_column(String(8))
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)  # what was rated, as the member wrote it
    ratings: Mapped[list[int]] = mapped_column(JSON, default=list)  # one per objective
    goal_rating: Mapped[int] = mapped_column(Integer)
    led_most: Mapped[str | None] = mapped_column(String(8))  # me | partner | equal
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
