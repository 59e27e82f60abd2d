"""Exactly once, whatever overlaps: claims with an owner and a lease.

Everything the bot promises to do once (a week's message, a kickoff, a nudge, a report, a pin...)
has a key. A run that wants to do it claims the key first:

    async with bot.claims.run() as run:          # one owner token per run, leases renewed meanwhile
        claim = await run.acquire(guild_id, f"week:{week_id}")
        if isinstance(claim, Refused):
            ...                                  # done already, held by another live run, or backing off
        else:
            if claim.resumed:                    # an earlier attempt may have done it before dying:
                ...                              # look (e.g. in the channel's history) before doing it
            message = await channel.send(...)
            await run.done(claim, message.id)    # or run.failed(claim, "503", retry_in=...)

A live run never does what another live run holds, in this process or another one sharing the
database: the winner is decided by one conditional UPDATE, which SQLite and PostgreSQL both apply
atomically. A run that died (kill -9) stops renewing its leases; when they run out, the next run takes
the keys over with `resumed=True`.

Leases and backoff are measured on the wall clock, not the program's clock: they are about processes
being alive and Discord recovering, and a test moving the program's time must not expire them.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.models import OnceClaim
from bot.db.repositories.guilds import insert_ignoring_conflicts

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(minutes=30)


class Refused(enum.Enum):
    """Why a key could not be claimed now."""

    DONE = "done"  # done already (by anyone): nothing more to do
    HELD = "held"  # another live run holds it: it is being done
    WAITING = "waiting"  # failed recently: retried after its backoff


@dataclass(frozen=True, slots=True)
class Claim:
    key: str
    guild_id: int
    owner: str
    attempt: int  # 1 for the first attempt ever
    # An earlier attempt existed (it may have done the work before failing or dying): look first.
    resumed: bool


def backoff(attempt: int, base: timedelta = timedelta(seconds=5), cap: timedelta = MAX_BACKOFF) -> timedelta:
    """5 s, 10 s, 20 s... after the 1st, 2nd, 3rd failed attempt, at most `cap`."""
    return min(base * (2 ** max(attempt - 1, 0)), cap)


def new_owner(purpose: str = "run") -> str:
    """An owner token naming the process and the run, e.g. "host:1234:weekly:1a2b3c4d" (≤ 64 chars)."""
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{purpose[:16]}:{uuid.uuid4().hex[:8]}"


class Claims:
    def __init__(self, db: Database, clock: Clock, *, lease: timedelta = DEFAULT_LEASE, wall: Clock | None = None):
        self._db = db
        self._clock = clock  # the program's time: when something was done
        self._wall = wall or SystemClock()  # real time: leases and backoff
        self.lease = lease

    @contextlib.asynccontextmanager
    async def run(self, purpose: str = "run") -> AsyncIterator[ClaimRun]:
        """One run: an owner token whose leases are renewed in the background until the block ends.

        Keys still held at the end (neither done nor failed) are released for the next run.
        """
        run = ClaimRun(self, new_owner(purpose))
        renewer = asyncio.create_task(run._renew_forever(), name=f"claims-renew-{run.owner}")
        try:
            yield run
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await asyncio.shield(run.release_all())

    async def is_done(self, key: str) -> bool:
        async with self._db.session() as session:
            claim = await session.get(OnceClaim, key)
            return claim is not None and claim.done_at is not None

    async def pending(self, guild_id: int, prefix: str = "") -> list[OnceClaim]:
        """Keys of the guild not done yet (started, failed, or waiting for their backoff), oldest first."""
        async with self._db.session() as session:
            query = select(OnceClaim).where(OnceClaim.guild_id == guild_id, OnceClaim.done_at.is_(None))
            if prefix:
                query = query.where(OnceClaim.key.startswith(prefix, autoescape=True))
            return list((await session.scalars(query.order_by(OnceClaim.created_at, OnceClaim.key))).all())


class ClaimRun:
    """The claims of one run; get one from `Claims.run()`."""

    def __init__(self, claims: Claims, owner: str) -> None:
        self._claims = claims
        self.owner = owner

    @property
    def _db(self) -> Database:
        return self._claims._db

    def _wall_now(self) -> datetime:
        return self._claims._wall.now()

    async def acquire(self, guild_id: int, key: str) -> Claim | Refused:
        return (await self.acquire_many(guild_id, [key]))[key]

    async def acquire_many(self, guild_id: int, keys: Iterable[str]) -> dict[str, Claim | Refused]:
        """Claim each key for this run; a key is won by exactly one live run."""
        # Sorted: concurrent runs then lock rows in the same order (no deadlock on PostgreSQL).
        keys = sorted(set(keys))
        if not keys:
            return {}
        now = self._wall_now()
        results: dict[str, Claim | Refused] = {}
        async with self._db.session() as session:
            rows = [
                {"key": key, "guild_id": guild_id, "attempts": 0, "created_at": self._claims._clock.now()}
                for key in keys
            ]
            for start in range(0, len(rows), 500):  # keep statements well under the bind-parameter limits
                await session.execute(insert_ignoring_conflicts(session, OnceClaim, rows[start : start + 500]))
        claimable = (
            OnceClaim.done_at.is_(None),
            or_(OnceClaim.owner.is_(None), OnceClaim.leased_until < now),
            or_(OnceClaim.retry_at.is_(None), OnceClaim.retry_at <= now),
        )
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            async with self._db.session() as session:
                # PostgreSQL: rows another run is claiming right now are skipped, not waited for
                # (they are that run's); SQLite serialises writers and ignores FOR UPDATE.
                free = (
                    select(OnceClaim.key)
                    .where(OnceClaim.key.in_(chunk), *claimable)
                    .order_by(OnceClaim.key)
                    .with_for_update(skip_locked=True)
                )
                won = await session.execute(
                    update(OnceClaim)
                    .where(OnceClaim.key.in_(free.scalar_subquery()), *claimable)
                    .values(owner=self.owner, leased_until=now + self._claims.lease, attempts=OnceClaim.attempts + 1)
                    .returning(OnceClaim.key, OnceClaim.attempts)
                    .execution_options(synchronize_session=False)
                )
                for key, attempts in won.all():
                    results[key] = Claim(key, guild_id, self.owner, attempts, resumed=attempts > 1)
            lost = [key for key in chunk if key not in results]
            if lost:
                async with self._db.session() as session:
                    for claim in (await session.scalars(select(OnceClaim).where(OnceClaim.key.in_(lost)))).all():
                        if claim.done_at is not None:
                            results[claim.key] = Refused.DONE
                        elif claim.owner is not None and claim.leased_until and claim.leased_until >= now:
                            results[claim.key] = Refused.HELD
                        else:
                            results[claim.key] = Refused.WAITING
        return results

    async def done(self, claim: Claim, result_id: int | None = None) -> bool:
        """The work is done: nobody does it again. False if this run had lost the claim meanwhile."""
        async with self._db.session() as session:
            result = await session.execute(
                update(OnceClaim)
                .where(OnceClaim.key == claim.key, OnceClaim.owner == self.owner)
                .values(
                    done_at=self._claims._clock.now(),
                    result_id=result_id,
                    owner=None,
                    leased_until=None,
                    retry_at=None,
                    last_error=None,
                )
            )
        if result.rowcount != 1:
            log.warning("claim %s was no longer held by %s when done", claim.key, self.owner)
        return result.rowcount == 1

    async def failed(self, claim: Claim, error: str, retry_in: timedelta | None = None) -> None:
        """The attempt failed: release the key; it may be tried again after `retry_in` (default: backoff)."""
        retry_in = backoff(claim.attempt) if retry_in is None else retry_in
        async with self._db.session() as session:
            await session.execute(
                update(OnceClaim)
                .where(OnceClaim.key == claim.key, OnceClaim.owner == self.owner)
                .values(owner=None, leased_until=None, retry_at=self._wall_now() + retry_in, last_error=error[:200])
            )

    async def release(self, claim: Claim) -> None:
        """Give the key back untouched (nothing was attempted); the next run may take it at once."""
        async with self._db.session() as session:
            await session.execute(
                update(OnceClaim)
                .where(OnceClaim.key == claim.key, OnceClaim.owner == self.owner)
                .values(owner=None, leased_until=None, attempts=OnceClaim.attempts - 1)
            )

    async def release_all(self) -> None:
        try:
            async with self._db.session() as session:
                await session.execute(
                    update(OnceClaim)
                    .where(OnceClaim.owner == self.owner)
                    .values(owner=None, leased_until=None)
                    .execution_options(synchronize_session=False)
                )
        except Exception:  # the database may be gone at shutdown: the leases then simply run out
            log.warning("could not release the claims of %s; their leases will run out", self.owner, exc_info=True)

    async def renew(self) -> None:
        """Extend the leases this run holds (called in the background every third of a lease)."""
        now = self._wall_now()
        async with self._db.session() as session:
            await session.execute(
                update(OnceClaim)
                .where(and_(OnceClaim.owner == self.owner, OnceClaim.done_at.is_(None)))
                .values(leased_until=now + self._claims.lease)
                .execution_options(synchronize_session=False)
            )

    async def _renew_forever(self) -> None:
        interval = self._claims.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.renew()
            except Exception:
                log.warning("renewing the claims of %s failed; retrying", self.owner, exc_info=True)
