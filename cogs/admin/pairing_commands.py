"""The pairing part of `/mentoring-admin`: match, pair, unpair (the commands live in the Admin cog)."""

from __future__ import annotations

import discord

from bot.client.interactions import UserError, binome, locale_of, reply, tr
from bot.client.moderators import record_action
from bot.client.ui import ConfirmView
from bot.i18n import t
from bot.services.audit import Action
from cogs.admin.preflight import channel_problem
from cogs.admin.rounds_view import render_preview
from cogs.pair_channels import pair_channels


async def run_match(interaction: discord.Interaction) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    # Private: the preview shows everyone's skills and why some are left out. Its buttons stay
    # usable by this moderator, and Confirm still works once across moderators (rounds_view).
    await interaction.response.defer(ephemeral=True, thinking=True)  # matching a large server takes a moment
    present = {member.id for member in guild.members if not member.bot}
    round_ = await bot.rounds.preview(guild.id, interaction.user.id, present)
    await interaction.edit_original_response(**await render_preview(interaction, round_, 0))
    proposal = round_.proposal
    await record_action(
        interaction,
        Action.ROUND_PREVIEWED,
        round=round_.id,
        pairs=len(proposal["pairs"]),
        unmatched=len(proposal["unmatched"]),
    )


def _human(member: discord.Member | discord.User) -> None:
    if member.bot:
        raise UserError("admin.pair.bot")


async def run_pair(interaction: discord.Interaction, first: discord.Member, second: discord.Member) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    _human(first)
    _human(second)
    check = await bot.rounds.check_manual(guild.id, first.id, second.id)
    if check.blocker is not None:
        raise UserError(f"admin.pair.{check.blocker}")
    problem = channel_problem(guild, await bot.guild_configs.get(guild.id), 1)
    if problem is not None:
        raise UserError(problem[0], **problem[1])

    async def create(confirmation: discord.Interaction) -> str:
        pair = await bot.rounds.create_manual(
            guild.id, first.id, second.id, program_locale=bot.moderators_locale(guild)
        )
        if pair is None:
            return tr(confirmation, "admin.pair.changed_meanwhile")
        report = await pair_channels(bot).launcher.launch(guild, [pair.id])
        await record_action(confirmation, Action.MANUAL_PAIR, targets=(first.id, second.id), pair=pair.id)
        key = "admin.pair.done" if report.launched else "admin.pair.failed"
        return tr(confirmation, key, a=first.mention, b=second.mention)

    locale = locale_of(interaction)
    warnings = [t(f"admin.pair.warning_{issue.value}", locale) for issue in check.warnings]
    warnings += [t(f"admin.pair.warning_{note}", locale) for note in check.notes]
    if not warnings:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content=await create(interaction))
        return
    text = "\n".join([t("admin.pair.warning_header", locale, a=first.mention, b=second.mention), *warnings])
    view = ConfirmView(interaction.user.id, locale, create)
    await reply(interaction, text, view=view)  # ephemeral: a moderator's screen
    view.message = await interaction.original_response()


async def run_unpair(interaction: discord.Interaction, member: discord.Member | discord.User) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    pair = await bot.pairs.open_pair_of(guild.id, member.id)
    if pair is None:
        raise UserError("admin.unpair.not_paired", member=member.mention)
    config = await bot.guild_configs.get(guild.id)
    members = " & ".join(f"<@{m}>" for m in pair.members() if m)

    async def end(confirmation: discord.Interaction) -> str:
        current = await bot.pairs.get(pair.id)
        if current is None or current.status == "ended":
            return tr(confirmation, "admin.unpair.already_ended")
        await pair_channels(bot).end_pair(guild, current, "unpaired")
        await record_action(confirmation, Action.UNPAIR, targets=(member.id,), pair=pair.id)
        return tr(confirmation, "admin.unpair.done", members=members)

    locale = locale_of(interaction)
    text = t(
        "admin.unpair.confirm", locale, members=members, channel=t(f"admin.setup.mode_{config.archive_mode}", locale)
    )
    view = ConfirmView(interaction.user.id, locale, end, danger=True)
    await reply(interaction, text, view=view)  # ephemeral: a moderator's screen
    view.message = await interaction.original_response()
