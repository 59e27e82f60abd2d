"""Claims with an owner and a lease, on SQLite and PostgreSQL: one winner whatever overlaps."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.db.engine import Database
from bot.services.claims import Claim, Claims, Refused, backoff

GUILD = 1


def claims_on(database, clock, wall) -> Claims:
    return Claims(database, clock, lease=timedelta(seconds=60), wall=wall)


async def test_a_key_is_held_by_one_live_run_then_done_for_everyone(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run("first") as first, claims.run("second") as second:
        claim = await first.acquire(GUILD, "week:1")
        assert isinstance(claim, Claim) and claim.attempt == 1 and not claim.resumed
        assert await second.acquire(GUILD, "week:1") is Refused.HELD
        assert await first.done(claim, result_id=42)
        assert await second.acquire(GUILD, "week:1") is Refused.DONE
    assert await claims.is_done("week:1")
    assert await claims.pending(GUILD) == []


async def test_a_dead_run_loses_its_keys_when_the_lease_runs_out(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run("dies") as dead, claims.run("next") as later:
        stale = await dead.acquire(GUILD, "kickoff:7")
        assert isinstance(stale, Claim)
        wall.advance(seconds=59)
        assert await later.acquire(GUILD, "kickoff:7") is Refused.HELD
        wall.advance(seconds=2)  # the lease ran out: the dead run stopped renewing
        taken = await later.acquire(GUILD, "kickoff:7")
        assert isinstance(taken, Claim) and taken.resumed and taken.attempt == 2
        # The dead run cannot complete what it no longer holds.
        assert not await dead.done(stale)
        assert await later.done(taken)


async def test_renewal_keeps_a_slow_run_the_owner(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run("slow") as slow, claims.run("other") as other:
        claim = await slow.acquire(GUILD, "nudge:3")
        for _ in range(5):
            wall.advance(seconds=40)
            await slow.renew()
            assert await other.acquire(GUILD, "nudge:3") is Refused.HELD
        assert await slow.done(claim)


async def test_a_failure_waits_for_its_backoff_then_is_resumed(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run() as run:
        claim = await run.acquire(GUILD, "week:9")
        assert isinstance(claim, Claim)
        await run.failed(claim, "503 Service Unavailable")
        assert await run.acquire(GUILD, "week:9") is Refused.WAITING
        [pending] = await claims.pending(GUILD, "week:")
        assert pending.last_error == "503 Service Unavailable" and pending.owner is None
        wall.advance(seconds=backoff(1).total_seconds())
        again = await run.acquire(GUILD, "week:9")
        assert isinstance(again, Claim) and again.resumed and again.attempt == 2


async def test_keys_still_held_at_the_end_of_a_run_are_released(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run() as run:
        assert isinstance(await run.acquire(GUILD, "pin:1"), Claim)
    async with claims.run() as run:
        claim = await run.acquire(GUILD, "pin:1")
        assert isinstance(claim, Claim) and claim.resumed  # the first run may have pinned before it ended


async def test_released_keys_do_not_count_as_attempts(database, clock):
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    claims = claims_on(database, clock, wall)
    async with claims.run() as run:
        claim = await run.acquire(GUILD, "report:1")
        assert isinstance(claim, Claim)
        await run.release(claim)
        again = await run.acquire(GUILD, "report:1")
        assert isinstance(again, Claim) and again.attempt == 1 and not again.resumed


async def test_two_runs_racing_on_separate_connections_share_the_keys_without_overlap(database, clock):
    # A second Database is a second connection pool: on PostgreSQL this is what two processes do.
    other_db = Database(database.url)
    try:
        wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
        keys = [f"week:{i}" for i in range(200)]
        one, two = claims_on(database, clock, wall), claims_on(other_db, clock, wall)
        async with one.run() as run_one, two.run() as run_two:
            results = await asyncio.gather(
                *(run.acquire_many(GUILD, keys[i::5] + keys) for i in range(5) for run in (run_one, run_two))
            )
        winners: dict[str, list[str]] = {}
        for result in results:
            for key, outcome in result.items():
                if isinstance(outcome, Claim):
                    winners.setdefault(key, []).append(outcome.owner)
        assert set(winners) == set(keys)
        assert all(len(owners) == 1 for owners in winners.values())  # won once, by one run
    finally:
        await other_db.close()


def test_backoff_doubles_up_to_its_cap():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert backoff(30) == timedelta(minutes=30)
