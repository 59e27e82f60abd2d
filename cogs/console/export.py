"""`/mentoring-admin export`: pairs, sessions and members as CSV attachments (see bot.services.export)."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import discord

from bot.client.checks import moderator_only
from bot.client.interactions import binome, locale_of, reply
from bot.client.moderators import record_action
from bot.i18n import t
from bot.services.audit import Action
from bot.services.export import csv_style

log = logging.getLogger(__name__)


@moderator_only
async def export(interaction: discord.Interaction) -> None:
    """CSV files of the program (callback attached to /mentoring-admin by the Console cog)."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    locale = locale_of(interaction)
    if not await bot.console.export.has_data(guild.id):
        await reply(interaction, t("console.export.nothing_yet", locale))
        return
    config = await bot.guild_configs.get(guild.id)
    labels = {skill.key: skill.name(locale) for skill in await bot.membership.catalogue(guild.id)}

    def name_of(user_id: int | None) -> str:
        member = guild.get_member(user_id) if user_id else None
        return member.display_name if member else ""

    style = csv_style(locale, t("common.yes_no.yes", locale), t("common.yes_no.no", locale))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="binome-export-") as directory:
        files = await bot.console.export.write(
            config,
            Path(directory),
            style,
            headers=lambda columns: [t(f"console.export.column.{column}", locale) for column in columns],
            name_of=name_of,
            skill_label=lambda key: labels.get(key, key),
        )
        counts = {file.name: file.rows for file in files}
        written = time.perf_counter()
        attachments = [
            discord.File(file.path, filename=t(f"console.export.file.{file.name}", locale) + ".csv") for file in files
        ]
        text = t(
            "console.export.done",
            locale,
            **{name: t(f"console.count.{name}", locale, count=rows) for name, rows in counts.items()},
            delimiter=style.delimiter,
        )
        try:
            await interaction.edit_original_response(content=text, attachments=attachments)
        finally:
            for attachment in attachments:
                attachment.close()
    log.info(
        "export of guild %s: %s rows written in %.2f s, sent in %.2f s",
        guild.id,
        counts,
        written - started,
        time.perf_counter() - written,
    )
    await record_action(interaction, Action.EXPORT, **counts)
