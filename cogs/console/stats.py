"""`/mentoring-admin stats`: the program's figures and a chart of the last weeks (PNG)."""

from __future__ import annotations

import asyncio
import io

import discord
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.client.checks import moderator_only
from bot.client.interactions import binome, locale_of, reply
from bot.i18n import babel_locale, t
from bot.services.chart import ChartText, render_chart
from bot.services.stats import ProgramStats
from cogs.console.pairs import percent
from cogs.progress.render import figures_lines

CHART_NAME = "binome-stats.png"


def number(value: float, locale: str, digits: int = 1) -> str:
    return format_decimal(round(value, digits), locale=babel_locale(locale))


def figures_text(stats: ProgramStats, locale: str) -> str:
    none = t("console.stats.none", locale)
    members = stats.members_by_status
    lines = [
        t(
            "console.stats.members",
            locale,
            active=t("console.stats.count_active", locale, count=members.get("active", 0)),
            paused=t("console.stats.count_paused", locale, count=members.get("paused", 0)),
        ),
        t(
            "console.stats.pairs",
            locale,
            active=t("console.stats.count_active", locale, count=stats.pairs_active),
            ended=t("console.stats.count_ended", locale, count=stats.pairs_ended),
            launching=t("console.stats.count_launching", locale, count=stats.pairs_launching),
            total=t("console.count.pairs", locale, count=stats.pairs_total),
        ),
        t(
            "console.stats.sessions",
            locale,
            held=t("console.stats.count_sessions", locale, count=stats.sessions_held),
            per_week=number(stats.sessions_per_week or 0, locale),
            weeks=len(stats.series.weeks),
        ),
        t(
            "console.stats.weeks_with_session",
            locale,
            share=percent(stats.weeks_with_session_share, locale)
            if stats.weeks_with_session_share is not None
            else none,
        ),
        t(
            "console.stats.balance",
            locale,
            share=percent(stats.median_leader_share, locale) if stats.median_leader_share is not None else none,
            one_sided=t("console.count.pairs", locale, count=stats.one_sided_pairs),
        ),
        t(
            "console.stats.age",
            locale,
            age=t("console.stats.days", locale, count=round(stats.median_pair_age_days))
            if stats.median_pair_age_days is not None
            else none,
        ),
        t(
            "console.stats.cycles",
            locale,
            mid=t("console.count.pairs", locale, count=stats.reached_mid_cycle),
            end=t("console.count.pairs", locale, count=stats.reached_end_of_cycle),
        ),
        t(
            "console.stats.rating",
            locale,
            average=number(stats.rating_average, locale) if stats.rating_average is not None else none,
            ratings=t("console.stats.count_ratings", locale, count=stats.rating_count),
        ),
        *figures_lines(stats.progress, locale),  # members' self-ratings of their progress, aggregated
    ]
    return "\n".join(lines)


def chart_text(stats: ProgramStats, locale: str) -> ChartText:
    return ChartText(
        title=t("console.stats.chart_title", locale),
        x_label=t("console.stats.chart_week", locale),
        sessions_label=t("console.stats.chart_sessions", locale),
        pairs_label=t("console.stats.chart_pairs", locale),
        week_labels=[format_date(week, "d MMM", locale=babel_locale(locale)) for week in stats.series.weeks],
    )


@moderator_only
async def stats(interaction: discord.Interaction) -> None:
    """The program's figures (callback attached to /mentoring-admin by the Console cog)."""
    bot = binome(interaction)
    assert interaction.guild_id is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    locale = locale_of(interaction)
    figures = await bot.console.stats.figures(await bot.guild_configs.get(interaction.guild_id))
    if figures.empty:
        await reply(interaction, t("console.stats.nothing_yet", locale))
        return
    series = figures.series
    png = await asyncio.to_thread(render_chart, series.sessions, series.active_pairs, chart_text(figures, locale))
    embed = discord.Embed(
        title=t("console.stats.title", locale), description=figures_text(figures, locale), colour=discord.Colour.green()
    )
    embed.set_image(url=f"attachment://{CHART_NAME}")
    await interaction.edit_original_response(embed=embed, attachments=[discord.File(io.BytesIO(png), CHART_NAME)])
