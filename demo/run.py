"""One demo run: the local Discord and the real bot in a temporary directory, the story played, and
what happened captured for the transcript (even when the bot fails half-way)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from demo.bot_process import BotProcess
from demo.scenario import START, Story, local
from demo.stage import Stage
from fake_discord import FakeDiscord

SERVER = "Club des entrepreneurs de Lyon"


@dataclass
class Outcome:
    stage: Stage | None = None
    story: Story | None = None
    error: str | None = None
    bot_log: str = ""
    database_url: str = ""
    extras: dict = field(default_factory=dict)


async def play(seed: int, workdir: Path, *, on_stage=None) -> Outcome:
    """Play the whole story; never raises for a failure of the bot or of the story (it is in
    `Outcome.error`); the caller renders the transcript from `Outcome` while the fake still holds it."""
    outcome = Outcome(database_url=f"sqlite:///{workdir / 'binome.db'}")
    fake = FakeDiscord()
    await fake.start()
    bot = None
    try:
        organiser = fake.add_user("nadia", global_name="Nadia", locale="fr")
        guild = fake.add_guild(SERVER, owner_id=organiser.id, preferred_locale="fr")
        fake.add_text_channel(guild.id, "général", topic="Le salon de tout le club")
        welcome = fake.add_text_channel(guild.id, "bienvenue")
        moderation = fake.add_text_channel(guild.id, "modération")
        moderators = fake.add_role(guild.id, "Modération")
        fake.update_member(guild.id, organiser.id, roles=[moderators.id])
        moderator = fake.member(guild.id, organiser.id)
        bot = BotProcess.for_fake(fake, outcome.database_url, workdir, BINOME_TICK_SECONDS="0.2")
        stage = Stage(fake, bot, guild.id, local(START, 9, 0))
        outcome.stage = stage
        await bot.migrate()
        bot.set_time(local(START, 9, 0).isoformat())
        stage.timeline.append((0.0, local(START, 9, 0)))
        await bot.start(timeout=60)
        setup = await stage.command(
            moderator,
            "mentoring-admin",
            "setup",
            channel_id=moderation.id,
            options={
                "moderator-role": moderators,
                "moderators-channel": moderation,
                "welcome-channel": welcome,
                "language": "fr",
                "weekday": 0,
                "time": "09:00",
                "timezone": "Europe/Paris",
                "cycle-months": 2,
            },
        )
        await stage.reply(setup)
        story = Story(stage, seed, moderator, moderation.id)
        outcome.story = story
        await story.play()
    except Exception:  # the bot (or the story) failed: the page shows it, the demo exits non-zero
        outcome.error = traceback.format_exc()
    finally:
        outcome.extras["fake"] = fake
        outcome.extras["bot"] = bot
        if bot is not None:
            outcome.bot_log = bot.log()
    return outcome


async def close(outcome: Outcome) -> None:
    bot, fake = outcome.extras.get("bot"), outcome.extras.get("fake")
    if bot is not None:
        await bot.stop()
    if fake is not None:
        await fake.stop()


__all__ = ["Outcome", "close", "datetime", "play", "timedelta"]
