"""Ending a pair by agreement: `/pair end` posts a proposal with persistent Confirm / Withdraw
buttons; the partner (or a moderator) confirms; the channel is closed per the server's setting;
each member is then asked, privately, for a 1–5 rating and a comment that only moderators read.

Custom ids: `binome:end:<pair_id>:confirm|withdraw|rate`. Everything is read from the database on
each click, so the buttons keep working after a restart and a stale click gets a clear answer.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from typing import TYPE_CHECKING

import discord

from bot.client.checks import is_moderator
from bot.client.interactions import UserError, binome, locale_of, mention, mention_all, pings, reply, reply_key, tr
from bot.client.ui import GuardedItem, OwnedModal, temporary_id
from bot.db.models import Pair, PairFeedback
from bot.db.repositories.pairs import ENDED
from bot.i18n import t
from bot.services.ending import (
    MAX_COMMENT,
    Decision,
    Feedback,
    FeedbackProblem,
    Proposal,
    check_feedback,
)
from cogs.pair.context import ensure_member
from cogs.pair_channels import pair_channels
from cogs.pair_channels.channels import pair_channel

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

ENDED_BY_PAIR = "ended_by_pair"  # the reason recorded on the pair; `pairs.ended.moderators_ended_by_pair`
END_ID = "binome:end:{pair_id}:{action}"
END_PATTERN = r"binome:end:(?P<pair_id>\d+):(?P<action>confirm|withdraw|rate)"
RATING_INPUT_LENGTH = 3  # room for "10" or " 4 ": an out-of-range number gets its own answer

DECISION_ERRORS = {
    Decision.NOT_ACTIVE: "pair.errors.pair_not_active",
    Decision.ALREADY_ENDED: "ending.errors.already_ended",
    Decision.NO_PROPOSAL: "ending.errors.no_proposal",
    Decision.OWN_PROPOSAL: "ending.errors.own_proposal",
    Decision.NOT_PROPOSER: "ending.errors.not_proposer",
}
FEEDBACK_ERRORS = {
    FeedbackProblem.NOT_A_NUMBER: "ending.rate.not_a_number",
    FeedbackProblem.OUT_OF_RANGE: "ending.rate.out_of_range",
    FeedbackProblem.COMMENT_TOO_LONG: "ending.rate.comment_too_long",
    Feedback.UNKNOWN_PAIR: "ending.rate.unknown_pair",
    Feedback.NOT_IN_PAIR: "pair.errors.not_in_this_pair",
    Feedback.NOT_ENDED: "ending.rate.not_ended",
}


# Clicks that change one pair's state are serialised per pair, in every process sharing the database
# (`bot.locks`: a double click gets a clear answer); what makes ending and asking for feedback happen
# once is the database itself: `PairService.end` ends an open pair once, and only that call's click
# asks for feedback.
def pair_lock(bot: Binome, pair_id: int) -> contextlib.AbstractAsyncContextManager[None]:
    return bot.locks.hold("pair", pair_id)


# --- the proposal ----------------------------------------------------------------------------


def proposal_view(pair_id: int, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        EndButton(
            pair_id, "confirm", label=t("ending.propose.button_confirm", locale), style=discord.ButtonStyle.danger
        )
    )
    view.add_item(EndButton(pair_id, "withdraw", label=t("ending.propose.button_withdraw", locale)))
    return view


async def propose_end(interaction: discord.Interaction, pair: Pair) -> None:
    """`/pair end` (and End on a cycle check-in): record the proposal and post it in the channel.

    The proposal is recorded first (atomically: a second one is refused), then posted. Should the post
    be lost, proposing again answers "already proposed" with the same buttons, so it never gets stuck.
    """
    bot = binome(interaction)
    user_id = interaction.user.id
    outcome = await bot.ending.propose(pair.id, user_id)
    if outcome.status is Proposal.NOT_ACTIVE:
        raise UserError("pair.errors.pair_not_active")
    if outcome.status is Proposal.ALREADY_PROPOSED:
        await reply(
            interaction,
            tr(interaction, "ending.propose.already", proposer=mention(outcome.proposer)),
            view=proposal_view(pair.id, locale_of(interaction)),
        )
        return
    guild = interaction.guild
    assert guild is not None
    locale = bot.server_locale(guild)
    if user_id in pair.members():
        partner = pair.partner_of(user_id)
        text = t("ending.propose.posted", locale, proposer=mention(user_id), partner=mention(partner))
        notify = pings(partner)
    else:
        text = t(
            "ending.propose.posted_by_moderator", locale, proposer=mention(user_id), members=mention_all(pair.members())
        )
        notify = pings(*pair.members())
    await interaction.response.send_message(text, view=proposal_view(pair.id, locale), allowed_mentions=notify)


class EndButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=END_PATTERN):
    """Confirm / Withdraw on a proposal, and "Rate this pair" once it ended; persistent."""

    def __init__(self, pair_id: int, action: str, **button: object) -> None:
        super().__init__(
            discord.ui.Button(custom_id=END_ID.format(pair_id=pair_id, action=action), **button)  # type: ignore[arg-type]
        )
        self.pair_id, self.action = pair_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> EndButton:
        return cls(int(match["pair_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        if self.action == "rate":
            await open_rating(interaction, self.pair_id)
        elif self.action == "confirm":
            await confirm_end(interaction, self.pair_id)
        else:
            await withdraw_end(interaction, self.pair_id)


async def _pair_for_click(interaction: discord.Interaction, pair_id: int) -> Pair:
    pair = await binome(interaction).pairs.get(pair_id)
    if pair is None or pair.guild_id != interaction.guild_id:
        raise UserError("pair.errors.not_a_pair_channel")
    await ensure_member(interaction, pair, moderators_too=True)
    return pair


def _raise_unless_ok(decision: Decision) -> None:
    if decision is not Decision.OK:
        raise UserError(DECISION_ERRORS[decision])


async def confirm_end(interaction: discord.Interaction, pair_id: int) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    pair = await _pair_for_click(interaction, pair_id)
    moderator = await is_moderator(interaction)
    async with pair_lock(bot, pair_id):
        _raise_unless_ok(await bot.ending.may_confirm(pair_id, interaction.user.id, moderator=moderator))
        pair = await bot.pairs.get(pair_id) or pair
        locale = bot.server_locale(guild)
        text = t(
            "ending.confirm.done",
            locale,
            confirmer=mention(interaction.user.id),
            proposer=mention(pair.end_proposed_by),
        )
        # Answer on the proposal first: with the "delete" setting the channel is gone afterwards.
        await interaction.response.edit_message(content=text, view=None)
        # Only the click that ended the pair asks for feedback (the database decides it: see pair_lock).
        ended_now = await pair_channels(bot).end_pair(guild, pair, ENDED_BY_PAIR)
        ended = await bot.pairs.get(pair_id)
    if ended_now and ended is not None:
        await ask_for_feedback(bot, guild, ended)


async def withdraw_end(interaction: discord.Interaction, pair_id: int) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    await _pair_for_click(interaction, pair_id)
    moderator = await is_moderator(interaction)
    async with pair_lock(bot, pair_id):
        _raise_unless_ok(await bot.ending.withdraw(pair_id, interaction.user.id, moderator=moderator))
    text = t("ending.withdraw.done", bot.server_locale(guild), member=mention(interaction.user.id))
    await interaction.response.edit_message(content=text, view=None)


# --- feedback once the pair ended ------------------------------------------------------------


def feedback_view(pair_id: int, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        EndButton(pair_id, "rate", label=t("ending.rate.button", locale), style=discord.ButtonStyle.primary, emoji="📝")
    )
    return view


async def ask_for_feedback(bot: Binome, guild: discord.Guild, pair: Pair) -> None:
    """Ask each member for a rating: by DM (private, and it works whatever happened to the channel);
    when their DMs are closed, in the pair's archived channel (still readable, buttons still work;
    the answer goes through a form, so the partner sees the question, never the answer)."""
    locale = bot.server_locale(guild)
    for member_id in [m for m in pair.members() if m]:
        partner = guild.get_member(pair.partner_of(member_id) or 0)
        partner_name = partner.display_name if partner else t("ending.rate.former_partner", locale)
        member = guild.get_member(member_id)
        if member is not None:
            try:
                await member.send(
                    t("ending.rate.dm", locale, guild=guild.name, partner=partner_name),
                    view=feedback_view(pair.id, locale),
                )
                continue
            except discord.HTTPException as exc:
                log.info("could not DM %s for feedback on pair %s: %s", member_id, pair.id, exc)
        channel = pair_channel(guild, pair)
        if channel is not None:
            try:
                await channel.send(
                    t("ending.rate.in_channel", locale, member=mention(member_id)),
                    view=feedback_view(pair.id, locale),
                    allowed_mentions=pings(member_id),
                )
                continue
            except discord.HTTPException as exc:
                log.info("could not ask %s for feedback in the channel of pair %s: %s", member_id, pair.id, exc)
        log.info("member %s of pair %s could not be asked for feedback (DMs closed, no channel)", member_id, pair.id)


async def open_rating(interaction: discord.Interaction, pair_id: int) -> None:
    bot = binome(interaction)
    pair = await bot.pairs.get(pair_id)
    if pair is None:
        raise UserError("ending.rate.unknown_pair")
    if interaction.user.id not in pair.members():
        raise UserError("pair.errors.not_in_this_pair")  # moderators read feedback; they do not give it
    if pair.status != ENDED:
        raise UserError("ending.rate.not_ended")
    earlier = await bot.ending.feedback_of(pair_id, interaction.user.id)
    await interaction.response.send_modal(RatingModal(pair, locale_of(interaction), earlier))


class RatingModal(OwnedModal):
    def __init__(self, pair: Pair, locale: str, earlier: PairFeedback | None) -> None:
        super().__init__(
            title=t("ending.rate.modal_title", locale),
            # Unique per open form: discord.py keys open modals by custom id.
            custom_id=temporary_id(f"rate:{pair.id}:{secrets.token_hex(4)}"),
            timeout=900,
        )
        self.pair_id = pair.id
        self.rating = discord.ui.TextInput(
            label=t("ending.rate.field_rating", locale),
            custom_id="rating",
            min_length=1,
            max_length=RATING_INPUT_LENGTH,
            placeholder="1-5",
            default=str(earlier.rating) if earlier else None,
        )
        self.comment = discord.ui.TextInput(
            label=t("ending.rate.field_comment", locale),
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_COMMENT,
            placeholder=t("ending.rate.placeholder_comment", locale),
            default=earlier.comment if earlier and earlier.comment else None,
        )
        self.add_item(self.rating)
        self.add_item(self.comment)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        checked = check_feedback(self.rating.value, self.comment.value)
        if checked.problem is not None:
            raise UserError(
                FEEDBACK_ERRORS[checked.problem],
                value=self.rating.value.strip(),
                length=len(checked.comment),
                limit=MAX_COMMENT,
            )
        assert checked.rating is not None
        outcome = await bot.ending.record_feedback(self.pair_id, interaction.user.id, checked.rating, checked.comment)
        if outcome not in (Feedback.CREATED, Feedback.UPDATED):
            raise UserError(FEEDBACK_ERRORS[outcome])
        key = "ending.rate.saved" if outcome is Feedback.CREATED else "ending.rate.updated"
        await reply_key(interaction, key, rating=checked.rating)
        await tell_moderators_feedback(bot, self.pair_id, interaction.user.id, checked.rating, checked.comment, outcome)


async def tell_moderators_feedback(
    bot: Binome, pair_id: int, user_id: int, rating: int, comment: str, outcome: Feedback
) -> None:
    pair = await bot.pairs.get(pair_id)
    guild = bot.get_guild(pair.guild_id) if pair else None
    if pair is None or guild is None:
        log.warning("feedback on pair %s recorded, but its server is gone: moderators not told", pair_id)
        return
    locale = bot.server_locale(guild)
    key = "ending.rate.moderators" if outcome is Feedback.CREATED else "ending.rate.moderators_updated"
    await pair_channels(bot).tell_moderators(
        guild,
        key,
        pair=pair,
        subject_id=user_id,
        rating=rating,
        stars="★" * rating + "☆" * (5 - rating),
        comment=comment or t("ending.rate.no_comment", locale),
    )
