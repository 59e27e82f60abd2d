"""The stage the scenario plays on: the local Discord, the real bot, the bot's clock, and a log of
every interaction a member sent (what the transcript draws as "X used /pair log").

Members act only as a Discord client lets them: slash commands, button clicks, menu choices and
form submissions, through the fake Discord's driver API (`fake_discord/README.md`)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from demo.bot_process import BotProcess
from fake_discord import FakeDiscord
from fake_discord.interactions import Interaction
from fake_discord.models import Member, Message, walk_components

# How long the scenario waits for the bot's scheduled work (weekly runs, nudges...) or a reply.
PATIENCE = 30.0
# The bot is done with what it was doing once it sent nothing for this long (its scheduler ticks every 0.2 s).
QUIET = 0.3


class BotFailed(AssertionError):
    """The bot process exited in the middle of the story."""


@dataclass
class Action:
    """One interaction a member sent: what they did (as Discord would caption it) and when."""

    interaction: Interaction
    user_id: int
    label: str
    kind: str  # "command", "click", "select", "modal"
    real_at: float
    sim_at: datetime
    values: dict[str, str] | None = None  # a form's fields as sent


@dataclass
class Stage:
    fake: FakeDiscord
    bot: BotProcess
    guild_id: int
    now: datetime
    #: (real time, simulated time) each time the clock was moved, oldest first
    timeline: list[tuple[float, datetime]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    # -- time ------------------------------------------------------------------------------------

    async def at(self, moment: datetime, *, settle: bool = True) -> None:
        """Move the bot's clock (the file it reads "now" from), once the bot finished what it was doing:
        what it posts is then dated by the moment it happened in the story. (`settle=False` after an
        answer that was all the bot had to do: nothing is left to wait for.)"""
        if settle:
            await self.settle()
        self.now = moment
        self.bot.set_time(moment.isoformat())
        self.timeline.append((time.time(), moment))

    async def later(self, *, settle: bool = True, **delta: float) -> None:
        await self.at(self.now + timedelta(**delta), settle=settle)

    async def settle(self, quiet: float = QUIET, timeout: float = PATIENCE) -> None:
        """Wait until the bot has sent nothing to Discord for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            self._check_bot()
            requests = self.fake.stats.requests
            await asyncio.sleep(quiet)
            if self.fake.stats.requests == requests:
                return

    def _check_bot(self) -> None:
        process = self.bot.process
        if process is not None and process.returncode is not None:
            raise BotFailed(
                f"the bot exited (code {process.returncode}); the end of its log:\n{self.bot.log()[-4000:]}"
            )

    # -- what members do -------------------------------------------------------------------------

    def _record(self, interaction: Interaction, user: Member | int, label: str, kind: str) -> Interaction:
        user_id = user if isinstance(user, int) else user.id
        self.actions.append(Action(interaction, user_id, label, kind, time.time(), self.now))
        return interaction

    async def command(
        self,
        user: Member | int,
        name: str,
        subcommand: str | None = None,
        *,
        channel_id: int | None = None,
        options: dict[str, Any] | None = None,
        group: str | None = None,
    ) -> Interaction:
        user_id = user if isinstance(user, int) else user.id
        interaction = await self.fake.slash_command(
            self.guild_id, user_id, name, subcommand=subcommand, group=group, options=options, channel_id=channel_id
        )
        shown = " ".join(f"{key}:{_option_text(self.fake, value)}" for key, value in (options or {}).items())
        label = " ".join(part for part in (f"/{name}", group, subcommand, shown) if part)
        return self._record(interaction, user_id, label, "command")

    async def click(self, user: Member | int, source: Message | Interaction, suffix: str) -> Interaction:
        """Click the button whose custom_id ends with `suffix` on a message (or an interaction's reply)."""
        user_id = user if isinstance(user, int) else user.id
        custom_id = component_id(source, suffix)
        component = _component(self.fake, source, custom_id)
        interaction = await self.fake.click(source, custom_id, user_id)
        return self._record(interaction, user_id, _button_text(component), "click")

    async def select(self, user: Member | int, source: Message | Interaction, suffix: str, values) -> Interaction:
        user_id = user if isinstance(user, int) else user.id
        custom_id = component_id(source, suffix)
        component = _component(self.fake, source, custom_id) or {}
        labels = {o.get("value"): o.get("label") for o in component.get("options") or []}
        interaction = await self.fake.select(source, custom_id, list(values), user_id)
        chosen = ", ".join(str(labels.get(v, v)) for v in values)
        return self._record(interaction, user_id, f"{component.get('placeholder') or 'menu'} → {chosen}", "select")

    async def submit(self, user: Member | int, opener: Interaction, values: dict[str, str]) -> Interaction:
        user_id = user if isinstance(user, int) else user.id
        title = (opener.modal.title if opener.modal else None) or "form"
        interaction = await self.fake.submit_modal(opener, values, user_id)
        self._record(interaction, user_id, title, "modal")
        # Shown as the form showed them: each field under its label.
        labels = {
            c.get("custom_id"): c.get("label") for c in walk_components(opener.modal.components if opener.modal else [])
        }
        self.actions[-1].values = {labels.get(key) or key: value for key, value in values.items()}
        return interaction

    async def form(self, user: Member | int, source: Message | Interaction, suffix: str, values: dict[str, str]):
        """Click a button that opens a form, fill it in, send it; returns the submission."""
        opened = await self.click(user, source, suffix)
        callback = await opened.response(timeout=PATIENCE)
        assert callback.type == 9, f"{suffix} should open a form, got {callback}"
        submitted = await self.submit(user, opened, values)
        await self.reply(submitted)  # (after a deferral: once the answer came, the change is stored)
        return submitted

    # -- waiting ---------------------------------------------------------------------------------

    async def until(self, predicate, what: str, timeout: float = PATIENCE):
        def check():
            self._check_bot()  # a bot that died fails the story at once, not after a timeout
            return predicate()

        return await self.fake.wait_for(check, timeout=timeout, description=what)

    async def reply(self, interaction: Interaction) -> Message:
        return await interaction.final_message(timeout=PATIENCE)

    def in_channel(self, channel_id: int, needle: str) -> list[Message]:
        """Messages of a channel whose text or custom ids contain `needle`."""
        return [
            m for m in self.fake.messages(channel_id) if needle in m.text or any(needle in c for c in m.custom_ids())
        ]

    async def posted(self, channel_id: int, needle: str, what: str, *, count: int = 1) -> Message:
        """Wait for the `count`-th message of a channel matching `needle`; returns the latest."""
        found = await self.until(lambda: (m := self.in_channel(channel_id, needle)) and len(m) >= count and m, what)
        return found[-1]


