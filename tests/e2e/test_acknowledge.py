"""A command whose work is slow is acknowledged in time ("thinking…"), then answered, instead of
missing Discord's 3 s deadline (`bot.client.acknowledge`)."""

from __future__ import annotations

from tests.e2e.test_weekly import all_pairs, start_program


async def test_a_slow_command_is_acknowledged_in_time_then_answered(fake, bot, db, database_url):
    guild, _ = await start_program(fake, bot, database_url, members=2)
    [pair] = await all_pairs(db)
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
