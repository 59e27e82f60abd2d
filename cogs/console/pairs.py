"""`/mentoring-admin pairs`: every pair's health, most worrying (or newest) first, with the reports
still waiting for a moderators' channel on top."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import discord
from babel.numbers import format_percent
from discord import app_commands

from bot.client.audit_text import report_text
from bot.client.checks import moderator_only
from bot.client.interactions import binome, locale_of, mention
from bot.client.moderators import moderators_channel
from bot.client.translator import cmd
from bot.db.models import ModeratorReport
from bot.domain import health as rules
from bot.domain.health import HealthFilter, HealthOrder, PairHealth
from bot.i18n import babel_locale, t
from bot.i18n.dates import discord_timestamp
from cogs.console.pages import RENDERERS, clamp, issued_now, nav_view, page_count

PER_PAGE = 5
REPORTS_SHOWN = 5


def percent(value: float, locale: str) -> str:
    return format_percent(value, locale=babel_locale(locale))


def _at_noon(day, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=zone)


def concern_text(health: PairHealth, concern: rules.Concern, now: datetime, locale: str) -> str:
    facts = health.facts
    if concern is rules.Concern.SILENT:
        return t("console.concern.silent", locale, count=health.silent_weeks)
    if concern is rules.Concern.CHARTER_UNSIGNED:
        weeks = (now - facts.active_since).days // 7 if facts.active_since else 0
        return t("console.concern.charter_unsigned", locale, count=weeks)
    leader = facts.member_a if facts.led_a >= facts.led_b else facts.member_b
    share = rules.leader_share(facts.led_a, facts.led_b) or 0
    return t("console.concern.one_sided", locale, member=mention(leader), share=percent(share, locale))


def pair_block(health: PairHealth, zone: ZoneInfo, now: datetime, locale: str) -> str:
    f = health.facts
    a, b = mention(f.member_a), mention(f.member_b)
    if f.status == rules.ENDED:
        head = t("console.pairs.head_ended", locale, id=f.pair_id, a=a, b=b, since=discord_timestamp(f.ended_at, "D"))
    else:
        status = t("console.pairs.active" if f.status == rules.ACTIVE else "console.pairs.launching", locale)
        since = discord_timestamp(f.active_since or f.created_at, "D")
        head = t("console.pairs.head_open", locale, id=f.pair_id, a=a, b=b, status=status, since=since)
    last = (
        discord_timestamp(_at_noon(f.last_session, zone), "R")
        if f.last_session
        else t("console.pairs.no_session", locale)
    )
    facts = t(
        "console.pairs.facts",
        locale,
        last=last,
        a=a,
        b=b,
        led_a=f.led_a,
        led_b=f.led_b,
        charter=t("console.pairs.signed" if f.charter_signed else "console.pairs.unsigned", locale),
        silent=t("console.pairs.silent_weeks", locale, count=health.silent_weeks),
        first_meeting=t("console.pairs.met_yes" if f.first_meeting_planned else "console.pairs.met_no", locale),
    )
    lines = [head, facts]
    if health.concerns:
        concerns = "; ".join(concern_text(health, c, now, locale) for c in health.concerns)
        lines.append(t("console.pairs.attention", locale, concerns=concerns))
    return "\n".join(lines)


def definition(locale: str) -> str:
    return t(
        "console.pairs.definition",
        locale,
        silent=rules.SILENT_WEEKS,
        grace=rules.CHARTER_GRACE.days // 7,
        after=rules.ONE_SIDED_AFTER,
        share=percent(rules.ONE_SIDED_SHARE, locale),
    )


async def reports_embed(interaction: discord.Interaction, waiting: list[ModeratorReport]) -> discord.Embed:
    bot = binome(interaction)
    locale = locale_of(interaction)
    assert interaction.guild is not None
    where = await moderators_channel(bot, interaction.guild)
    lines = []
    for report in waiting[:REPORTS_SHOWN]:
        pair = await bot.pairs.get(report.pair_id) if report.pair_id else None
        text = report_text(report, pair, locale, preview=True)
        lines.append(f"• {discord_timestamp(report.created_at, 'f')} {text}")
    if len(waiting) > REPORTS_SHOWN:
        lines.append(t("console.reports.more", locale, count=len(waiting) - REPORTS_SHOWN))
    why = t(where.problem or "console.channel.retrying", locale, **where.params)
    embed = discord.Embed(
        title=t("console.reports.title", locale, count=len(waiting)),
        description="\n".join([why, "", *lines]),
        colour=discord.Colour.orange(),
    )
    return embed


def parse_state(state: str) -> tuple[HealthFilter, HealthOrder]:
    wanted, _, order = state.partition(".")
    try:
        return HealthFilter(wanted), HealthOrder(order)
    except ValueError:
        return HealthFilter.ALL, HealthOrder.WORRYING


async def render(interaction: discord.Interaction, state: str, page: int, issued: int) -> dict:
    bot = binome(interaction)
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    wanted, order = parse_state(state)
    config = await bot.guild_configs.get(interaction.guild_id)
    board = await bot.console.health.board(config, wanted, order)
    pages = page_count(len(board), PER_PAGE)
    page = clamp(page, pages)
    embeds = []
    if page == 0:
        waiting = await bot.console.reports.waiting(interaction.guild_id)
        if waiting:
            embeds.append(await reports_embed(interaction, waiting))
    zone, now = ZoneInfo(config.timezone), bot.clock.now()
    blocks = [pair_block(h, zone, now, locale) for h in board[page * PER_PAGE : (page + 1) * PER_PAGE]]
    if not blocks:
        blocks = [t("console.pairs.none" if wanted is HealthFilter.ALL else "console.pairs.none_matching", locale)]
    embed = discord.Embed(
        title=t("console.pairs.title", locale, count=len(board), filter=t(f"console.filter.{wanted.value}", locale)),
        description="\n\n".join(blocks),
        colour=discord.Colour.blurple(),
    )
    embed.set_footer(text=t("console.pages.footer", locale, page=page + 1, pages=pages) + "\n" + definition(locale))
    embeds.append(embed)
    return {"content": None, "embeds": embeds, "view": nav_view("pairs", state, page, pages, issued)}


RENDERERS["pairs"] = render


@app_commands.rename(show=cmd("admin.pairs.show.name"), order=cmd("admin.pairs.order.name"))
@app_commands.describe(show=cmd("admin.pairs.show.description"), order=cmd("admin.pairs.order.description"))
@app_commands.choices(
    show=[
        app_commands.Choice(name=cmd("admin.pairs.show.all"), value=HealthFilter.ALL.value),
        app_commands.Choice(name=cmd("admin.pairs.show.attention"), value=HealthFilter.ATTENTION.value),
        app_commands.Choice(name=cmd("admin.pairs.show.unsigned"), value=HealthFilter.UNSIGNED.value),
        app_commands.Choice(name=cmd("admin.pairs.show.ended"), value=HealthFilter.ENDED.value),
    ],
    order=[
        app_commands.Choice(name=cmd("admin.pairs.order.worrying"), value=HealthOrder.WORRYING.value),
        app_commands.Choice(name=cmd("admin.pairs.order.newest"), value=HealthOrder.NEWEST.value),
    ],
)
@moderator_only
async def pairs(
    interaction: discord.Interaction,
    show: app_commands.Choice[str] | None = None,
    order: app_commands.Choice[str] | None = None,
) -> None:
    """Every pair's health (the command's callback; attached to /mentoring-admin by the Console cog)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    state = f"{show.value if show else HealthFilter.ALL.value}.{order.value if order else HealthOrder.WORRYING.value}"
    await interaction.edit_original_response(**await render(interaction, state, 0, issued_now(interaction)))
