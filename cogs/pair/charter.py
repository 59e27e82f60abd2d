"""`/pair charter` and `/pair goal`: the pair's charter, written together and signed by both.

`/pair charter` (and the kickoff's "Write our charter" button) posts the charter panel in the pair
channel: an embed with every part and who has signed, and persistent buttons
(`binome:charter:<pair_id>:<action>`) that open the forms — the frame, one's own objectives, the
shared goal — or sign. Only the two members may edit or sign (moderators can read the panel). The
panel is edited after each change; once both signed, the signed charter is posted and pinned.
"""

from __future__ import annotations

import contextlib
import logging
import re
from functools import partial
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import UserError, binome, locale_of, reply, reply_key, tr
from bot.client.once import post_once
from bot.client.ui import GuardedItem
from bot.db.models import Charter, Pair
from bot.domain.charter import FRAME_PARTS, MAX_NOTE, clean
from bot.domain.progress import ProgressStage
from bot.i18n import t
from bot.services.charters import Signature, is_signed
from bot.services.claims import Refused
from bot.services.progress import current_cycle
from cogs.pair.charter_modals import frame_modal, goal_modal, objectives_modal
from cogs.pair.charter_render import (
    NameOf,
    goal_embed,
    mention,
    missing_text,
    panel_embed,
    signed_embed,
    too_long_text,
)
from cogs.pair.context import pair_by_id
from cogs.pair_channels.channels import pair_channel
from cogs.progress.buttons import progress_buttons

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)

CHARTER_ID = "binome:charter:{pair_id}:{action}"
CHARTER_PATTERN = r"binome:charter:(?P<pair_id>\d+):(?P<action>frame|objectives|goal|sign)"

# One panel refresh at a time per pair (`bot.locks`, in every process sharing the database), each
# rendering what is stored when it runs: the last edit of the panel always shows the latest state, even
# when both members act at the same moment.
PANEL_LOCK = "charter-panel"


def names_in(guild: discord.Guild, locale: str) -> NameOf:
    def name_of(user_id: int | None) -> str:
        member = guild.get_member(user_id) if user_id else None
        if member is None:
            return t("charter.panel.someone", locale)
        return discord.utils.escape_markdown(member.display_name)

    return name_of


class CharterButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=CHARTER_PATTERN):
    """The panel's buttons; persistent, so they keep working after a restart."""

    def __init__(self, pair_id: int, action: str, **button: object) -> None:
        super().__init__(
            discord.ui.Button(custom_id=CHARTER_ID.format(pair_id=pair_id, action=action), **button)  # type: ignore[arg-type]
        )
        self.pair_id = pair_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CharterButton:
        return cls(int(match["pair_id"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        pair = await pair_by_id(interaction, self.pair_id)  # only the two members, of an active pair
        if self.action == "sign":
            await sign(interaction, pair)
        else:
            await open_form(interaction, pair, self.action)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = (CharterButton,)


def panel_view(pair_id: int, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action, style in (
        ("frame", discord.ButtonStyle.secondary),
        ("objectives", discord.ButtonStyle.secondary),
        ("goal", discord.ButtonStyle.secondary),
        ("sign", discord.ButtonStyle.success),
    ):
        view.add_item(CharterButton(pair_id, action, label=t(f"charter.buttons.{action}", locale), style=style))
    return view


# --- the panel and the signed charter in the pair channel ------------------------------------


async def refresh_panel(
    bot: Binome, guild: discord.Guild, pair: Pair, *, repost: bool = False
) -> discord.Message | None:
    """Show the charter as stored now in its panel. `repost`: post the panel anew (at the bottom
    of the channel) and delete the previous one. A panel deleted by hand is posted again; a pair
    that never opened its panel gets none. Returns the panel message when one was posted."""
    channel = pair_channel(guild, pair)
    if channel is None:
        return None
    service = bot.charters
    async with bot.locks.hold(PANEL_LOCK, pair.id):
        charter = await service.get(pair.id) or await service.get_or_create(pair.id)  # the latest state
        if charter.panel_message_id is None and not repost:
            return None
        locale = bot.pair_locale(guild, pair)
        embed = panel_embed(charter, pair, names_in(guild, locale), locale)
        view = panel_view(pair.id, locale)
        if charter.panel_message_id is not None and not repost:
            try:
                await channel.get_partial_message(charter.panel_message_id).edit(embed=embed, view=view)
                return None
            except discord.NotFound:
                log.info("the charter panel of pair %s was deleted; posting it again", pair.id)
        message = await channel.send(embed=embed, view=view)
        previous = await service.record_panel(pair.id, message.id)
    if previous is not None and previous != message.id:
        with contextlib.suppress(discord.HTTPException):  # already deleted: fine
            await channel.get_partial_message(previous).delete()
    return message


async def _refresh_quietly(bot: Binome, guild: discord.Guild, pair: Pair) -> None:
    """Refresh the panel after a change that is already stored: a Discord failure is only logged."""
    try:
        await refresh_panel(bot, guild, pair)
    except discord.HTTPException as exc:
        log.warning("could not refresh the charter panel of pair %s: %s", pair.id, exc)


def pin_key(charter: Charter) -> str:
    """The exactly-once key of posting and pinning one signed version of the charter."""
    return f"charter-pin:{charter.pair_id}:{charter.signed_versions}"


async def publish_signed(bot: Binome, guild: discord.Guild, pair: Pair) -> str:
    """Post the charter both signed in the pair channel and pin it (unpinning an earlier signed
    version), exactly once per signed version even when both sign, or click again, at the same moment.
    Returns the message key telling the signer how it went."""
    service = bot.charters
    charter = await service.get(pair.id)
    channel = pair_channel(guild, pair)
    if charter is None or not is_signed(charter):
        return "charter.sign.changed_meanwhile"
    if channel is None:
        return "charter.sign.not_posted"
    locale = bot.pair_locale(guild, pair)
    members = [m for m in pair.members() if m]
    embed = signed_embed(charter, pair, names_in(guild, locale), locale)
    # Each member then rates where they stand on their objectives and the shared goal (issue 11).
    view = discord.ui.View(timeout=None)
    cycle = current_cycle(pair)
    for button in progress_buttons(pair.id, cycle, ProgressStage.START, locale) if cycle is not None else ():
        view.add_item(button)
    pinned = True

    async def pin_and_record(message: discord.Message) -> None:
        nonlocal pinned
        try:
            await message.pin(reason=f"Binôme: charter of pair {pair.id}")
        except discord.HTTPException as exc:
            log.warning("could not pin the signed charter of pair %s: %s", pair.id, exc)
            pinned = False
        previous = await service.record_pinned(pair.id, message.id)
        if previous is not None and previous != message.id:
            with contextlib.suppress(discord.HTTPException):  # gone or already unpinned: fine
                await channel.get_partial_message(previous).unpin(reason=f"Binôme: charter of pair {pair.id} re-signed")

    async with bot.claims.run("charter") as run:
        claim = await run.acquire(pair.guild_id, pin_key(charter))
        if claim is Refused.DONE:
            return "charter.sign.both"
        if claim is Refused.HELD:
            return "charter.sign.publishing"  # the other signature's click is posting it right now
        if claim is Refused.WAITING:
            return "charter.sign.not_posted"  # Discord refused a moment ago
        posted = await post_once(
            run,
            claim,
            channel,
            lambda nonce: channel.send(
                t("charter.signed.posted", locale, a=mention(pair.member_a_id), b=mention(pair.member_b_id)),
                embed=embed,
                view=view,
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(id=m) for m in members]),
                nonce=nonce,
            ),
            matches=lambda message: any(e.description == embed.description for e in message.embeds),
            record=pin_and_record,
        )
    if posted is None:
        return "charter.sign.not_posted"
    return "charter.sign.both" if pinned else "charter.sign.both_not_pinned"


# --- /pair charter and the panel's buttons ---------------------------------------------------


async def open_charter(interaction: discord.Interaction, pair: Pair) -> None:
    """Post the charter panel at the bottom of the pair channel (removing the previous one)."""
    guild = interaction.guild
    if guild is None:
        raise UserError("pair.errors.not_a_pair_channel")
    await interaction.response.defer(ephemeral=True, thinking=True)
    message = await refresh_panel(binome(interaction), guild, pair, repost=True)
    if message is None:
        raise UserError("pair.errors.not_a_pair_channel")
    await reply_key(interaction, "charter.open.here", link=message.jump_url)


async def open_form(interaction: discord.Interaction, pair: Pair, action: str) -> None:
    charter = await binome(interaction).charters.get_or_create(pair.id)
    locale, user_id = locale_of(interaction), interaction.user.id
    save = partial(save_form, pair.id, action)
    if action == "frame":
        frame = {part: getattr(charter, part) for part in FRAME_PARTS}
        modal = frame_modal(pair.id, user_id, frame, locale, save)
    elif action == "objectives":
        own = charter.objectives_a if user_id == pair.member_a_id else charter.objectives_b
        modal = objectives_modal(pair.id, user_id, own, locale, save)
    else:
        modal = goal_modal(pair.id, user_id, charter.shared_goal, locale, save)
    await interaction.response.send_modal(modal)


async def save_form(pair_id: int, action: str, interaction: discord.Interaction, values: dict[str, str]) -> None:
    """A submitted charter form: store it (all or nothing), refresh the panel, tell the member."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    pair = await pair_by_id(interaction, pair_id)  # still one of the two, of a pair still active
    bot = binome(interaction)
    service = bot.charters
    if action == "frame":
        edit = await service.update_frame(pair.id, values)
    elif action == "objectives":
        edit = await service.update_objectives(pair.id, interaction.user.id, values["objectives"])
    else:
        edit = await service.update_goal(pair.id, values["shared_goal"])
    if not edit.saved:
        await reply(interaction, too_long_text(edit.too_long, pair, locale_of(interaction)))
        return
    if not edit.changed:
        await reply_key(interaction, "charter.saved.unchanged")
        return
    guild = interaction.guild
    assert guild is not None
    await _refresh_quietly(bot, guild, pair)
    text = tr(interaction, f"charter.saved.{action}")
    if edit.signatures_cleared:
        text += "\n" + tr(interaction, "charter.saved.signatures_cleared")
        await _tell_pair(
            bot,
            guild,
            pair,
            "charter.signatures_cleared",
            member=mention(interaction.user.id),
            part=t(f"charter.buttons.{action}", bot.pair_locale(guild, pair)),
        )
    await reply(interaction, text)


async def _tell_pair(bot: Binome, guild: discord.Guild, pair: Pair, key: str, **params: str) -> None:
    channel = pair_channel(guild, pair)
    if channel is None:
        return
    try:
        await channel.send(t(key, bot.pair_locale(guild, pair), **params))  # mentions shown, nobody pinged
    except discord.HTTPException as exc:
        log.warning("could not post in the channel of pair %s: %s", pair.id, exc)


async def sign(interaction: discord.Interaction, pair: Pair) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild = interaction.guild
    assert guild is not None
    bot = binome(interaction)
    outcome = await bot.charters.sign(pair.id, interaction.user.id)
    if outcome.result is Signature.ALREADY_SIGNED:
        if is_signed(outcome.charter) and outcome.charter.pinned_message_id is None:
            # Both signed but the charter never made it to the channel (Discord failed): try again.
            await reply_key(interaction, await publish_signed(bot, guild, pair))
            return
        await reply_key(interaction, "charter.sign.already")
        return
    if outcome.result is Signature.INCOMPLETE:
        await reply(interaction, missing_text(outcome.missing, pair, locale_of(interaction)))
        return
    await _refresh_quietly(bot, guild, pair)
    if outcome.result is Signature.SIGNED:
        await reply_key(interaction, "charter.sign.signed", partner=mention(pair.partner_of(interaction.user.id)))
        return
    await reply_key(interaction, await publish_signed(bot, guild, pair))


# --- /pair goal ------------------------------------------------------------------------------


async def show_or_update_goal(
    interaction: discord.Interaction, pair: Pair, progress: int | None, note: str | None
) -> None:
    """Without options: the shared goal and its progress (ephemeral). With them: record the new
    progress and/or note, tell the channel, refresh the panel. The goal's text is changed through
    the charter: it is part of what both signed."""
    bot = binome(interaction)
    service = bot.charters
    charter: Charter | None = await service.get(pair.id)
    if charter is None or not charter.shared_goal.strip():
        raise UserError("charter.goal.none")
    if progress is None and note is None:
        await reply(interaction, embed=goal_embed(charter, locale_of(interaction)))
        return
    if note is not None and len(clean(note)) > MAX_NOTE:
        raise UserError("charter.errors.note_too_long", limit=MAX_NOTE, length=len(clean(note)))
    await interaction.response.defer(thinking=True)  # the update is shown to both, in the channel
    edit = await service.set_progress(pair.id, progress, note)
    guild = interaction.guild
    assert guild is not None and edit.charter is not None
    await _refresh_quietly(bot, guild, pair)
    locale = bot.pair_locale(guild, pair)
    await reply(
        interaction,
        t("charter.goal.updated", locale, member=mention(interaction.user.id)),
        embed=goal_embed(edit.charter, locale),
        ephemeral=False,
    )
