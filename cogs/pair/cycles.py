"""Cycle check-ins: at mid-cycle and at the end of the cycle the pair is asked, in its channel,
whether to continue, adjust its charter, or end.

The scheduled check finds what is due from the database. Each prompt is posted first and recorded
right after; if the bot stops in between, the next check finds the prompt already in the channel
(its buttons name the pair, the cycle and the stage) and records it instead of posting it again. So a
crash or restart neither duplicates a prompt nor skips one.

Custom ids: `binome:cycle:<pair_id>:<cycle>:<mid|end>:<continue|charter|end>`, where `<cycle>` names
the cycle (its start), so a button of an earlier cycle is recognised as such.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, mention, pings
from bot.client.ui import GuardedItem, find_recent_message
from bot.domain.cycles import Stage, cycle_key, cycle_moments
from bot.i18n import t
from bot.services.ending import Continuation, DuePrompt
from cogs.pair import charter
from cogs.pair.context import pair_by_id
from cogs.pair.ending_flow import pair_lock, propose_end
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

CYCLE_ID = "binome:cycle:{pair_id}:{cycle}:{stage}:{action}"
CYCLE_PATTERN = r"binome:cycle:(?P<pair_id>\d+):(?P<cycle>\d+):(?P<stage>mid|end):(?P<action>continue|charter|end)"
HISTORY_LOOKBACK = 50  # messages searched for a prompt posted just before a restart
RETRY_FAILED_POST_AFTER = 300.0  # seconds: a channel the bot cannot post in is not retried every tick

_failed_posts: dict[tuple[int, int, str], float] = {}


def _date(moment: datetime) -> str:
    return moment.date().isoformat()


def prompt_message(due: DuePrompt, locale: str) -> tuple[str, discord.ui.View]:
    pair = due.pair
    moments = cycle_moments(due.start, due.months)
    a, b = (mention(m) for m in pair.members())
    content = t(
        f"ending.cycle.{due.stage.value}_prompt",
        locale,
        a=a,
        b=b,
        start=_date(moments.start),
        end=_date(moments.end),
        months=due.months,
    )
    key = cycle_key(due.start)
    view = discord.ui.View(timeout=None)
    for action, style in (
        ("continue", discord.ButtonStyle.success),
        ("charter", discord.ButtonStyle.primary),
        ("end", discord.ButtonStyle.danger),
    ):
        view.add_item(
            CycleButton(pair.id, key, due.stage, action, label=t(f"ending.cycle.button_{action}", locale), style=style)
        )
    return content, view


async def post_prompt(bot: Binome, guild: discord.Guild, due: DuePrompt) -> bool:
    """Post the check-in (unless an interrupted earlier attempt did) and record it. False: retry later."""
    pair = due.pair
    key = cycle_key(due.start)
    failure = (pair.id, key, due.stage.value)
    if time.monotonic() - _failed_posts.get(failure, -RETRY_FAILED_POST_AFTER) < RETRY_FAILED_POST_AFTER:
        return False
    channel = pair_channel(guild, pair)
    if channel is None:
        return False  # being recreated by the pair-channel cog; the check-in waits for it
    prefix = CYCLE_ID.format(pair_id=pair.id, cycle=key, stage=due.stage.value, action="")
    try:
        found = (
            await find_recent_message(
                channel, lambda custom_id: custom_id.startswith(prefix), bot.user, limit=HISTORY_LOOKBACK
            )
            is not None
        )
    except discord.HTTPException as exc:
        log.warning("could not read the history of channel %s: %s", channel.id, exc)
        found = False
    if not found:
        content, view = prompt_message(due, bot.server_locale(guild))
        try:
            await channel.send(content, view=view, allowed_mentions=pings(*pair.members()))
        except discord.HTTPException as exc:
            _failed_posts[failure] = time.monotonic()
            log.warning("the %s-cycle check-in of pair %s failed (%s); retried later", due.stage.value, pair.id, exc)
            return False
    _failed_posts.pop(failure, None)
    await bot.ending.record_prompt(pair.id, due.stage, due.start)
    if found:
        log.info("the %s-cycle check-in of pair %s was already posted; recorded it", due.stage.value, pair.id)
    else:
        log.info("posted and recorded the %s-cycle check-in of pair %s", due.stage.value, pair.id)
    return True


async def run_cycle_checks(bot: Binome, now: datetime) -> int:
    """Post every due check-in, in every server the bot is in. Returns how many were posted or recorded."""
    guilds = {guild.id: guild for guild in bot.guilds}
    if not guilds:
        return 0
    months = {guild_id: (await bot.guild_configs.get(guild_id)).cycle_months for guild_id in guilds}
    done = 0
    for found in await bot.ending.due_prompts(months, now):
        async with pair_lock(found.pair.id):  # a click on Continue cannot slip in between
            due = await bot.ending.still_due(found, now)
            if due is not None:
                done += await post_prompt(bot, guilds[due.pair.guild_id], due)
    return done


def cycle_check(bot: Binome) -> Callable[[datetime], Awaitable[None]]:
    """The scheduler's check (`bot.scheduler.add_check`)."""

    async def check(now: datetime) -> None:
        await run_cycle_checks(bot, now)

    return check


class CycleButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=CYCLE_PATTERN):
    """Continue / Adjust the charter / End on a cycle check-in; persistent."""

    def __init__(self, pair_id: int, cycle: int, stage: Stage, action: str, **button: object) -> None:
        custom_id = CYCLE_ID.format(pair_id=pair_id, cycle=cycle, stage=stage.value, action=action)
        super().__init__(discord.ui.Button(custom_id=custom_id, **button))  # type: ignore[arg-type]
        self.pair_id, self.cycle, self.stage, self.action = pair_id, cycle, stage, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CycleButton:
        return cls(int(match["pair_id"]), int(match["cycle"]), Stage(match["stage"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        if self.action == "charter":
            await charter.open_charter(interaction, await pair_by_id(interaction, self.pair_id))
        elif self.action == "end":
            await propose_end(interaction, await pair_by_id(interaction, self.pair_id, moderators_too=True))
        else:
            await self._continue(interaction)

    async def _continue(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        guild = interaction.guild
        assert guild is not None
        pair = await pair_by_id(interaction, self.pair_id, moderators_too=True)
        months = max(1, (await bot.guild_configs.get(guild.id)).cycle_months)
        async with pair_lock(pair.id):
            outcome = await bot.ending.continue_cycle(pair.id, self.stage, self.cycle, months)
            start = await bot.ending.current_cycle(pair.id)
        if outcome is Continuation.NOT_ACTIVE:
            raise UserError("pair.errors.pair_not_active")
        if outcome is Continuation.STALE or start is None:
            raise UserError("ending.cycle.stale")
        locale = bot.server_locale(guild)
        end = _date(cycle_moments(start, months).end)
        key = "ending.cycle.new_cycle" if outcome is Continuation.NEW_CYCLE else "ending.cycle.continue_mid"
        text = t(key, locale, member=mention(interaction.user.id), months=months, end=end)
        await interaction.response.send_message(text)
