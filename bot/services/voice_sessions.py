"""Check-ins from voice presence: the times both members of a pair spend together in a voice channel.

No Discord here: the voice cog says when a pair is together or apart (`together`, `apart`), and the
scheduler's tick closes what ended (`closable`, `close`). Only the pair, the times and the length are
stored. A pair apart for less than `MERGE_GAP` (a dropped connection, a quick break) resumes the same
session. A session long enough is offered to the pair; it becomes a check-in only when a member clicks
(`log`), and only once, whoever clicks first.

After a restart the bot finds the pair together again (or not) in the guild's voice states:
`resume` continues the open session from its last sighting when that is recent, and otherwise closes
it at its last sighting (what happened while the bot was away is not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Pair, PairSession, VoiceSession

OPEN, SHORT, OFFERED, LOGGED = "open", "short", "offered", "logged"
MERGE_GAP = timedelta(minutes=10)
VIDEO = "video"


def together_minutes(row: VoiceSession, now: datetime | None = None) -> int:
    seconds = row.together_seconds
    if row.together_since is not None and now is not None:
        seconds += int((now - row.together_since).total_seconds())
    return seconds // 60


def offer_key(voice_session_id: int) -> str:
    return f"voice-offer:{voice_session_id}"


@dataclass(frozen=True, slots=True)
class Logged:
    voice: VoiceSession
    session: PairSession | None  # None: it had been logged already (by the partner, or a double click)


class VoiceSessions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    @staticmethod
    async def _open(session, pair_id: int) -> VoiceSession | None:
        query = select(VoiceSession).where(VoiceSession.pair_id == pair_id, VoiceSession.status == OPEN)
        return (await session.scalars(query.order_by(VoiceSession.id.desc()).limit(1).with_for_update())).first()

    @staticmethod
    def _stop(row: VoiceSession, at: datetime) -> None:
        """Count the running interval up to `at`: the pair is apart from then on."""
        if row.together_since is not None:
            row.together_seconds += max(0, int((at - row.together_since).total_seconds()))
            row.together_since = None
            row.apart_since = at
        row.last_seen_at = max(row.last_seen_at, at)

    async def together(self, pair: Pair, now: datetime) -> VoiceSession:
        """Both members are in the same voice channel at `now`."""
        async with self._db.session() as session:
            row = await self._open(session, pair.id)
            if row is not None and row.apart_since is not None and now - row.apart_since > MERGE_GAP:
                row.ended_at = row.apart_since  # apart too long: that session is over; `close` decides on it
                row = None
            if row is None:
                row = VoiceSession(
                    pair_id=pair.id,
                    guild_id=pair.guild_id,
                    status=OPEN,
                    started_at=now,
                    together_since=now,
                    last_seen_at=now,
                    together_seconds=0,
                )
                session.add(row)
            elif row.together_since is None:
                row.together_since, row.apart_since = now, None  # back together: the same session goes on
            row.last_seen_at = max(row.last_seen_at, now)
            await session.flush()
            return row

    async def apart(self, pair_id: int, now: datetime) -> VoiceSession | None:
        """The members are no longer together (one left, moved, or both did)."""
        async with self._db.session() as session:
            row = await self._open(session, pair_id)
            if row is not None and row.together_since is not None:
                self._stop(row, now)
            return row

    async def seen(self, pair_ids: list[int], now: datetime) -> None:
        """Still together at `now` (each tick): a restart resumes from here."""
        if not pair_ids:
            return
        async with self._db.session() as session:
            await session.execute(
                update(VoiceSession)
                .where(
                    VoiceSession.pair_id.in_(pair_ids),
                    VoiceSession.status == OPEN,
                    VoiceSession.together_since.is_not(None),
                )
                .values(last_seen_at=now)
                .execution_options(synchronize_session=False)
            )

    async def resume(self, guild_id: int, together_now: set[int], now: datetime) -> list[int]:
        """At start-up: reconcile the open sessions with who is together now. Returns the pairs together
        now that have no open session yet (the caller starts theirs)."""
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(VoiceSession)
                    .where(VoiceSession.guild_id == guild_id, VoiceSession.status == OPEN)
                    .with_for_update()
                )
            ).all()
            continuing = set()
            for row in rows:
                recent = now - row.last_seen_at <= MERGE_GAP
                if row.pair_id in together_now and recent:
                    if row.together_since is None:
                        row.together_since, row.apart_since = now, None
                    row.last_seen_at = now
                    continuing.add(row.pair_id)
                else:
                    self._stop(row, row.last_seen_at)  # nothing is counted beyond the last sighting
            return sorted(together_now - continuing)

    async def closable(self, guild_id: int, now: datetime) -> list[VoiceSession]:
        """Open sessions whose pair has been apart for longer than the merge gap."""
        async with self._db.session() as session:
            rows = await session.scalars(
                select(VoiceSession).where(
                    VoiceSession.guild_id == guild_id,
                    VoiceSession.status == OPEN,
                    VoiceSession.together_since.is_(None),
                    VoiceSession.apart_since <= now - MERGE_GAP,
                )
            )
            return list(rows.all())

    async def close(self, voice_id: int, min_minutes: int) -> VoiceSession | None:
        """Close the session once: `offered` when long enough, else `short`. None if closed already."""
        async with self._db.session() as session:
            row = await session.get(VoiceSession, voice_id, with_for_update=True)
            if row is None or row.status != OPEN or row.together_since is not None:
                return None
            row.status = OFFERED if together_minutes(row) >= min_minutes else SHORT
            row.ended_at = row.ended_at or row.apart_since
            return row

    async def get(self, voice_id: int) -> VoiceSession | None:
        async with self._db.session() as session:
            return await session.get(VoiceSession, voice_id)

    async def log(
        self,
        voice_id: int,
        pair: Pair,
        *,
        logged_by: int,
        led_by: int | None,
        session_date: date,
        week_start: date,
        minutes: int | None = None,
        note: str = "",
    ) -> Logged | None:
        """Record the offered session as a check-in, once (a second click finds it logged). None: unknown."""
        async with self._db.session() as session:
            row = await session.get(VoiceSession, voice_id, with_for_update=True)
            if row is None or row.pair_id != pair.id:
                return None
            won = await session.execute(
                update(VoiceSession)
                .where(VoiceSession.id == voice_id, VoiceSession.status == OFFERED)
                .values(status=LOGGED)
                .execution_options(synchronize_session=False)
            )
            if won.rowcount != 1:
                return Logged(row, None)
            record = PairSession(
                pair_id=pair.id,
                guild_id=pair.guild_id,
                session_date=session_date,
                week_start=week_start,
                held=True,
                mode=VIDEO,
                minutes=minutes if minutes is not None else together_minutes(row),
                led_by=led_by,
                logged_by=logged_by,
                note=note,
                created_at=self._clock.now(),
            )
            session.add(record)
            await session.flush()
            row.status, row.session_id = LOGGED, record.id
            await session.execute(update(Pair).where(Pair.id == pair.id).values(silence_reported_at=None))
            return Logged(row, record)


class VoiceRooms:
    """Which pairs have a voice channel (the server's voice check-ins switch), and which must lose it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def set_room(self, pair_id: int, channel_id: int | None) -> None:
        async with self._db.session() as session:
            await session.execute(update(Pair).where(Pair.id == pair_id).values(voice_channel_id=channel_id))

    async def with_rooms(self, guild_id: int) -> list[Pair]:
        async with self._db.session() as session:
            query = select(Pair).where(Pair.guild_id == guild_id, Pair.voice_channel_id.is_not(None))
            return list((await session.scalars(query.order_by(Pair.id))).all())
