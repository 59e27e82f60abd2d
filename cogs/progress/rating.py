"""Rating where one stands: the form (one 1–5 field per personal objective and one for the shared goal),
"who led most?" at mid and end of cycle, and the pair's progress card — posted once in the pair's
channel when both members rated a stage (claim `progress:<pair>:<cycle>:<stage>`), shown to either of
them at any time with "Our progress". Moderators never see one pair's ratings: only aggregates."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, locale_of, reply, reply_key, tr
from bot.client.once import post_once
from bot.client.ui import OwnedModal, temporary_id
from bot.db.models import Pair
from bot.domain.progress import MAX_RATING, MIN_RATING, STAGES, LedMost, ProgressStage
from bot.i18n import t
from bot.services.claims import Refused
from bot.services.progress import BadRating, NotRatable
from cogs.pair.charter import names_in
from cogs.pair.context import pair_by_id
from cogs.pair_channels.channels import pair_channel
from cogs.progress.buttons import led_view
from cogs.progress.render import member_lines, progress_embed

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

MAX_INPUT_LABEL = 45  # Discord's limit for a form field's label
MODAL_TIMEOUT = 1800


def card_key(pair_id: int, cycle: int, stage: ProgressStage) -> str:
    return f"progress:{pair_id}:{cycle}:{stage.value}"


def _label(text: str) -> str:
    return text if len(text) <= MAX_INPUT_LABEL else text[: MAX_INPUT_LABEL - 1] + "…"


class RatingModal(OwnedModal):
    def __init__(self, pair: Pair, cycle: int, stage: ProgressStage, items: list[str], locale: str) -> None:
        super().__init__(
            title=t(f"progress.modal.title_{stage.value}", locale),
            custom_id=temporary_id(f"progress:{pair.id}:{stage.value}:{secrets.token_hex(4)}"),
            timeout=MODAL_TIMEOUT,
        )
        self.pair, self.cycle, self.stage = pair, cycle, stage
        self.items = items or [""]  # no objectives written: they are rated as one
        self.inputs: list[discord.ui.TextInput] = []
        placeholder = t("progress.modal.placeholder", locale, low=MIN_RATING, high=MAX_RATING)
        for number, item in enumerate(self.items, start=1):
            label = (
                t("progress.modal.objective", locale, number=number, text=item)
                if item
                else t("progress.modal.objectives", locale)
            )
            self.inputs.append(self._field(f"objective-{number}", _label(label), placeholder))
        self.goal = self._field("goal", _label(t("progress.modal.goal", locale)), placeholder)

    def _field(self, custom_id: str, label: str, placeholder: str) -> discord.ui.TextInput:
        field = discord.ui.TextInput(
            label=label, custom_id=custom_id, placeholder=placeholder, min_length=1, max_length=2
        )
        self.add_item(field)
        return field

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id in self.pair.members():
            return True
        await reply_key(interaction, "pair.errors.not_in_this_pair")
        return False

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = binome(interaction)
        try:
            saved = await bot.community.progress.save(
                self.pair.id,
                interaction.user.id,
                self.cycle,
                self.stage,
                [item for item in self.items],
                [field.value for field in self.inputs],
                self.goal.value,
            )
        except NotRatable as refused:
            raise UserError(f"progress.errors.{refused.reason}") from refused
        if isinstance(saved, list):
            await reply(interaction, bad_ratings_text(saved, self.items, locale_of(interaction)))
            return
        locale = locale_of(interaction)
        mine = (await bot.community.progress.of_pair(self.pair.id, self.cycle)).get(interaction.user.id, {})
        stages = [stage for stage in STAGES if stage in mine]
        header = tr(
            interaction,
            "progress.card.intro",
            stages=" → ".join(tr(interaction, f"progress.stages.{s.value}") for s in stages),
        )
        text = "\n".join([tr(interaction, "progress.saved"), header, *member_lines(mine, stages, locale)])
        if self.stage is ProgressStage.START:
            await reply(interaction, text)
        else:  # the check-in also asks whether the roles really alternated
            text += "\n\n" + tr(interaction, "progress.led.question")
            await reply(interaction, text, view=led_view(self.pair.id, self.cycle, self.stage, locale))
        if saved.both_rated:
            guild = interaction.guild
            assert guild is not None
            await post_card(bot, guild, self.pair, self.cycle, self.stage)


def bad_ratings_text(problems: list[BadRating], items: list[str], locale: str) -> str:
    lines = [t("progress.errors.not_saved", locale, low=MIN_RATING, high=MAX_RATING)]
    for problem in problems:
        if problem.item == 0:
            what = t("progress.modal.goal", locale)
        else:
            item = items[problem.item - 1]
            what = item or t("progress.modal.objectives", locale)
        lines.append(
            t("progress.errors.bad_value", locale, value=problem.value, item=what, low=MIN_RATING, high=MAX_RATING)
        )
    return "\n".join(lines)


async def open_form(interaction: discord.Interaction, pair_id: int, cycle: int, stage: ProgressStage) -> None:
    pair = await pair_by_id(interaction, pair_id)  # the two members of an active pair only
    try:
        items = await binome(interaction).community.progress.items(pair.id, interaction.user.id, cycle)
    except NotRatable as refused:
        raise UserError(f"progress.errors.{refused.reason}") from refused
    await interaction.response.send_modal(RatingModal(pair, cycle, stage, items, locale_of(interaction)))


async def show(interaction: discord.Interaction, pair_id: int, cycle: int) -> None:
    """The pair's progress, to one of its two members (privately)."""
    pair = await pair_by_id(interaction, pair_id)
    guild = interaction.guild
    assert guild is not None
    rated = await binome(interaction).community.progress.of_pair(pair.id, cycle)
    if not rated:
        raise UserError("progress.errors.nothing_yet")
    locale = locale_of(interaction)
    await reply(interaction, embed=progress_embed(pair, rated, names_in(guild, locale), locale))


async def led_most(
    interaction: discord.Interaction, pair_id: int, cycle: int, stage: ProgressStage, answer: LedMost
) -> None:
    pair = await pair_by_id(interaction, pair_id)
    try:
        recorded = await binome(interaction).community.progress.set_led(
            pair.id, interaction.user.id, cycle, stage, answer
        )
    except NotRatable as refused:
        raise UserError(f"progress.errors.{refused.reason}") from refused
    if not recorded:
        raise UserError("progress.errors.rate_first")
    await reply_key(interaction, "progress.led.thanks")


async def unknown(interaction: discord.Interaction) -> None:
    await reply_key(interaction, "common.errors.menu_expired")


async def post_card(bot: Binome, guild: discord.Guild, pair: Pair, cycle: int, stage: ProgressStage) -> None:
    """Both rated this stage: the pair's progress, posted once in its channel (in the pair's language)."""
    channel = pair_channel(guild, pair)
    if channel is None:
        return
    rated = await bot.community.progress.of_pair(pair.id, cycle)
    locale = bot.pair_locale(guild, pair)
    embed = progress_embed(pair, rated, names_in(guild, locale), locale)
    content = t(f"progress.card.posted_{stage.value}", locale)
    async with bot.claims.run("progress") as run:
        claim = await run.acquire(pair.guild_id, card_key(pair.id, cycle, stage))
        if isinstance(claim, Refused):
            return  # posted already (both submitted at the same moment), or being posted
        await post_once(
            run,
            claim,
            channel,
            lambda nonce: channel.send(content, embed=embed, nonce=nonce),
            matches=lambda message: message.content == content and bool(message.embeds),
        )
