"""Ending a pair by agreement: `/pair end` posts a proposal with persistent Confirm / Withdraw
buttons; the partner (or a moderator) confirms; the channel is closed per the server's setting;
each member is then asked, privately, for a 1–5 rating (five buttons) and an optional comment (a
form) that only moderators read.

Custom ids: `binome:end:<pair_id>:confirm|withdraw|rate` and `binome:rate:<pair_id>:1..5|comment`.
Everything is read from the database on each click, so the buttons keep working after a restart and
a stale click gets a clear answer. What is posted in the channel or sent by DM is in the pair's
language, and keeps it when edited, whoever clicks.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from typing import TYPE_CHECKING

import discord

from bot.client.checks import is_moderator
from bot.client.interactions import UserError, binome, locale_of, mention, mention_all, pings, reply, tr
from bot.client.ui import GuardedItem, OwnedModal, temporary_id
from bot.db.models import Pair, PairFeedback
from bot.db.repositories.pairs import ENDED
from bot.i18n import t
from bot.services.ending import (
    MAX_COMMENT,
    MAX_RATING,
    MIN_RATING,
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

DECISION_ERRORS = {
    Decision.NOT_ACTIVE: "pair.errors.pair_not_active",
    Decision.ALREADY_ENDED: "ending.errors.already_ended",
    Decision.NO_PROPOSAL: "ending.errors.no_proposal",
    Decision.OWN_PROPOSAL: "ending.errors.own_proposal",
    Decision.NOT_PROPOSER: "ending.errors.not_proposer",
}
RATE_ID = "binome:rate:{pair_id}:{choice}"
RATE_PATTERN = r"binome:rate:(?P<pair_id>\d+):(?P<choice>[1-5]|comment)"
FEEDBACK_ERRORS = {
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
    locale = bot.pair_locale(guild, pair)
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
        locale = bot.pair_locale(guild, pair)
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
    pair = await _pair_for_click(interaction, pair_id)
    moderator = await is_moderator(interaction)
    async with pair_lock(bot, pair_id):
        _raise_unless_ok(await bot.ending.withdraw(pair_id, interaction.user.id, moderator=moderator))
    text = t("ending.withdraw.done", bot.pair_locale(guild, pair), member=mention(interaction.user.id))
    await interaction.response.edit_message(content=text, view=None)


# --- feedback once the pair ended ------------------------------------------------------------


def feedback_view(pair_id: int, locale: str) -> discord.ui.View:
    """The channel's (public) way in: one button that opens the rating privately for whoever clicks."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        EndButton(pair_id, "rate", label=t("ending.rate.button", locale), style=discord.ButtonStyle.primary, emoji="📝")
    )
    return view


def rating_view(pair_id: int, locale: str, chosen: int | None = None) -> discord.ui.View:
    """Five buttons, 1 to 5 (the one chosen highlighted), then, once rated, "add a comment"."""
    view = discord.ui.View(timeout=None)
    for rating in range(MIN_RATING, MAX_RATING + 1):
        view.add_item(
            RatingButton(
                pair_id,
                str(rating),
                label=t("ending.rate.button_rating", locale, rating=rating),
                style=discord.ButtonStyle.success if rating == chosen else discord.ButtonStyle.secondary,
                row=0,
            )
        )
    if chosen is not None:
        view.add_item(
            RatingButton(pair_id, "comment", label=t("ending.rate.button_comment", locale), emoji="💬", row=1)
        )
    return view


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (MAX_RATING - rating)


