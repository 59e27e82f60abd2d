"""Acknowledging in time when the bot is busy: Discord gives an interaction 3 s to be acknowledged.

One interaction costs the bot a few milliseconds of CPU (discord.py's parsing, a database session or
two, rendering, the callback). A hundred arriving at once are served in turn, interleaved: the answers
come seconds later, some past Discord's deadline ("The application did not respond"). So a command
marked `acknowledged_when_busy` is acknowledged first — Discord shows "Binôme is thinking…", privately —
and answered right after as a followup, when

- others are already waiting for their answer (`BUSY_AFTER` of them) as its handler starts, or
- it has waited `ACK_BY` since it arrived and still has no answer: a timer, started with its handler,
  acknowledges it then (the first interactions of a burst start before the burst is visible).

Otherwise it is answered at once, as before (no "thinking" flash, one request instead of two).

The timer and the handler's own answer never race: both take the interaction's `answer_lock`, which
`reply()` holds while it decides between the first answer and a followup. So only commands whose
handler answers through `reply()` / `reply_key()` or by raising `UserError` (the tree's error handler
replies) may be marked. A handler that opens a form (a modal must be the first answer), answers in
public, or acknowledges by itself must not be.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

ACK_WHEN_BUSY = "binome:ack_when_busy"
#: Interactions received in the last 3 s and still waiting for their answer (besides this one) from which
#: a marked command is acknowledged first: about 0.1–0.4 s of work ahead of it, depending on the machine.
BUSY_AFTER = 20
#: A marked command still unanswered this long after it arrived is acknowledged (Discord's limit: 3 s).
ACK_BY = 1.2
#: An interaction older than this is answered or lost: no longer part of the backlog.
DEADLINE_SECONDS = 3.0
_LOCK = "binome:answer_lock"

CommandT = TypeVar("CommandT", bound=app_commands.Command)

log = logging.getLogger(__name__)


def acknowledged_when_busy(command: CommandT) -> CommandT:
    """Mark a slash command (put it above `@app_commands.command`) to be acknowledged first, privately,
    when the bot is busy. Its handler must answer only through `reply()` / `reply_key()` / `UserError`."""
    command.extras[ACK_WHEN_BUSY] = True
    return command


def answer_lock(interaction: discord.Interaction) -> asyncio.Lock:
    """Held while deciding how to answer `interaction` (first answer or followup) and sending it."""
    lock = interaction.extras.get(_LOCK)
    if lock is None:
        lock = interaction.extras[_LOCK] = asyncio.Lock()
    return lock


class Backlog:
    """The interactions this process received in the last 3 s, and those not acknowledged yet."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._recent: deque[tuple[float, discord.Interaction]] = deque()
        self._received: dict[int, float] = {}
        self._timers: set[asyncio.Task[None]] = set()

    def received(self, interaction: discord.Interaction) -> None:
        self._prune()
        now = self._clock()
        self._recent.append((now, interaction))
        self._received[interaction.id] = now

    def waiting(self, besides: discord.Interaction | None = None) -> int:
        self._prune()
        return sum(1 for _, other in self._recent if other is not besides and not other.response.is_done())

    def age(self, interaction: discord.Interaction) -> float:
        """Seconds since the interaction arrived here or, if that says more, since Discord created it
        (the gateway's message may have waited in a busy event loop before it was read)."""
        local = self._clock() - self._received.get(interaction.id, self._clock())
        remote = (discord.utils.utcnow() - interaction.created_at).total_seconds()  # Discord's clock, NTP-close
        return max(local, remote)

    def watch(self, interaction: discord.Interaction, delay: float) -> None:
        """Acknowledge `interaction` in `delay` seconds unless it is answered by then."""
        task = asyncio.create_task(_acknowledge_later(interaction, delay), name=f"ack-by-{interaction.id}")
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    def _prune(self) -> None:
        horizon = self._clock() - DEADLINE_SECONDS
        while self._recent and self._recent[0][0] < horizon:
            _, old = self._recent.popleft()
            self._received.pop(old.id, None)


def is_marked(interaction: discord.Interaction) -> bool:
    if interaction.type is not discord.InteractionType.application_command:
        return False  # autocomplete cannot be deferred; components and forms are answered by their views
    command = interaction.command
    return command is not None and bool(command.extras.get(ACK_WHEN_BUSY))


async def acknowledge_when_busy(interaction: discord.Interaction, backlog: Backlog) -> None:
    """Called before a command's handler: acknowledge a marked one now if the bot is busy, else make sure
    it is acknowledged by `ACK_BY` after its arrival if its handler has not answered by then."""
    if not is_marked(interaction) or interaction.response.is_done():
        return
    age = backlog.age(interaction)
    if age >= ACK_BY or backlog.waiting(besides=interaction) >= BUSY_AFTER:
        await _acknowledge(interaction)
    else:
        backlog.watch(interaction, ACK_BY - age)


async def _acknowledge_later(interaction: discord.Interaction, delay: float) -> None:
    await asyncio.sleep(delay)
    await _acknowledge(interaction)


async def _acknowledge(interaction: discord.Interaction) -> None:
    async with answer_lock(interaction):
        if interaction.response.is_done():
            return
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as exc:  # too late already: the handler's own answer fails the same way
            log.warning("could not acknowledge interaction %s in time: %s", interaction.id, exc)
