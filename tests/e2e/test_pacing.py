"""The bot paces its requests under Discord's global limit before sending them: a weekly run posting
to many channels at once gets no global 429 (discord.py alone would burst into it and wait after)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.engine import Database
from bot.db.models import Pair
from fake_discord import FakeDiscord
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import seed_profiles

BEFORE_RUN = "2026-11-30T13:59:00+00:00"  # Monday 08:59 in Toronto, the default weekly time is 09:00
RUN_MOMENT = "2026-11-30T14:00:00+00:00"
PAIRS = 30
FAKE_GLOBAL = 10  # per second: a low limit so that a short run would burst far past it
BOT_RATE = 8  # the bot's own budget, a little under it (jitter between the two processes' clocks)


async def seed_pairs(database_url: str, guild_id: int, members: list[int], channels: list[int]) -> None:
    db = Database(database_url)
    activated = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    async with db.session() as session:
        for index, channel_id in enumerate(channels):
            session.add(
                Pair(
                    guild_id=guild_id,
                    member_a_id=members[2 * index],
                    member_b_id=members[2 * index + 1],
                    status="active",
                    origin="round",
                    a_teaches_b=["seo"],
                    b_teaches_a=["finance"],
                    channel_id=channel_id,
                    created_at=activated,
                    activated_at=activated,
                    first_meeting_planned_at=activated,
                )
            )
    await db.close()


async def test_a_weekly_run_stays_under_the_global_limit(database_url, tmp_path):
    async with FakeDiscord(expect_valid_requests=True, rate_limits=True, global_per_second=FAKE_GLOBAL) as fake:
        bot = BotProcess.for_fake(
            fake, database_url, tmp_path, BINOME_TICK_SECONDS="0.2", DISCORD_GLOBAL_RATE=str(BOT_RATE)
        )
        await bot.migrate()
        guild = fake.add_guild("Club", preferred_locale="fr")
        fake.add_text_channel(guild.id, "general")
        members = [fake.add_member(guild.id, name=f"m{i}").id for i in range(2 * PAIRS)]
        channels = [fake.add_text_channel(guild.id, f"pair-{i}").id for i in range(PAIRS)]
        await seed_profiles(database_url, guild.id, members)
        await seed_pairs(database_url, guild.id, members, channels)
        bot.set_time(BEFORE_RUN)
        await bot.start()
        try:
            first = len(fake.requests)
            bot.set_time(RUN_MOMENT)
            await fake.wait_for(
                lambda: all(fake.messages(channel) for channel in channels), timeout=30, description="every message"
            )
        finally:
            await bot.stop()
        assert [len(fake.messages(channel)) for channel in channels] == [1] * PAIRS
        assert fake.stats.rate_limited_global == 0, "the bot sent past the global limit"
        counted = [r for r in fake.requests[first:] if not r.path.startswith(("/interactions", "/webhooks"))]
        assert len(counted) >= PAIRS, "the run's requests all went through the global limit"
        assert "global pacing: PacerStats(" in bot.log(), "the bot reports its pacing when it stops"
