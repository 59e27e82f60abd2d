"""Acknowledging in time when the bot is busy (`bot.client.acknowledge`): when a marked command is
acknowledged first, when a timer does it, and that the timer and `reply()` never both answer.

The interactions are stand-ins recording what the bot sent (what discord.py would send to Discord);
the backlog, the decision, the timer and `reply()` are the real ones."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import discord
import pytest

from bot.client import acknowledge
from bot.client.acknowledge import ACK_BY, BUSY_AFTER, Backlog, acknowledge_when_busy, acknowledged_when_busy
from bot.client.interactions import reply


class Response:
    def __init__(self, sent: list[str], delay: float = 0.0) -> None:
        self._sent, self._delay, self._done = sent, delay, False

    def is_done(self) -> bool:
        return self._done

    async def _answer(self, what: str) -> None:
        assert not self._done, "acknowledged twice: Discord refuses the second (40060)"
        await asyncio.sleep(self._delay)  # discord.py marks it done only once Discord answered
        self._done = True
        self._sent.append(what)

    async def defer(self, *, ephemeral: bool, thinking: bool) -> None:
        assert ephemeral and thinking
        await self._answer("defer")

    async def send_message(self, **kwargs) -> None:
        await self._answer(f"message {kwargs.get('content')}")


class Interaction:
    """What the tree hands to `interaction_check`: an application command, marked or not."""

    _ids = iter(range(1, 10**6))

    def __init__(self, *, marked: bool = True, age: float = 0.0, delay: float = 0.0) -> None:
        self.id = next(self._ids)
        self.type = discord.InteractionType.application_command
        command = SimpleNamespace(extras={})
        self.command = acknowledged_when_busy(command) if marked else command
        self.created_at = discord.utils.utcnow() - timedelta(seconds=age)
        self.extras: dict = {}
        self.sent: list[str] = []
        self.response = Response(self.sent, delay)
        self.followup = SimpleNamespace(send=self._followup)

    async def _followup(self, **kwargs) -> None:
        assert self.response.is_done(), "a followup before any acknowledgement"
        self.sent.append(f"followup {kwargs.get('content')}")


async def test_alone_a_command_is_answered_at_once():
    backlog = Backlog()
    interaction = Interaction()
    backlog.received(interaction)
    await acknowledge_when_busy(interaction, backlog)
    await reply(interaction, "profile")
    assert interaction.sent == ["message profile"]


async def test_behind_many_others_a_marked_command_is_acknowledged_first():
    backlog = Backlog()
    others = [Interaction() for _ in range(BUSY_AFTER)]
    for other in others:
        backlog.received(other)
    interaction, unmarked = Interaction(), Interaction(marked=False)
    backlog.received(interaction)
    backlog.received(unmarked)
    await acknowledge_when_busy(interaction, backlog)
    await acknowledge_when_busy(unmarked, backlog)
    assert interaction.sent == ["defer"] and unmarked.sent == [], "only marked commands"
    await reply(interaction, "profile")
    assert interaction.sent == ["defer", "followup profile"]

    for other in others[1:]:  # answered meanwhile: no longer waiting
        await reply(other, "done")
    later = Interaction()
    backlog.received(later)
    await acknowledge_when_busy(later, backlog)
    assert later.sent == [], "the backlog is gone"


async def test_an_interaction_already_late_is_acknowledged_first():
    backlog = Backlog()
    interaction = Interaction(age=ACK_BY + 0.5)  # Discord created it a while ago: the event loop was held up
    backlog.received(interaction)
    await acknowledge_when_busy(interaction, backlog)
    assert interaction.sent == ["defer"]


async def test_a_slow_handler_is_acknowledged_in_time_then_answered(monkeypatch):
    monkeypatch.setattr(acknowledge, "ACK_BY", 0.05)  # real time, kept short
    backlog = Backlog()
    interaction = Interaction()
    backlog.received(interaction)
    await acknowledge_when_busy(interaction, backlog)
    await asyncio.sleep(0.2)  # the handler's work takes longer than ACK_BY
    assert interaction.sent == ["defer"]
    await reply(interaction, "profile")
    assert interaction.sent == ["defer", "followup profile"]


@pytest.mark.parametrize("reply_first", [True, False])
async def test_the_timer_and_the_answer_never_both_acknowledge(monkeypatch, reply_first):
    """Whichever starts first, the other waits for it, then sees it done: one acknowledgement."""
    monkeypatch.setattr(acknowledge, "ACK_BY", 0.05)
    backlog = Backlog()
    interaction = Interaction(delay=0.1)  # each answer takes Discord 0.1 s
    backlog.received(interaction)
    await acknowledge_when_busy(interaction, backlog)
    await asyncio.sleep(0.0 if reply_first else 0.07)  # the timer fires at 0.05 s, its defer lands at 0.15 s
    await reply(interaction, "profile")
    await asyncio.sleep(0.2)
    expected = ["message profile"] if reply_first else ["defer", "followup profile"]
    assert interaction.sent == expected
