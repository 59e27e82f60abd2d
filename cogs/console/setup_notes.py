"""What `/mentoring-admin setup` adds about the console: where trouble reports go (or why they wait),
and, once it has answered, the audit entry of the change and the posting of waiting reports."""

from __future__ import annotations

import dataclasses

import discord

from bot.client.interactions import binome, locale_of
from bot.client.moderators import deliver_waiting, moderators_channel, record_action
from bot.i18n import t
from bot.services.audit import Action
from bot.services.guild_config import GuildConfig


def changed_settings(before: GuildConfig, after: GuildConfig) -> dict[str, list]:
    old, new = dataclasses.asdict(before), dataclasses.asdict(after)
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


async def reports_note(interaction: discord.Interaction) -> str:
    """One line for the setup summary: reports go to the channel, or wait in `pairs` (and why)."""
    bot = binome(interaction)
    assert interaction.guild is not None
    locale = locale_of(interaction)
    where = await moderators_channel(bot, interaction.guild)
    waiting = await bot.console.reports.count_waiting(interaction.guild.id)
    if where.channel is None:
        why = t(where.problem or "console.channel.unset", locale, **where.params)
        return t(
            "console.setup.reports_wait", locale, why=why, waiting=t("console.count.waiting", locale, count=waiting)
        )
    if waiting:
        return t("console.setup.reports_posting", locale, channel=where.channel.mention, count=waiting)
    return t("console.setup.reports_go", locale, channel=where.channel.mention)


async def after_setup_reply(interaction: discord.Interaction, before: GuildConfig, after: GuildConfig) -> None:
    """Once setup answered: audit the change (old → new), then post the reports that waited."""
    changes = changed_settings(before, after)
    if changes:
        await record_action(interaction, Action.SETUP, changes=changes)
    assert interaction.guild is not None
    await deliver_waiting(binome(interaction), interaction.guild)
