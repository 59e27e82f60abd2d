"""One demo run: the local Discord (on a free port) and the real bot (`python -m bot`, its SQLite database,
clock file and log in the run's own directory), the story played, and what happened kept for the page."""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from demo.bot_process import BotProcess
from demo.scenario import START, Story, local
from demo.stage import BotFailed, Stage
from fake_discord import FakeDiscord

SERVER = "Club des entrepreneurs de Lyon"
# The bot looks for due work (weekly messages, nudges, check-ins) this often, in real seconds.
TICK_SECONDS = "0.2"


@dataclass
class Outcome:
    fake: FakeDiscord
    bot: BotProcess
    stage: Stage
    story: Story
    database_url: str
    error: str | None = None


@contextlib.asynccontextmanager
async def demo_world(seed: int, workdir: Path) -> AsyncIterator[Outcome]:
    """The server as the story finds it, and the bot not started yet. On the way out (the end, an error,
    Ctrl-C) the bot is stopped and the local Discord closed."""
    fake = FakeDiscord()
    await fake.start()
    try:
        organiser = fake.add_user("nadia", global_name="Nadia", locale="fr")
        guild = fake.add_guild(SERVER, owner_id=organiser.id, preferred_locale="fr")
        fake.add_text_channel(guild.id, "général", topic="Le salon de tout le club")
        welcome = fake.add_text_channel(guild.id, "bienvenue")
        moderation = fake.add_text_channel(guild.id, "modération")
        moderators = fake.add_role(guild.id, "Modération")
        fake.update_member(guild.id, organiser.id, roles=[moderators.id])
        database_url = f"sqlite:///{workdir / 'binome.db'}"
        bot = BotProcess.for_fake(fake, database_url, workdir, BINOME_TICK_SECONDS=TICK_SECONDS)
        stage = Stage(fake, bot, guild.id, local(START, 9, 0))
        story = Story(stage, seed, fake.member(guild.id, organiser.id), moderation.id, welcome.id, moderators.id)
        try:
            yield Outcome(fake, bot, stage, story, database_url)
        finally:
            await bot.stop()
    finally:
        await fake.stop()


async def play(outcome: Outcome) -> None:
    """Start the bot and play the story. A failure of the bot (or of the story) is kept in
    `outcome.error` for the page, not raised."""
    bot, stage = outcome.bot, outcome.stage
    try:
        await bot.migrate()
        bot.set_time(stage.now.isoformat())
        stage.timeline.append((0.0, stage.now))
        await bot.start(timeout=60)
        await _unless_the_bot_dies(outcome)
    except Exception:
        outcome.error = traceback.format_exc()
        return
    refused = [str(r) for r in outcome.fake.invalid_requests]  # bodies Discord would refuse: the bot's bug
    if refused or outcome.fake.stats.internal_errors:
        outcome.error = "Discord refused requests of the bot:\n" + "\n".join(refused or ["(the fake crashed)"])


async def _unless_the_bot_dies(outcome: Outcome) -> None:
    """Play the story; if the bot process exits meanwhile, stop at once and say so."""
    process = outcome.bot.process
    assert process is not None
    story = asyncio.create_task(outcome.story.play())
    exited = asyncio.create_task(process.wait())
    try:
        await asyncio.wait({story, exited}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (story, exited):
            task.cancel()
    if story.done() and not story.cancelled() and story.exception() is None:
        return
    if not story.cancelled() and story.done():
        raise story.exception()  # type: ignore[misc]
    last = outcome.stage.actions[-1].label if outcome.stage.actions else "the start"
    raise BotFailed(
        f"the bot exited (code {process.returncode}) in the middle of the story (after {last}); "
        f"the end of its log:\n{outcome.bot.log()[-4000:]}"
    )
