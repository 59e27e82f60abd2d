"""Three bot processes (shards 0, 1 and 2 of 3) on one PostgreSQL database against the sharded fake
Discord: nine servers, three on each shard, sixty active pairs. Started at the same instant they take
turns to identify (no session invalidated); a fourth process for a shard already run is refused,
naming the holder; each process does the weekly run of its own servers only and every pair gets one
message; a member joins and is matched on a server of shard 2 while shard 1's process restarts; shard
1's process is killed (SIGKILL) in the middle of its weekly run, and its replacement finishes it:
one message per pair. Plus the start-up refusals that need no Discord (bad shard settings, SQLite
with shards, no PostgreSQL server)."""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import OnceClaim, Pair, WeeklyRun
from bot.settings import PROJECT_ROOT
from fake_discord import FakeDiscord
from fake_discord.shards import shard_of
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, eventually, join, seed_profiles
from tests.e2e.test_weekly import MONDAY_AFTER_RUN, NEXT_MONDAY_RUN, weekly_messages
from tests.e2e.test_weekly_once import THIRD_MONDAY_RUN

SHARDS = 3
PAIRS_PER_SERVER = (7, 7, 7, 7, 7, 7, 6, 6, 6)  # 60 pairs; server i is on shard i % 3 (20 pairs each)
WEEK_2, WEEK_3 = date(2026, 12, 7), date(2026, 12, 14)
WEB = {"teach": ("seo", "social-media"), "learn": ("finance", "sales")}
BUSINESS = {"teach": ("finance", "sales"), "learn": ("seo", "social-media")}
WEEKLY_RUN = re.compile(r"weekly run (\S+) for guild (\d+)")


def shard_process(fake: FakeDiscord, url: str, tmp_path, shard: int) -> BotProcess:
    workdir = tmp_path / f"shard-{shard}"
    workdir.mkdir(parents=True, exist_ok=True)
    return BotProcess.for_fake(
        fake,
        url,
        workdir,
        SHARD_COUNT=str(SHARDS),
        SHARD_IDS=str(shard),
        BINOME_TICK_SECONDS="0.2",
        BINOME_CLAIM_LEASE_SECONDS="2",
    )


async def pairs_by_guild(db: Database) -> dict[int, list[Pair]]:
    async with db.session() as session:
        pairs = (await session.scalars(select(Pair).where(Pair.status == "active").order_by(Pair.id))).all()
    found: dict[int, list[Pair]] = {}
    for pair in pairs:
        found.setdefault(pair.guild_id, []).append(pair)
    return found


async def runs_completed(db: Database, guild_ids: list[int], week: date) -> bool:
    async with db.session() as session:
        runs = (await session.scalars(select(WeeklyRun).where(WeeklyRun.week_start == week))).all()
    done = {run.guild_id for run in runs if run.completed_at is not None}
    return set(guild_ids) <= done


async def week_claims_held_by(db: Database, pid: int) -> int:
    async with db.session() as session:
        owners = (
            await session.scalars(
                select(OnceClaim.owner).where(
                    OnceClaim.key.startswith("week:"), OnceClaim.owner.is_not(None), OnceClaim.done_at.is_(None)
                )
            )
        ).all()
    return sum(1 for owner in owners if int(owner.split(":")[1]) == pid)


def guilds_run(process: BotProcess, week: date) -> set[int]:
    return {int(guild) for day, guild in WEEKLY_RUN.findall(process.log()) if day == week.isoformat()}


async def logged_runs(process: BotProcess, week: date, guild_ids: list[int]) -> bool:
    return guilds_run(process, week) >= set(guild_ids)


def one_message_each(fake: FakeDiscord, pairs: list[Pair], week: date) -> list[int]:
    return [len(weekly_messages(fake, pair, week.isoformat())) for pair in pairs]


async def match(fake: FakeDiscord, guild, owner, general, expected: int) -> None:
    command = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id)
    message = await command.final_message(timeout=20)
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    done = f"{expected}/{expected} pair created" if expected == 1 else f"{expected}/{expected} pairs created"
    await fake.wait_for(
        lambda: done in fake.message(message.id).text,
        timeout=40,
        description=f"{expected} pairs created in {guild.name}",
    )


