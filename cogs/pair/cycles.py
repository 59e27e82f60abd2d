"""Cycle check-ins: at mid-cycle and at the end of the cycle the pair is asked, in its channel,
whether to continue, adjust its charter, or end.

The scheduled check finds what is due from the database. Each prompt is claimed (`prompt_key`, see
`bot.services.claims`), so two runs (two processes) never both post it; it is posted, recorded, and its
claim closed. If the bot stops in between, the next check finds the prompt already in the channel (its
buttons name the pair, the cycle and the stage) and records it instead of posting it again. So a crash,
a restart or a second process neither duplicates a prompt nor skips one; a prompt Discord refused is
retried after its claim's backoff.

Custom ids: `binome:cycle:<pair_id>:<cycle>:<mid|end>:<continue|charter|end>`, where `<cycle>` names
the cycle (its start), so a button of an earlier cycle is recognised as such.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, mention, pings
from bot.client.once import post_once, with_custom_id
from bot.client.ui import GuardedItem
from bot.domain.cycles import Stage, cycle_key, cycle_moments
from bot.domain.progress import ProgressStage
from bot.i18n import t
from bot.i18n.dates import discord_timestamp
from bot.services.claims import Claim, ClaimRun, Refused
from bot.services.ending import Continuation, DuePrompt
from cogs.pair import charter
from cogs.pair.context import pair_by_id
from cogs.pair.ending_flow import pair_lock, propose_end
from cogs.pair_channels.channels import pair_channel
from cogs.progress.buttons import progress_buttons

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

CYCLE_ID = "binome:cycle:{pair_id}:{cycle}:{stage}:{action}"
CYCLE_PATTERN = r"binome:cycle:(?P<pair_id>\d+):(?P<cycle>\d+):(?P<stage>mid|end):(?P<action>continue|charter|end)"


def _date(moment: datetime) -> str:
    """A cycle's start or end, shown by each reader's client in their own zone and language."""
    return discord_timestamp(moment, "D")


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
    # Both rate their progress again, and say who led most (issue 11).
    for button in progress_buttons(pair.id, key, ProgressStage(due.stage.value), locale):
        view.add_item(button)
    return content, view


def prompt_key(due: DuePrompt) -> str:
    """The exactly-once key of one check-in (see `bot.services.claims`)."""
    return f"cycle:{due.pair.id}:{cycle_key(due.start)}:{due.stage.value}"


async def post_prompt(bot: Binome, run: ClaimRun, claim: Claim, guild: discord.Guild, due: DuePrompt) -> bool:
    """Post the claimed check-in (unless an interrupted earlier attempt did) and record it. False: retried
    later (after the claim's backoff when Discord failed)."""
    pair = due.pair
    channel = pair_channel(guild, pair)
    if channel is None:
        await run.release(claim)  # being recreated by the pair-channel cog; the check-in waits for it
        return False
    content, view = prompt_message(due, bot.pair_locale(guild, pair))
    prefix = CYCLE_ID.format(pair_id=pair.id, cycle=cycle_key(due.start), stage=due.stage.value, action="")

    async def record(_: discord.Message) -> None:
        await bot.ending.record_prompt(pair.id, due.stage, due.start)

    posted = await post_once(
        run,
        claim,
        channel,
        lambda nonce: channel.send(content, view=view, allowed_mentions=pings(*pair.members()), nonce=nonce),
        matches=with_custom_id(prefix),
        record=record,
        # Always: prompts are rare, and one posted by a version without claims may be in the channel.
        look_first=True,
    )
    if posted is not None and posted.found:
        log.info("the %s-cycle check-in of pair %s was already posted; recorded it", due.stage.value, pair.id)
    elif posted is not None:
        log.info("posted and recorded the %s-cycle check-in of pair %s", due.stage.value, pair.id)
    return posted is not None


async def run_cycle_checks(bot: Binome, now: datetime) -> int:
    """Post every due check-in, in every server the bot is in. Returns how many were posted or recorded."""
    guilds = {guild.id: guild for guild in bot.guilds}
    if not guilds:
        return 0
    months = {guild_id: (await bot.guild_configs.get(guild_id)).cycle_months for guild_id in guilds}
    found = await bot.ending.due_prompts(months, now)
    if not found:
        return 0
    done = 0
    async with bot.claims.run("cycles") as run:
        for candidate in found:
            async with pair_lock(bot, candidate.pair.id):  # a click on Continue waits for the post
                due = await bot.ending.still_due(candidate, now)
                if due is None:
                    continue
                claim = await run.acquire(due.pair.guild_id, prompt_key(due))
                if claim is Refused.DONE:  # posted by a run that died before recording it
                    await bot.ending.record_prompt(due.pair.id, due.stage, due.start)
                if not isinstance(claim, Refused):
                    done += await post_prompt(bot, run, claim, guilds[due.pair.guild_id], due)
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
        async with pair_lock(bot, pair.id):
            outcome = await bot.ending.continue_cycle(pair.id, self.stage, self.cycle, months)
            start = await bot.ending.current_cycle(pair.id)
        if outcome is Continuation.NOT_ACTIVE:
            raise UserError("pair.errors.pair_not_active")
        if outcome is Continuation.STALE or start is None:
            raise UserError("ending.cycle.stale")
        locale = bot.pair_locale(guild, pair)
        end = _date(cycle_moments(start, months).end)
        key = "ending.cycle.new_cycle" if outcome is Continuation.NEW_CYCLE else "ending.cycle.continue_mid"
        text = t(key, locale, member=mention(interaction.user.id), months=months, end=end)
        await interaction.response.send_message(text)
