"""A 503 storm while a round's pairs are launched: every pair gets its channel and kickoff once the
storm is over, without a restart, none twice, and the moderators are told what is still pending."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Pair
from tests.e2e.helpers import component_id, eventually
from tests.e2e.test_pairing import current_text, kickoffs, pair_channels, preview, program


async def test_a_503_storm_during_confirmation_is_retried_while_the_bot_runs(fake, bot, db):
    bot.env["BINOME_TICK_SECONDS"] = "0.2"
    guild, general, mods_channel, _, owner, _ = await program(fake, bot, members=10)
    _, message = await preview(fake, guild, owner, general)
    # Discord answers 503 (which discord.py does not retry) to the first 7 channel creations and to
    # the first 2 kickoffs: every pair fails at least once, some twice, some after their channel.
    fake.fail_next("POST", "/guilds/*/channels", 503, times=7)
    fake.fail_next("POST", "/channels/*/messages", 503, times=2)
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "0/5 pairs created" in current_text(fake, message), description="the summary")
    summary = current_text(fake, message)
    assert "5 pairs are still waiting for their channels" in summary and "retrying by myself" in summary

    async def launched() -> list[Pair] | None:
        async with db.session() as session:
            pairs = (await session.scalars(select(Pair))).all()
        return list(pairs) if {p.status for p in pairs} == {"active"} else None

    pairs = await eventually(launched, timeout=60, what="every pair launched once the storm is over")
    channels = pair_channels(fake, guild)
    assert len(channels) == 5 and {c.id for c in channels} == {p.channel_id for p in pairs}
    assert [len(kickoffs(fake, channel)) for channel in channels] == [1] * 5, "one kickoff each"
    assert len(fake.channels(guild.id, type=4)) == 1, "one category"
    assert len(fake.find_requests("POST", "/guilds/*/channels", status=503)) == 7

    # The moderators hear about each pair that got through after a retry (one report a pair), once.
    def told() -> str:
        return " ".join(m.content for m in fake.messages(mods_channel.id) if "Discord avait refusé" in m.content)

    await fake.wait_for(lambda: all(f"<@{p.member_a_id}>" in told() for p in pairs), description="5 reports")
    text = told()
    for pair in pairs:
        assert text.count(f"<@{pair.member_a_id}>") == 1, text
    assert bot.log().count("Binôme ready") == 1, "no restart"
    assert fake.stats.internal_errors == 0