async def test_three_shard_processes_on_one_postgresql_database(tmp_path):
    url = await fresh_database_url("postgresql", tmp_path)  # skips without a PostgreSQL server
    # Discord recommends a shard more than the processes run (the bot grew): each process warns.
    async with FakeDiscord(expect_valid_requests=True, shard_count=SHARDS + 1, max_concurrency=1) as fake:
        fake.rules.validate_responses = True
        processes = [shard_process(fake, url, tmp_path, shard) for shard in range(SHARDS)]
        await processes[0].migrate()
        db = Database(url)
        try:
            servers = []
            for number, pairs in enumerate(PAIRS_PER_SERVER):
                guild_id = fake.guild_id_on_shard(number % SHARDS, SHARDS)
                guild = fake.add_guild(f"Club {number}", guild_id=guild_id, preferred_locale="fr")
                general = fake.add_text_channel(guild.id, "general")
                members = [fake.add_member(guild.id, name=f"c{number}m{i}", locale="fr").id for i in range(2 * pairs)]
                await seed_profiles(url, guild.id, members)
                servers.append((guild, fake.member(guild.id, guild.owner_id), general, pairs))
            own = {s: [g.id for g, *_ in servers if shard_of(g.id, SHARDS) == s] for s in range(SHARDS)}
            assert [len(ids) for ids in own.values()] == [3, 3, 3]

            # --- a cold start: the three at the same instant, one identify bucket (max_concurrency 1) ---
            for process in processes:
                process.set_time(MONDAY_AFTER_RUN)
            await asyncio.gather(*(process.start(timeout=90) for process in processes))
            sessions = await fake.wait_for_shards(SHARDS)
            assert fake.gateway.invalidations == 0 and not [r for r in fake.identifies if not r.accepted]
            starts = sorted(r.at for r in fake.identifies)
            assert len(starts) == SHARDS and all(b - a >= 5.0 for a, b in itertools.pairwise(starts))
            for shard, process in enumerate(processes):
                assert f"this process runs shard {shard} of 3 (SHARD_COUNT/SHARD_IDS)" in process.log()
                assert f"in 3 guild(s) (shard {shard} of 3)" in process.log()
                assert "Discord recommends 4 shards but SHARD_COUNT=3: re-shard soon" in process.log()
                assert sessions[shard].shard == [shard, SHARDS]

            # --- the same shard twice: the second process refuses, naming the first ---
            duplicate = shard_process(fake, url, tmp_path / "duplicate", 2)
            await duplicate.start(wait_ready=False)
            assert await asyncio.wait_for(duplicate.process.wait(), 60) == 4
            holder = f":{processes[2].process.pid} (started"
            assert "cannot run shard 2 of 3: already run by a live process — shard 2 of 3 by" in duplicate.log()
            assert holder in duplicate.log(), duplicate.log()
            assert len(fake.sessions_of_shard(2, SHARDS)) == 1, "the refused process never identified"

            # --- matching rounds: each server's interactions reach its own shard's process, once ---
            await asyncio.gather(
                *(match(fake, guild, owner, general, pairs) for guild, owner, general, pairs in servers)
            )
            for interaction in fake.interactions.values():
                guild_id = int(interaction.payload["guild_id"])
                delivered = [
                    e.session_id
                    for e in fake.events
                    if e.name == "INTERACTION_CREATE" and e.data["id"] == str(interaction.id)
                ]
                assert delivered == [sessions[shard_of(guild_id, SHARDS)].id]
            pairs = await pairs_by_guild(db)
            assert sum(len(p) for p in pairs.values()) == 60

            # --- one weekly run: each process runs its own servers; one message per pair ---
            for process in processes:
                process.set_time(NEXT_MONDAY_RUN)
            await eventually(lambda: runs_completed(db, list(pairs), WEEK_2), timeout=60, what="the runs of 7 Dec")
            everyone = [pair for guild_pairs in pairs.values() for pair in guild_pairs]
            assert one_message_each(fake, everyone, WEEK_2) == [1] * 60
            for shard, process in enumerate(processes):
                # (a run is logged once it returned, just after it completed)
                await eventually(lambda p=process, s=shard: logged_runs(p, WEEK_2, own[s]), what="the runs logged")
                assert guilds_run(process, WEEK_2) == set(own[shard]), f"shard {shard} ran only its servers"

            # --- shard 1's process restarts; meanwhile a member joins and is matched on shard 2 ---
            await processes[1].stop()
            guild, owner, general, _ = next(s for s in servers if shard_of(s[0].id, SHARDS) == 2)
            newcomers = [fake.add_member(guild.id, name=f"new{i}", locale="fr") for i in range(2)]
            for newcomer, profile in zip(newcomers, (WEB, BUSINESS), strict=True):
                await join(fake, guild.id, newcomer.id, **profile)
            assert not [s for s in fake.sessions_of_shard(1, SHARDS) if s.connected], "shard 1 is down meanwhile"
            await match(fake, guild, owner, general, 1)
            await processes[1].start(timeout=60)
            await fake.wait_for_shards(SHARDS)
            assert fake.gateway.invalidations == 0
            new_pair = (await pairs_by_guild(db))[guild.id][-1]
            assert {new_pair.member_a_id, new_pair.member_b_id} == {n.id for n in newcomers}
            assert new_pair.channel_id is not None and fake.channel(new_pair.channel_id) is not None

            # --- shard 1's process is killed in the middle of its weekly run, then started again ---
            shard_1 = [pair for guild_id in own[1] for pair in pairs[guild_id]]
            fake.hold_next("POST", "/channels/*/messages", 6.0, times=8, after=True)  # posted, answered late
            processes[1].set_time(THIRD_MONDAY_RUN)  # only shard 1 reaches 14 December
            victim = processes[1].process.pid
            await fake.wait_for(
                lambda: any(weekly_messages(fake, pair, WEEK_3.isoformat()) for pair in shard_1),
                description="shard 1's first messages of 14 December",
            )
            await eventually(lambda: week_claims_held_by(db, victim), what="the claims of the victim's run")
            await processes[1].kill()
            fake.clear_faults()
            assert not await runs_completed(db, own[1], WEEK_3)
            await processes[1].start(timeout=60)
            await eventually(lambda: runs_completed(db, own[1], WEEK_3), timeout=60, what="the replacement's run")
            assert one_message_each(fake, shard_1, WEEK_3) == [1] * 20
            assert "was already posted" in processes[1].log(since_start=True), "found in the history, not reposted"
            for process in (processes[0], processes[2]):
                process.set_time(THIRD_MONDAY_RUN)
            everyone = [pair for guild_pairs in (await pairs_by_guild(db)).values() for pair in guild_pairs]
            await eventually(lambda: runs_completed(db, list(pairs), WEEK_3), timeout=60, what="every run of 14 Dec")
            assert one_message_each(fake, everyone, WEEK_3) == [1] * 61
            assert one_message_each(fake, [new_pair], WEEK_2) == [0], "paired after the run of 7 December"
            assert fake.gateway.invalidations == 0
        finally:
            await db.close()
            await asyncio.gather(*(process.stop() for process in processes))


@pytest.mark.parametrize(
    ("env", "code", "message"),
    [
        ({"SHARD_COUNT": "3", "SHARD_IDS": "1,3"}, 2, "SHARD_IDS 3 outside SHARD_COUNT=3"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-2,2-3"}, 2, "SHARD_IDS lists shard 2 more than once"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "0", "DATABASE_URL": "sqlite:///x.db"}, 2, "DATABASE_URL is SQLite"),
        (
            {"DATABASE_URL": "postgresql://binome@127.0.0.1:9/nowhere"},
            5,
            "cannot reach the PostgreSQL server at 127.0.0.1:9/nowhere (DATABASE_URL)",
        ),
    ],
    ids=["outside-the-count", "overlapping", "sqlite", "no-postgresql"],
)
async def test_the_bot_refuses_to_start_and_says_why(tmp_path, env, code, message):
    environment = {
        "DISCORD_TOKEN": "not-used",
        "DATABASE_URL": "postgresql://binome@127.0.0.1:9/nowhere",
        "PYTHONUNBUFFERED": "1",
        "PATH": "/usr/bin:/bin",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == code, output.decode()
    assert message in output.decode()
