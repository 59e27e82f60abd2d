"""A command whose work is slow is acknowledged in time ("thinking…"), then answered, instead of
missing Discord's 3 s deadline (`bot.client.acknowledge`)."""

from __future__ import annotations

import asyncio

from tests.e2e.helpers import seed_profiles
from tests.e2e.test_weekly import all_pairs, start_program


async def test_a_slow_command_is_acknowledged_in_time_then_answered(fake, bot, db, database_url):
    guild, _ = await start_program(fake, bot, database_url, members=4)
    pair = (await all_pairs(db))[0]
    # `/pair swap` posts its proposal in the pair's channel before answering: Discord takes 4 s to post it.
    fake.hold_next("POST", f"/channels/{pair.channel_id}/messages", 4.0)
    swap = await fake.slash_command(
        guild.id, pair.member_b_id, "pair", subcommand="swap", channel_id=pair.channel_id, locale="fr"
    )
    acknowledged = await swap.response(timeout=5)
    assert acknowledged.deferred and acknowledged.ephemeral, acknowledged
    assert 1.0 < swap.latency < 3.0, "acknowledged before the deadline, not at once"
    answer = await swap.final_message(timeout=10)
    assert "proposition est publiée" in answer.content and answer.ephemeral
    assert swap.rejected == []


async def test_a_burst_is_acknowledged_once_each_whether_deferred_or_answered(fake, bot, database_url):
    """40 `/mentoring profile` at once while Discord is slow to take each first answer (1 s): the later
    ones see a backlog and are acknowledged first ("thinking…"); the first ones' answers are on their way
    when their 1.2 s timer fires, and the timer must not acknowledge them a second time (40060)."""
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    people = [fake.add_member(guild.id, name=f"m{i}", locale="fr").id for i in range(40)]
    await seed_profiles(database_url, guild.id, people)
    await bot.start()
    fake.hold_next("POST", "/interactions/*/*/callback", 1.0, times=len(people))
    burst = [await fake.slash_command(guild.id, user, "mentoring", subcommand="profile") for user in people]
    answers = await asyncio.gather(*(interaction.final_message(timeout=15) for interaction in burst))
    for interaction, answer in zip(burst, answers, strict=True):
        assert interaction.rejected == [], interaction  # one acknowledgement each, none late, none twice
        assert answer.ephemeral and answer.embeds, answer
    deferred = [interaction for interaction in burst if interaction.callback.deferred]
    assert deferred, "the backlog is visible to the later interactions: they are acknowledged first"
    assert all(len(interaction.followups) == 1 for interaction in deferred)
    assert len(deferred) < len(burst), "the first ones are answered at once, no 'thinking' state"
