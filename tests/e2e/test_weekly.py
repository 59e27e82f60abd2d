"""The weekly "who mentors this week" rhythm against the real bot, with its clock moved by the test."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.db.models import Pair, WeeklyRun
from bot.i18n.dates import day_and_month
from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, eventually, seed_profiles

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
        lambda: f"{members // 2}/{members // 2} pair" in fake.message(message.id).text,  # "1/1 pair", "3/3 pairs"
        description="pairs created",
    )
    return guild, owner


async def all_pairs(db) -> list[Pair]:
    async with db.session() as session:
        return list((await session.scalars(select(Pair).order_by(Pair.id))).all())


def weekly_messages(fake: FakeDiscord, pair: Pair, week: str | None = None) -> list:
    """The pair's weekly messages (of the week starting on the ISO date `week`), in French."""
    messages = [m for m in fake.messages(pair.channel_id) if any(":skip" in c for c in m.custom_ids())]
    heading = f"Semaine du {day_and_month(date.fromisoformat(week), 'fr')}" if week else ""
    return [m for m in messages if heading in m.content]


def names_mentor(message, mentor: int, learner: int) -> bool:
    return f"<@{mentor}> est le mentor de <@{learner}>" in message.content


async def wait_run_completed(db, guild_id: int, week: date) -> None:
    async def completed() -> bool:
        async with db.session() as session:
            run = await session.get(WeeklyRun, (guild_id, week))
        return run is not None and run.completed_at is not None

    await eventually(completed, what=f"the run of {week} to complete")


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
    assert "2 envoyés maintenant, 0 déjà envoyé, 1 binôme en pause" in await remind_now(fake, guild, owner)
    for pair in (first, second):
        [message] = weekly_messages(fake, pair, "2026-11-30")
        assert names_mentor(message, pair.member_a_id, pair.member_b_id)
        assert sorted(str(u) for u in message.allowed_mentions["users"]) == sorted(str(m) for m in pair.members())
    assert weekly_messages(fake, paused) == []
    # Idempotent: a second remind-now sends nothing new.
    assert "0 envoyé maintenant, 2 déjà envoyés" in await remind_now(fake, guild, owner)
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


async def test_check_ins_nudges_and_reports(fake, bot, db, database_url):
    guild, owner = await start_program(fake, bot, database_url, members=4)
    mods = fake.add_text_channel(guild.id, "moderation")
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"moderators-channel": mods}, locale="fr"
    )
    await setup.response()
    active, quiet = await all_pairs(db)
    await remind_now(fake, guild, owner)

    # `/pair log` by a member: recorded, led by this week's mentor by default, shown to the pair.
    logged = await fake.slash_command(
        guild.id,
        active.member_b_id,
        "pair",
        subcommand="log",
        options={"held": True, "format": "video", "minutes": 45},
        channel_id=active.channel_id,
        locale="fr",
    )
    answer = await logged.response()
    assert not answer.ephemeral
    assert f"menée par <@{active.member_a_id}>" in answer.content and "45 min" in answer.content
    assert f"<@{active.member_a_id}> 1 · <@{active.member_b_id}> 0" in answer.content

    # Bad input: a future date, someone else's pair, outside a pair channel.
    future = await fake.slash_command(
        guild.id,
        active.member_a_id,
        "pair",
        subcommand="log",
        options={"held": True, "date": "2027-01-01"},
        channel_id=active.channel_id,
        locale="fr",
    )
    assert "dans le futur" in (await future.response()).content
    stranger = await fake.slash_command(
        guild.id, quiet.member_a_id, "pair", subcommand="week", channel_id=active.channel_id, locale="fr"
    )
    # (Discord would not even show them the channel; the bot checks anyway.)
    assert "Seuls les deux membres" in (await stranger.response()).content
    outside = await fake.slash_command(guild.id, active.member_a_id, "pair", subcommand="week", locale="fr")
    assert "salon privé de ton binôme" in (await outside.response()).content

    # The weekly message's "Log a session" button: menus, then a short form.
    [weekly] = weekly_messages(fake, active)
    opened = await fake.click(weekly, component_id(weekly, ":log"), active.member_a_id)
    form = await opened.response()
    assert form.ephemeral
    await fake.select(opened, component_id(opened, ":log:held"), ["yes"], active.member_a_id)
    await fake.select(opened, component_id(opened, ":log:mode"), ["in_person"], active.member_a_id)
    modal = await fake.click(opened, component_id(opened, ":log:continue"), active.member_a_id)
    assert (await modal.response()).type == 9
    submitted = await fake.submit_modal(modal, {"note": "Atelier SEO"}, active.member_a_id)
    assert "en personne" in (await submitted.response()).content

    # Three days later: the quiet pair is nudged once, the active one is not.
    bot.set_time("2026-12-03T16:00:00+00:00")
    await fake.wait_for(
        lambda: any("aucune séance notée" in m.content for m in fake.messages(quiet.channel_id)),
        description="a nudge to the quiet pair",
    )
    await bot.stop()
    await bot.start()
    assert sum("aucune séance notée" in m.content for m in fake.messages(quiet.channel_id)) == 1
    assert not any("aucune séance notée" in m.content for m in fake.messages(active.channel_id))

    # Weeks go by without news from the quiet pair: after 3 silent weeks the moderators hear of it
    # once; and as its first meeting was never planned, it is reminded after two weeks.
    for week in ("2026-12-07", "2026-12-14", "2026-12-21"):
        bot.set_time(f"{week}T14:00:30+00:00")
        await fake.wait_for(lambda week=week: weekly_messages(fake, quiet, week), description=f"the run of {week}")
    await fake.wait_for(
        lambda: any("aucune séance" in m.content for m in fake.messages(mods.id)), description="the moderators' report"
    )
    await fake.wait_for(
        lambda: any("🤝" in m.content for m in fake.messages(quiet.channel_id)),
        description="the first-meeting reminder",
    )
    bot.set_time("2026-12-28T14:00:30+00:00")  # one more week: neither is repeated
    await wait_run_completed(db, guild.id, date(2026, 12, 28))
    reports = [m.content for m in fake.messages(mods.id) if "aucune séance" in m.content]
    assert sum(f"<@{quiet.member_a_id}>" in r for r in reports) == 1, "reported once, not every week"
    # The active pair's last session was in the week of 30 November: its own 3 silent weeks end on
    # the 28 December run, and that is when (and only when) it is reported.
    assert sum(f"<@{active.member_a_id}>" in r for r in reports) == 1
    reminders = [m for m in fake.messages(quiet.channel_id) if "première rencontre" in m.content and "🤝" in m.content]
    assert len(reminders) == 1