def component_id(source, suffix: str) -> str:
    """The full custom_id ending with `suffix` (temporary ids carry the bot's boot id)."""
    matches = [custom_id for custom_id in source.custom_ids() if custom_id.endswith(suffix)]
    assert len(matches) == 1, f"expected one component ending with {suffix!r}, found {source.custom_ids()}"
    return matches[0]


def _component(fake: FakeDiscord, source, custom_id: str) -> dict[str, Any] | None:
    message = fake._message_target(source)
    return next((c for c in walk_components(message.components) if c.get("custom_id") == custom_id), None)


def _button_text(component: dict[str, Any] | None) -> str:
    if not component:
        return "button"
    emoji = (component.get("emoji") or {}).get("name") or ""
    return " ".join(part for part in (emoji, component.get("label") or "") if part) or "button"


def _option_text(fake: FakeDiscord, value: Any) -> str:
    """An option as Discord shows it in "X used /command ...": channels, roles and members by name."""
    if hasattr(value, "mention"):
        return value.mention
    if isinstance(value, int) and not isinstance(value, bool) and value > 1 << 32:
        if fake.world.channels.get(value) is not None:
            return f"<#{value}>"
        if any(value in guild.roles for guild in fake.world.guilds.values()):
            return f"<@&{value}>"
        return f"<@{value}>"
    return str(value)
