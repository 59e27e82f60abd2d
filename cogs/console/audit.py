"""`/mentoring-admin audit`: who did what among the moderators, newest first, paginated."""

from __future__ import annotations

import discord

from bot.client.audit_text import audit_text
from bot.client.checks import moderator_only
from bot.client.interactions import binome, locale_of
from bot.i18n import t
from bot.i18n.dates import discord_timestamp
from cogs.console.pages import RENDERERS, clamp, issued_now, nav_view, page_count

PER_PAGE = 10


async def render(interaction: discord.Interaction, state: str, page: int, issued: int) -> dict:
    bot = binome(interaction)
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    _, total = await bot.console.audit.latest(interaction.guild_id, limit=0)
    pages = page_count(total, PER_PAGE)
    page = clamp(page, pages)
    entries, total = await bot.console.audit.latest(interaction.guild_id, offset=page * PER_PAGE, limit=PER_PAGE)
    lines = [f"{discord_timestamp(entry.created_at, 'f')} · {audit_text(entry, locale)}" for entry in entries]
    embed = discord.Embed(
        title=t("console.audit.title", locale),
        description="\n".join(lines) or t("console.audit.empty", locale),
        colour=discord.Colour.dark_grey(),
    )
    embed.set_footer(text=t("console.pages.footer", locale, page=page + 1, pages=pages))
    return {"content": None, "embeds": [embed], "view": nav_view("audit", state, page, pages, issued)}


RENDERERS["audit"] = render


@moderator_only
async def audit(interaction: discord.Interaction) -> None:
    """The audit log (callback attached to /mentoring-admin by the Console cog)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.edit_original_response(**await render(interaction, "all", 0, issued_now(interaction)))