async def ask_for_feedback(bot: Binome, guild: discord.Guild, pair: Pair) -> None:
    """Ask each member for a rating, in the pair's language: by DM, with the rating buttons (private,
    and it works whatever happened to the channel); when their DMs are closed, in the pair's archived
    channel, with one button that opens the rating privately (the partner sees the question, never the
    answer)."""
    locale = bot.pair_locale(guild, pair)
    for member_id in [m for m in pair.members() if m]:
        partner = guild.get_member(pair.partner_of(member_id) or 0)
        partner_name = partner.display_name if partner else t("ending.rate.former_partner", locale)
        member = guild.get_member(member_id)
        if member is not None:
            try:
                await member.send(
                    t("ending.rate.dm", locale, guild=guild.name, partner=partner_name),
                    view=rating_view(pair.id, locale),
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


async def _pair_to_rate(interaction: discord.Interaction, pair_id: int) -> Pair:
    pair = await binome(interaction).pairs.get(pair_id)
    if pair is None:
        raise UserError("ending.rate.unknown_pair")
    if interaction.user.id not in pair.members():
        raise UserError("pair.errors.not_in_this_pair")  # moderators read feedback; they do not give it
    if pair.status != ENDED:
        raise UserError("ending.rate.not_ended")
    return pair


def rating_locale(bot: Binome, interaction: discord.Interaction, pair: Pair) -> str:
    """The DM asking for a rating is in the pair's language, and so is all it becomes; in the server (a
    private reply to the channel's button) it is the clicking member's."""
    guild = bot.get_guild(pair.guild_id) if interaction.guild_id is None else None
    return bot.pair_locale(guild, pair) if guild is not None else locale_of(interaction)


async def open_rating(interaction: discord.Interaction, pair_id: int) -> None:
    """ "Rate this pair" (in the archived channel, or on a DM from before the buttons): the rating
    buttons, privately."""
    bot = binome(interaction)
    pair = await _pair_to_rate(interaction, pair_id)
    locale = rating_locale(bot, interaction, pair)
    earlier = await bot.ending.feedback_of(pair_id, interaction.user.id)
    chosen = earlier.rating if earlier else None
    await reply(interaction, t("ending.rate.choose", locale), view=rating_view(pair.id, locale, chosen))


class RatingButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=RATE_PATTERN):
    """1 to 5, and "add a comment" once rated; persistent (a DM may be answered days later)."""

    def __init__(self, pair_id: int, choice: str, **button: object) -> None:
        super().__init__(
            discord.ui.Button(custom_id=RATE_ID.format(pair_id=pair_id, choice=choice), **button)  # type: ignore[arg-type]
        )
        self.pair_id, self.choice = pair_id, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RatingButton:
        return cls(int(match["pair_id"]), match["choice"])

    async def run(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        pair = await _pair_to_rate(interaction, self.pair_id)
        locale = rating_locale(bot, interaction, pair)
        earlier = await bot.ending.feedback_of(pair.id, interaction.user.id)
        if self.choice == "comment":
            if earlier is None:
                raise UserError("ending.rate.choose_first")
            await interaction.response.send_modal(CommentModal(pair, locale, earlier))
            return
        rating = int(self.choice)
        outcome = await bot.ending.record_feedback(
            pair.id, interaction.user.id, rating, earlier.comment if earlier else ""
        )
        if outcome not in (Feedback.CREATED, Feedback.UPDATED):
            raise UserError(FEEDBACK_ERRORS[outcome])
        text = t("ending.rate.rated", locale, rating=rating, stars=stars(rating))
        await interaction.response.edit_message(content=text, view=rating_view(pair.id, locale, rating))
        if earlier is None or earlier.rating != rating:
            comment = earlier.comment if earlier else ""
            await tell_moderators_feedback(bot, pair.id, interaction.user.id, rating, comment, outcome)


class CommentModal(OwnedModal):
    """The optional comment, after a rating (only moderators read it)."""

    def __init__(self, pair: Pair, locale: str, earlier: PairFeedback) -> None:
        super().__init__(
            title=t("ending.rate.modal_title", locale),
            # Unique per open form: discord.py keys open modals by custom id.
            custom_id=temporary_id(f"rate:{pair.id}:{secrets.token_hex(4)}"),
            timeout=900,
        )
        self.pair_id, self.locale = pair.id, locale
        self.comment = discord.ui.TextInput(
            label=t("ending.rate.field_comment", locale),
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_COMMENT,
            placeholder=t("ending.rate.placeholder_comment", locale),
            default=earlier.comment or None,
        )
        self.add_item(self.comment)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = binome(interaction)
        earlier = await bot.ending.feedback_of(self.pair_id, interaction.user.id)
        if earlier is None:
            raise UserError("ending.rate.choose_first")
        checked = check_feedback(str(earlier.rating), self.comment.value)
        if checked.problem is not None:
            raise UserError(FEEDBACK_ERRORS[checked.problem], length=len(checked.comment), limit=MAX_COMMENT)
        if checked.comment == earlier.comment:
            await reply(interaction, t("ending.rate.comment_unchanged", self.locale))
            return
        outcome = await bot.ending.record_feedback(self.pair_id, interaction.user.id, earlier.rating, checked.comment)
        if outcome not in (Feedback.CREATED, Feedback.UPDATED):
            raise UserError(FEEDBACK_ERRORS[outcome])
        await reply(interaction, t("ending.rate.comment_saved", self.locale))
        await tell_moderators_feedback(bot, self.pair_id, interaction.user.id, earlier.rating, checked.comment, outcome)


async def tell_moderators_feedback(
    bot: Binome, pair_id: int, user_id: int, rating: int, comment: str, outcome: Feedback
) -> None:
    pair = await bot.pairs.get(pair_id)
    guild = bot.get_guild(pair.guild_id) if pair else None
    if pair is None or guild is None:
        log.warning("feedback on pair %s recorded, but its server is gone: moderators not told", pair_id)
        return
    locale = bot.moderators_locale(guild)
    key = "ending.rate.moderators" if outcome is Feedback.CREATED else "ending.rate.moderators_updated"
    await pair_channels(bot).tell_moderators(
        guild,
        key,
        pair=pair,
        subject_id=user_id,
        rating=rating,
        stars=stars(rating),
        comment=comment or t("ending.rate.no_comment", locale),
    )
