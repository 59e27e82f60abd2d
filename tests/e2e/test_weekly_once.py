"""Weekly messages exactly once whatever overlaps: two `remind-now` while Discord is slow or answers 5xx,
a `remind-now` during the scheduled run, failures retried while the bot runs, and two bot processes
on one PostgreSQL database running the same guild's week at the same time (one killed mid-post)."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import OnceClaim, WeeklyRun
from fake_discord import FakeDiscord
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import eventually
from tests.e2e.test_weekly import NEXT_MONDAY_RUN, all_pairs, start_program, wait_run_completed, weekly_messages

WEEK_1, WEEK_2, WEEK_3 = date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)
THIRD_MONDAY_RUN = "2026-12-14T14:00:30+00:00"
COUNTS = re.compile(r"(\d+) envoyés? maintenant, (\d+) déjà envoyés?")
LEASE = "2"  # seconds: a killed run's messages are taken over soon after it died


def counts(reply: str) -> tuple[int, int]:
    """(sent now, already sent) from a French remind-now reply."""
    match = COUNTS.search(reply)
    assert match is not None, reply
    return int(match[1]), int(match[2])


async def remind_now(fake: FakeDiscord, guild, owner):
    return await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="remind-now", locale="fr")


async def reply_text(interaction) -> str:
    return (await interaction.final_message(timeout=30)).text


async def held_week_claims(db, count: int) -> bool:
    """Whether `count` weekly messages are claimed right now by a live run (being posted)."""
    async with db.session() as session:
        held = await session.scalars(
            select(OnceClaim).where(
                OnceClaim.key.startswith("week:"), OnceClaim.owner.is_not(None), OnceClaim.done_at.is_(None)
            )
        )
        return len(held.all()) >= count


async def run_completed(db, guild_id: int, week: date) -> bool:
    async with db.session() as session:
        run = await session.get(WeeklyRun, (guild_id, week))
    return run is not None and run.completed_at is not None


def slow(fake: FakeDiscord, pairs: int) -> None:
    """Discord takes 3 s to act on each of the next weekly posts."""
    fake.hold_next("POST", "/channels/*/messages", 3.0, times=pairs)


def failing(fake: FakeDiscord, pairs: int) -> None:
    """The next weekly posts are answered 500 then 502; discord.py retries them (after 1 s, then 3 s)."""
    fake.fail_next("POST", "/channels/*/messages", 500, times=pairs)
    fake.fail_next("POST", "/channels/*/messages", 502, times=pairs)


@pytest.mark.parametrize(
    ("trouble", "apart"),
    [(slow, 0.8), (failing, 0.8), (slow, 0.0)],
    ids=["slow-0.8s-apart", "5xx-retried-0.8s-apart", "slow-same-instant"],
)
async def test_two_remind_now_post_each_weekly_message_once(fake, bot, db, database_url, trouble, apart):
    guild, owner = await start_program(fake, bot, database_url)
    pairs = await all_pairs(db)
    trouble(fake, len(pairs))
    first = await remind_now(fake, guild, owner)
    if apart:
        await asyncio.sleep(apart)  # the first run is still waiting for Discord
    second = await remind_now(fake, guild, owner)
    replies = [counts(await reply_text(first)), counts(await reply_text(second))]

    assert [len(weekly_messages(fake, pair)) for pair in pairs] == [1] * len(pairs)
    # Each message is counted once as sent now (by the run that posted it) and once as already sent.
    assert sum(sent for sent, _ in replies) == len(pairs)
    assert sum(already for _, already in replies) == len(pairs)
    if apart:
        assert replies == [(len(pairs), 0), (0, len(pairs))], "the second reply counts them as already sent"
    await wait_run_completed(db, guild.id, WEEK_1)
    assert "0 envoyé maintenant, 3 déjà envoyés" in await reply_text(await remind_now(fake, guild, owner))


async def test_a_remind_now_during_the_scheduled_run_and_failures_retried_while_running(fake, bot, db, database_url):
    bot.env["BINOME_CLAIM_LEASE_SECONDS"] = LEASE
    guild, owner = await start_program(fake, bot, database_url)
    mods = fake.add_text_channel(guild.id, "moderation")
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"moderators-channel": mods}, locale="fr"
    )
    await setup.response()
    # setup's audit entry is posted in the moderators' channel: before any post is held, not among them.
    await fake.wait_for(lambda: fake.messages(mods.id), description="the setup audit entry")
    pairs = await all_pairs(db)

    # The scheduled run of 7 December while Discord is slow; a moderator runs remind-now meanwhile.
    slow(fake, len(pairs))
    bot.set_time(NEXT_MONDAY_RUN)
    await eventually(lambda: held_week_claims(db, len(pairs)), what="the scheduled run posting")
    during = await reply_text(await remind_now(fake, guild, owner))
    assert counts(during) == (0, len(pairs)), during
    await wait_run_completed(db, guild.id, WEEK_2)
    assert [len(weekly_messages(fake, pair, WEEK_2.isoformat())) for pair in pairs] == [1] * len(pairs)

    # 14 December: every first post is answered 502 (retried by discord.py), then two of the retries
    # are refused with 503 (not retried by discord.py): the run is not completed, the moderators hear
    # of it, and the bot posts those two by itself after a backoff, while it runs.
    fake.fail_next("POST", "/channels/*/messages", 502, times=len(pairs))
    fake.fail_next("POST", "/channels/*/messages", 503, times=2)
    bot.set_time(THIRD_MONDAY_RUN)
    await fake.wait_for(
        lambda: any("2 messages de la semaine n'ont pas encore" in m.content for m in fake.messages(mods.id)),
        description="the moderators told a weekly message is not posted yet",
    )
    assert not await run_completed(db, guild.id, WEEK_3)
    await eventually(lambda: run_completed(db, guild.id, WEEK_3), timeout=40, what="the retried run to complete")
    assert [len(weekly_messages(fake, pair, WEEK_3.isoformat())) for pair in pairs] == [1] * len(pairs)
    assert sum("pas encore pu être publié" in m.content for m in fake.messages(mods.id)) == 1, "told once"
    assert "Binôme ready" in bot.log(since_start=True) and bot.log().count("Binôme ready") == 1, "no restart"


async def claim_owners(db) -> set[str]:
    async with db.session() as session:
        rows = await session.scalars(
            select(OnceClaim.owner).where(OnceClaim.key.startswith("week:"), OnceClaim.owner.is_not(None))
        )
        return set(rows.all())


async def test_two_processes_on_one_postgresql_database_post_each_message_once(tmp_path):
    """Two processes holding the same guild: a re-shard in progress (the old process runs shard 0 of 1,
    the new one shards 0-1 of 2) — a second process for the *same* shards would be refused."""
    url = await fresh_database_url("postgresql", tmp_path)  # skips without a PostgreSQL server
    async with FakeDiscord() as fake:
        first = BotProcess.for_fake(fake, url, tmp_path / "one", BINOME_CLAIM_LEASE_SECONDS=LEASE)
        second = BotProcess.for_fake(
            fake,
            url,
            tmp_path / "two",
            BINOME_CLAIM_LEASE_SECONDS=LEASE,
            BINOME_TICK_SECONDS="0.2",
            SHARD_COUNT="2",
            SHARD_IDS="0-1",
        )
        for process in (first, second):
            process.log_path.parent.mkdir()
        await first.migrate()
        db = Database(url)
        try:
            guild, _ = await start_program(fake, first, url)
            pairs = await all_pairs(db)
            second.set_time(first.clock_file.read_text())
            await second.start()
            connected = sorted((s.shard or [0, 1]) for s in fake.sessions if s.connected)
            assert connected == [[0, 1], [0, 2], [1, 2]], "three gateway sessions, one application"
            assert "this process runs shard 0 of 1 (Discord's recommendation, one process)" in first.log()
            assert "this process runs shards 0-1 of 2 (SHARD_COUNT/SHARD_IDS)" in second.log()

            # Both processes reach the run moment of 7 December together, while Discord is slow.
            slow(fake, len(pairs))
            for process in (first, second):
                process.set_time(NEXT_MONDAY_RUN)
            await eventually(lambda: run_completed(db, guild.id, WEEK_2), timeout=30, what="the run of 7 December")
            assert [len(weekly_messages(fake, pair, WEEK_2.isoformat())) for pair in pairs] == [1] * len(pairs)
            for process in (first, second):  # (each logs its run once it returned: after it completed)
                await process.wait_for_log("weekly run 2026-12-07", timeout=10)

            # 14 December: Discord posts the messages at once but answers late; the process holding them
            # is killed (kill -9) meanwhile. The other takes them over once the lease ran out, finds them
            # in the channels' history, and posts nothing twice.
            fake.hold_next("POST", "/channels/*/messages", 5.0, times=len(pairs), after=True)
            for process in (first, second):
                process.set_time(THIRD_MONDAY_RUN)
            await fake.wait_for(
                lambda: all(weekly_messages(fake, pair, WEEK_3.isoformat()) for pair in pairs),
                description="the messages of 14 December created",
            )
            owners = await eventually(lambda: claim_owners(db), what="the run holding them")
            # (Owner tokens name the process: "host:pid:purpose:run".)
            pids = {int(owner.split(":")[1]) for owner in owners}
            victim = next(p for p in (first, second) if p.process is not None and p.process.pid in pids)
            await victim.kill()
            survivor = second if victim is first else first
            await eventually(lambda: run_completed(db, guild.id, WEEK_3), timeout=30, what="the survivor's run")
            assert [len(weekly_messages(fake, pair, WEEK_3.isoformat())) for pair in pairs] == [1] * len(pairs)
            assert "was already posted" in survivor.log(), "found in the history, not posted again"
        finally:
            await db.close()
            await first.stop()
            await second.stop()
