"""The weekly "who mentors this week" rhythm against the real bot, with its clock moved by the test."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Pair
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, seed_profiles
from tests.fake_discord import FakeDiscord

# Monday 30 November 2026, 10:00 in Toronto: an hour after that week's run moment (09:00).
MONDAY_AFTER_RUN = "2026-11-30T15:00:00+00:00"
NEXT_MONDAY_RUN = "2026-12-07T14:00:30+00:00"  # 09:00:30 in Toronto
THIRD_MONDAY_LATE = "2026-12-14T16:00:00+00:00"  # 11:00 in Toronto: the bot was down at 09:00


async def start_program(fake: FakeDiscord, bot: BotProcess, database_url: str, members: int = 6):
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=f"m{i}", locale="fr").id for i in range(members)]
    await seed_profiles(database_url, guild.id, people)
    bot.env["BINOME_TICK_SECONDS"] = "0.2"
    bot.set_time(MONDAY_AFTER_RUN)
    await bot.start()
    command = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id)
    message = await command.final_message()
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(
        lambda: f"{members // 2}/{members // 2} pair(s) created" in fake.message(message.id).text,
        description="pairs created",
    )
    return guild, owner


async def all_pairs(db) -> list[Pair]:
    async with db.session() as session:
        return list((await session.scalars(select(Pair).order_by(Pair.id))).all())


def weekly_messages(fake: FakeDiscord, pair: Pair, week: str | None = None) -> list:
    messages = [m for m in fake.messages(pair.channel_id) if any(":skip" in c for c in m.custom_ids())]
    return [m for m in messages if week is None or f"Semaine du {week}" in m.content]


def names_mentor(message, mentor: int, learner: int) -> bool:
    return f"<@{mentor}> est le mentor de <@{learner}>" in message.content


async def remind_now(fake, guild, owner) -> str:
    command = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="remind-now", locale="fr")
    return (await command.final_message()).text


async def test_weekly_roles_alternate_swap_pause_restart_and_catch_up(fake, bot, db, database_url):
    guild, owner = await start_program(fake, bot, database_url)
    first, second, paused = await all_pairs(db)
    # A member of the third pair pauses: that pair must get nothing.
    pause = await fake.slash_command(guild.id, paused.member_a_id, "mentoring", subcommand="pause", locale="fr")
    await pause.response()

    # remind-now: exactly one message per active, unpaused pair, naming the first member as mentor.
    assert "2 envoyé(s) maintenant, 0 déjà envoyé(s), 1 binôme(s) en pause" in await remind_now(fake, guild, owner)
    for pair in (first, second):
        [message] = weekly_messages(fake, pair, "2026-11-30")
        assert names_mentor(message, pair.member_a_id, pair.member_b_id)
        assert sorted(str(u) for u in message.allowed_mentions["users"]) == sorted(str(m) for m in pair.members())
    assert weekly_messages(fake, paused) == []
    # Idempotent: a second remind-now sends nothing new.
    assert "0 envoyé(s) maintenant, 2 déjà envoyé(s)" in await remind_now(fake, guild, owner)
    assert [len(weekly_messages(fake, p)) for p in (first, second, paused)] == [1, 1, 0]

    # The first pair swaps this week: B proposes, a second proposal is refused, A accepts.
    swap = await fake.slash_command(
        guild.id, first.member_b_id, "pair", subcommand="swap", channel_id=first.channel_id, locale="fr"
    )
    assert "proposition est publiée" in (await swap.response()).content
    twice = await fake.slash_command(
        guild.id, first.member_a_id, "pair", subcommand="swap", channel_id=first.channel_id, locale="fr"
    )
    assert "déjà proposé" in (await twice.response()).content
    proposal = await fake.wait_for(
        lambda: next((m for m in fake.messages(first.channel_id) if "binome:swap:" in " ".join(m.custom_ids())), None),
        description="the swap proposal",
    )
    own = await fake.click(proposal, proposal.custom_ids()[0], first.member_b_id)
    assert "c'est à ton binôme" in (await own.response()).content
    accepted = await fake.click(proposal, proposal.custom_ids()[0], first.member_a_id)
    assert f"<@{first.member_b_id}> est le mentor de <@{first.member_a_id}>" in (await accepted.response()).content
    week = await fake.slash_command(
        guild.id, first.member_a_id, "pair", subcommand="week", channel_id=first.channel_id, locale="fr"
    )
    assert f"<@{first.member_b_id}> est le mentor de <@{first.member_a_id}>" in (await week.response()).content

    # A week later, the scheduled run: the second pair alternates; the swap changed only last week,
    # so in the first pair B leads again (the base rhythm goes on: A, B, A, ...).
    bot.set_time(NEXT_MONDAY_RUN)
    await fake.wait_for(
        lambda: all(weekly_messages(fake, p, "2026-12-07") for p in (first, second)),
        description="the scheduled run of 7 December",
    )
    [message] = weekly_messages(fake, second, "2026-12-07")
    assert names_mentor(message, second.member_b_id, second.member_a_id)
    [message] = weekly_messages(fake, first, "2026-12-07")
    assert names_mentor(message, first.member_b_id, first.member_a_id)
    assert weekly_messages(fake, paused) == []

    # A restart between two runs neither duplicates nor skips.
    await bot.stop()
    await bot.start()
    await fake.wait_for(lambda: "Binôme ready" in bot.log(since_start=True))
    assert [len(weekly_messages(fake, p, "2026-12-07")) for p in (first, second)] == [1, 1]

    # Downtime across the next run time: exactly one catch-up message at start-up.
    await bot.stop()
    bot.set_time(THIRD_MONDAY_LATE)
    await bot.start()
    await fake.wait_for(
        lambda: all(weekly_messages(fake, p, "2026-12-14") for p in (first, second)),
        description="the catch-up run of 14 December",
    )
    await bot.stop()
    await bot.start()
    assert [len(weekly_messages(fake, p, "2026-12-14")) for p in (first, second)] == [1, 1]
    [message] = weekly_messages(fake, second, "2026-12-14")
    assert names_mentor(message, second.member_a_id, second.member_b_id)
    assert weekly_messages(fake, paused) == []
