"""What processes sharing one database coordinate through it alone (each "process" here is its own
connection pool): shard leases naming their holder, identify turns per bucket, locks by key, and
server settings changed by one process seen by the others."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text

from bot.db.engine import Database
from bot.db.models import GatewayIdentify, ShardLease
from bot.services.guild_config import CHANGED, GuildConfigs
from bot.services.identify import IdentifyGate
from bot.services.locks import Locks
from bot.services.shards import ShardLeases, ShardsTaken


@contextlib.asynccontextmanager
async def other_process(database: Database, *, sqlite_too: bool = True) -> AsyncIterator[Database | None]:
    """The same database through another connection pool, as another process has it (on SQLite, with
    `sqlite_too=False`: None, there being no other process)."""
    if database.engine.dialect.name == "sqlite" and not sqlite_too:
        yield None
        return
    other = Database(database.url)
    try:
        yield other
    finally:
        await other.close()


def postgresql_only(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("several processes share PostgreSQL only (SQLite refuses a second process)")


async def test_a_second_process_for_the_same_shard_is_refused_naming_the_first(database):
    postgresql_only(database)
    first = ShardLeases(database)
    await first.hold(3, [0, 1])
    async with other_process(database) as other:
        second = ShardLeases(other)
        second.holder = "elsewhere:4242"
        with pytest.raises(ShardsTaken) as refused:
            await second.hold(3, [1, 2])
        message = str(refused.value)
        assert f"cannot run shards 1-2 of 3: already run by a live process — shard 1 of 3 by {first.holder}" in message
        assert re.search(r"started \S+ \S+ UTC, last heartbeat \d+ s ago", message)
        assert "give this one other SHARD_IDS" in message
        # Nothing half-taken: shard 2 stays free for a third process.
        third = ShardLeases(other)
        await third.hold(3, [2])
        # Another shard count is a re-shard in progress: no conflict with the old processes.
        resharded = ShardLeases(other)
        await resharded.hold(4, [0, 1, 2, 3])
        for leases in (third, resharded):
            await leases.close()
        await first.close()  # the first stops: its shards are free
        await second.hold(3, [1, 2])
        async with other.session() as session:
            rows = (
                await session.scalars(select(ShardLease).order_by(ShardLease.shard_count, ShardLease.shard_id))
            ).all()
        holders = {(r.shard_count, r.shard_id): r.holder for r in rows}
        assert holders[(3, 1)] == holders[(3, 2)] == "elsewhere:4242"
        assert holders[(3, 0)] == first.holder and holders[(4, 3)] == resharded.holder
        await second.close()


async def test_a_second_process_on_one_sqlite_file_is_refused(database, tmp_path):
    if database.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite guard")
    first = ShardLeases(database)
    await first.hold(1, [0])
    second = ShardLeases(Database(database.url))
    with pytest.raises(ShardsTaken, match=rf"already used by a running Binôme \({first.holder}, started"):
        await second.hold(1, [0])
    await first.close()
    await second.hold(1, [0])  # the first stopped
    await second.close()


async def test_leases_are_taken_again_after_the_connection_dropped(database):
    postgresql_only(database)
    lost: list[str] = []
    leases = ShardLeases(database, on_lost=lost.append, heartbeat_seconds=0.1)
    reread = asyncio.Event()

    async def on_reread() -> None:
        reread.set()

    async def ignore(_payload: str) -> None:
        pass

    await leases.hold(2, [1])
    await leases.listen("binome_test", ignore, reread=on_reread)
    backend = leases._connection.get_server_pid()
    await terminate(database, backend)
    await asyncio.wait_for(reread.wait(), 10)
    assert leases._connection.get_server_pid() != backend and lost == []
    async with other_process(database) as other:
        with pytest.raises(ShardsTaken):
            await ShardLeases(other).hold(2, [1])

        # Dropped again, and another process takes the shard before this one is back: this one stops.
        thief = ShardLeases(other)
        thief.holder = "thief:1"  # (another process: here the same one, which would look like itself)
        stolen = asyncio.Event()
        reconnect = leases._lock_all

        async def reconnect_once_stolen():
            await stolen.wait()
            return await reconnect()

        leases._lock_all = reconnect_once_stolen
        await terminate(database, leases._connection.get_server_pid())
        while True:  # until the server ended the dropped connection (and its lock)
            try:
                await thief.hold(2, [1])
                break
            except ShardsTaken:
                await asyncio.sleep(0.05)
        stolen.set()
        await asyncio.wait_for(_until(lambda: lost), 10)
        assert "another process took over" in lost[0] and thief.holder in lost[0]
        await thief.close()
    await leases.close()


async def terminate(database: Database, backend: int) -> None:
    """The connection drops (the server ends its backend)."""
    async with database.session() as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


async def _until(condition) -> None:
    while not condition():  # noqa: ASYNC110 (a plain condition on another object: nothing to wait on)
        await asyncio.sleep(0.02)


async def test_identify_turns_keep_each_bucket_apart_across_processes(database):
    interval, margin = 0.4, 0.1
    gates = [IdentifyGate(database, interval=interval, margin=margin)]
    async with other_process(database, sqlite_too=False) as other:
        if other is not None:
            gates.append(IdentifyGate(other, interval=interval, margin=margin))
        else:
            gates.append(gates[0])  # SQLite: one process; its shards still take turns
        sent: list[tuple[str, float]] = []
        loop = asyncio.get_running_loop()

        async def identify(gate: IdentifyGate, bucket: int, who: str) -> None:
            await gate.take_turn(bucket, 2, who)
            sent.append((who, loop.time()))  # the IDENTIFY goes out now

        # A cold start: four shards of two processes at the same instant, two buckets.
        await asyncio.gather(
            identify(gates[0], 0, "shard 0"),
            identify(gates[1], 0, "shard 2"),
            identify(gates[0], 1, "shard 1"),
            identify(gates[1], 1, "shard 3"),
        )
        for gate in gates:
            await gate.close()
        by_bucket = {0: [t for who, t in sent if who in ("shard 0", "shard 2")], 1: []}
        by_bucket[1] = [t for who, t in sent if who in ("shard 1", "shard 3")]
        for times in by_bucket.values():
            first, second = sorted(times)
            assert second - first >= interval, "one IDENTIFY per bucket per interval"
        first_of_each = sorted(min(times) for times in by_bucket.values())
        assert first_of_each[1] - first_of_each[0] < interval, "different buckets do not wait for each other"
        async with database.session() as session:
            rows = (await session.scalars(select(GatewayIdentify).order_by(GatewayIdentify.bucket))).all()
        assert [(r.max_concurrency, r.bucket) for r in rows] == [(2, 0), (2, 1)]

        # A quick restart (a new process) waits for the bucket too: the last instant is stored.
        restarted = IdentifyGate(database, interval=interval, margin=margin)
        await restarted.take_turn(0, 2, "shard 0 again")
        assert restarted.waited[0] > 0
        await restarted.close()


async def test_locks_by_key_hold_other_processes_off(database):
    locks = Locks(database)
    async with other_process(database, sqlite_too=False) as other:
        others = Locks(other) if other is not None else locks
        order: list[str] = []
        inside = asyncio.Event()

        async def first() -> None:
            async with locks.hold("pair", 7):
                order.append("first in")
                inside.set()
                await asyncio.sleep(0.3)
                order.append("first out")

        async def second() -> None:
            await inside.wait()
            async with others.hold("pair", 7):
                order.append("second in")

        async def unrelated() -> None:
            await inside.wait()
            async with others.hold("pair", 8):
                order.append("other key")

        await asyncio.gather(first(), second(), unrelated())
        assert order == ["first in", "other key", "first out", "second in"]
        with pytest.raises(RuntimeError):
            async with locks.hold("pair", 7):
                raise RuntimeError("the block failed")
        async with others.hold("pair", 7):  # released all the same
            pass
        assert locks.held_keys() == 0 and others.held_keys() == 0


async def test_settings_changed_by_one_process_are_seen_by_the_others(database, clock):
    postgresql_only(database)
    async with other_process(database) as other:
        configs = [GuildConfigs(database, clock), GuildConfigs(other, clock)]
        leases = [ShardLeases(database), ShardLeases(other)]
        for number, (config, lease) in enumerate(zip(configs, leases, strict=True)):
            await lease.hold(2, [number])
            await lease.listen(CHANGED, config.on_notified, reread=config.load_all)
        assert (await configs[1].get(31)).nudge_time == "09:00"  # cached by the second process
        await configs[0].update(31, nudge_time="18:30", locale="en")
        await asyncio.wait_for(_until(lambda: configs[1].cached(31).nudge_time == "18:30"), 5)
        assert configs[1].cached(31).locale == "en"
        assert configs[1].cached(99) is None  # what a process never read is not loaded for it
        for lease in leases:
            await lease.close()
