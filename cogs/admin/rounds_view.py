"""The matching round preview: pages of proposed pairs and unmatched members, with Confirm/Cancel.

Its buttons are persistent (`binome:round:<id>:<action>:<page>`), keep working after a restart,
and read everything from the database: only moderators may use them, and Confirm works once.
"""

from __future__ import annotations

import logging
import math
import re
import time
from datetime import date

import discord

from bot.client.checks import moderator_or_refuse
from bot.client.interactions import binome, locale_of, mention_all, reply_key, tr
from bot.client.moderators import record_action
from bot.client.ui import GuardedItem
from bot.db.models import MatchRound
from bot.domain.skills import SkillSpec
from bot.i18n import t
from bot.i18n.dates import full_date
from bot.services.audit import Action
from bot.services.rounds import PREVIEW
from cogs.admin.preflight import channel_problem
from cogs.announce.announce import round_ran
from cogs.announce.left_out import tell_left_out
from cogs.pair_channels import pair_channels
from cogs.pair_channels.launcher import LaunchEstimate

log = logging.getLogger(__name__)

ROUND_PATTERN = r"binome:round:(?P<round_id>\d+):(?P<action>confirm|cancel|page):(?P<page>\d+)"
LINES_PER_PAGE = 12
PROGRESS_EVERY_SECONDS = 1.5


def _names(keys: list[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(key, key) for key in keys)


def applied_lines(proposal: dict, locale: str) -> list[str]:
    """What the round took into account before pairing: the announcement's answers, members' "avoid"
    requests and moderators' exclusions (counted, never named), organizations kept apart."""
    lines = []
    announced = proposal.get("announcement")
    if announced:
        lines.append(
            t(
                "admin.match.announced",
                locale,
                date=full_date(date.fromisoformat(announced["date"]), locale),
                available=t("announce.count.available", locale, count=announced["available"]),
                sitting_out=t("announce.count.sitting_out", locale, count=announced["sitting_out"]),
            )
        )
    applied = proposal.get("applied")
    if applied:
        rules = []
        if applied.get("avoid"):
            rules.append(t("admin.match.applied_avoid", locale, count=applied["avoid"]))
        if applied.get("exclusions"):
            rules.append(t("admin.match.applied_exclusions", locale, count=applied["exclusions"]))
        if applied.get("organizations"):
            rules.append(t("admin.match.applied_organizations", locale, count=applied.get("with_organization", 0)))
        if rules:
            lines.append(t("admin.match.applied", locale, rules=" · ".join(rules)))
    return lines


def _blocked_kinds(proposal: dict) -> list[str]:
    blocked = proposal.get("blocked", {})
    return [kind for kind in ("exclusions", "organizations") if blocked.get(kind)]


def line_count(proposal: dict) -> int:
    """How many lines the preview has, without writing them (a round can propose 10,000 pairs)."""
    pairs, unmatched = len(proposal["pairs"]), len(proposal["unmatched"])
    count = pairs + (1 + unmatched if unmatched else 0)
    body = count + len(_blocked_kinds(proposal)) if count else 1
    return len(applied_lines(proposal, "en")) + body  # as many lines in every language


def _lines(proposal: dict, shown: range, labels: dict[str, str], locale: str) -> list[str]:
    """Lines ``shown`` of the preview: what the round took into account (``applied_lines``), then
    the others (``_line``)."""
    head = applied_lines(proposal, locale)
    return [head[index] if index < len(head) else _line(proposal, index - len(head), labels, locale) for index in shown]


def _line(proposal: dict, index: int, labels: dict[str, str], locale: str) -> str:
    """Line ``index`` after the applied lines: the pairs, then who stays unmatched and why, then
    what exclusions and organizations ruled out (none shown as names: an "avoid" is private)."""
    pairs, unmatched = proposal["pairs"], proposal["unmatched"]
    if not pairs and not unmatched:
        return t("admin.match.nobody", locale)
    if index < len(pairs):
        pair = pairs[index]
        city = " · " + t("admin.match.same_city", locale) if pair["same_city"] else ""
        return t(
            "admin.match.pair_line",
            locale,
            number=index + 1,
            a=f"<@{pair['a']}>",
            b=f"<@{pair['b']}>",
            city=city,
            a_to_b=_names(pair["a_teaches_b"], labels),
            b_to_a=_names(pair["b_teaches_a"], labels),
        )
    index -= len(pairs)
    if unmatched:
        if index == 0:
            return t("admin.match.unmatched_header", locale)
        if index <= len(unmatched):
            return unmatched_line(unmatched[index - 1], labels, locale)
        index -= 1 + len(unmatched)
    kind = _blocked_kinds(proposal)[index]
    return t(f"admin.match.blocked_{kind}", locale, count=proposal["blocked"][kind])


def page_lines(round_: MatchRound, catalogue: list[SkillSpec], locale: str, page: int) -> tuple[list[str], int, int]:
    """(the lines of ``page``, the number of pages, the page shown): only that page is written."""
    labels = {skill.key: skill.name(locale) for skill in catalogue}
    total = line_count(round_.proposal)
    pages = max(1, -(-total // LINES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = range(page * LINES_PER_PAGE, min(total, (page + 1) * LINES_PER_PAGE))
    return _lines(round_.proposal, shown, labels, locale), pages, page


def preview_lines(round_: MatchRound, catalogue: list[SkillSpec], locale: str) -> list[str]:
    """Every line of the preview (tests and small rounds; the message shows one page at a time)."""
    labels = {skill.key: skill.name(locale) for skill in catalogue}
    return _lines(round_.proposal, range(line_count(round_.proposal)), labels, locale)


def unmatched_line(entry: dict, labels: dict[str, str], locale: str) -> str:
    """Who is left out, why, and (no reciprocal partner) which skills would help."""
    reason = t(f"admin.match.reason_{entry['reason']}", locale)
    line = t("admin.match.unmatched_line", locale, member=f"<@{entry['user_id']}>", reason=reason)
    if entry.get("suggested_skills"):
        return t("admin.match.suggest_teach", locale, line=line, skills=_names(entry["suggested_skills"], labels))
    if entry.get("suggested_learning"):
        return t("admin.match.suggest_learn", locale, line=line, skills=_names(entry["suggested_learning"], labels))
    return line


def page_count(lines: list[str]) -> int:
    return max(1, -(-len(lines) // LINES_PER_PAGE))


def preview_embed(round_: MatchRound, lines: list[str], page: int, locale: str) -> discord.Embed:
    """The embed of ``page``, from every line of the preview."""
    pages = page_count(lines)
    page = min(max(page, 0), pages - 1)
    return page_embed(round_, lines[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE], page, pages, locale)


def page_embed(round_: MatchRound, lines: list[str], page: int, pages: int, locale: str) -> discord.Embed:
    embed = discord.Embed(
        title=t("admin.match.title", locale, round=round_.id),
        description="\n".join(lines),
        colour=discord.Colour.blurple(),
    )
    embed.set_footer(
        text=t(
            "admin.match.footer",
            locale,
            page=page + 1,
            pages=pages,
            pairs=t("console.count.pairs", locale, count=len(round_.proposal["pairs"])),
            unmatched=t("console.count.unmatched", locale, count=len(round_.proposal["unmatched"])),
        )
    )
    return embed


def preview_view(round_: MatchRound, pages: int, page: int, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if pages > 1:
        view.add_item(RoundButton(round_.id, "page", max(page - 1, 0), label="◀", disabled=page == 0))
        view.add_item(RoundButton(round_.id, "page", min(page + 1, pages - 1), label="▶", disabled=page >= pages - 1))
    if round_.proposal["pairs"]:
        view.add_item(
            RoundButton(
                round_.id, "confirm", page, label=t("common.buttons.confirm", locale), style=discord.ButtonStyle.success
            )
        )
    view.add_item(RoundButton(round_.id, "cancel", page, label=t("common.buttons.cancel", locale)))
    return view


async def render_preview(interaction: discord.Interaction, round_: MatchRound, page: int) -> dict:
    """The message (embed + buttons) showing `page` of the round's proposal (only that page's lines
    are written: a click stays cheap however large the round)."""
    locale = locale_of(interaction)
    catalogue = await binome(interaction).membership.catalogue(round_.guild_id)
    lines, pages, page = page_lines(round_, catalogue, locale, page)
    return {"embed": page_embed(round_, lines, page, pages, locale), "view": preview_view(round_, pages, page, locale)}


def progress_text(done: int, total: int, remaining_seconds: float, locale: str) -> str:
    """The launch's progress; a launch that will still take minutes says how many (Discord paces it)."""
    text = t("admin.match.progress", locale, done=done, total=total)
    if remaining_seconds < 60:
        return text
    return t("admin.match.progress_minutes", locale, progress=text, count=math.ceil(remaining_seconds / 60))


class RoundButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=ROUND_PATTERN):
    def __init__(self, round_id: int, action: str, page: int, **button: object) -> None:
        super().__init__(
            discord.ui.Button(custom_id=f"binome:round:{round_id}:{action}:{page}", **button)  # type: ignore[arg-type]
        )
        self.round_id, self.action, self.page = round_id, action, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RoundButton:
        return cls(int(match["round_id"]), match["action"], int(match["page"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await moderator_or_refuse(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        round_ = await binome(interaction).rounds.get(self.round_id)
        if round_ is None or round_.guild_id != interaction.guild_id:
            await reply_key(interaction, "admin.match.unknown_round")
            return
        if self.action == "page":
            await interaction.response.edit_message(**await render_preview(interaction, round_, self.page))
        elif round_.status != PREVIEW:
            await reply_key(interaction, f"admin.match.already_{round_.status}")
        elif self.action == "cancel":
            await self._cancel(interaction, round_)
        else:
            await confirm_round(interaction, round_)

    async def _cancel(self, interaction: discord.Interaction, round_: MatchRound) -> None:
        if not await binome(interaction).rounds.cancel(round_.id, interaction.user.id):
            await reply_key(interaction, "admin.match.already_decided")
            return
        await interaction.response.edit_message(content=tr(interaction, "admin.match.cancelled"), view=None)
        await record_action(interaction, Action.ROUND_CANCELLED, round=round_.id)


async def confirm_round(interaction: discord.Interaction, round_: MatchRound) -> None:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    await interaction.response.defer()  # creating channels takes a while
    config = await bot.guild_configs.get(guild.id)
    problem = channel_problem(guild, config, len(round_.proposal["pairs"]))
    if problem is not None:
        key, params = problem
        await reply_key(interaction, key, **params)
        return
    present = {member.id for member in guild.members if not member.bot}
    outcome = await bot.rounds.confirm(
        round_.id, interaction.user.id, present, program_locale=bot.moderators_locale(guild)
    )
    if outcome is None:
        await reply_key(interaction, "admin.match.already_decided")
        return
    locale = locale_of(interaction)
    last_edit = 0.0
    estimate = LaunchEstimate(len(outcome.pair_ids))

    async def progress(done: int, total: int) -> None:
        nonlocal last_edit
        if done < total and time.monotonic() - last_edit < PROGRESS_EVERY_SECONDS:
            return  # at most one edit every 1.5 s: edits share the channel's rate limit
        last_edit = time.monotonic()
        text = progress_text(done, total, estimate.remaining_seconds(done), locale)
        await interaction.edit_original_response(content=text, view=None)

    await progress(0, len(outcome.pair_ids))
    report = await pair_channels(bot).launcher.launch(guild, outcome.pair_ids, progress)
    summary = [t("admin.match.done", locale, created=len(report.launched), count=len(outcome.pair_ids))]
    for a, b, gone in outcome.dropped:
        gone_text = ", ".join(f"<@{m}>" for m in gone)
        summary.append(t("admin.match.dropped", locale, a=f"<@{a}>", b=f"<@{b}>", gone=gone_text))
    if report.pending:  # retried by the launcher while the bot runs; the moderators hear when it is done
        pending = ", ".join(mention_all(pair.members()) for pair in await bot.pairs.get_many(report.pending))
        summary.append(t("admin.match.failed", locale, count=len(report.pending), pairs=pending))
    await interaction.edit_original_response(content="\n".join(summary), view=None)
    # The preview was private: the other moderators learn the outcome in the moderators' channel.
    await record_action(
        interaction,
        Action.ROUND_CONFIRMED,
        round=round_.id,
        created=len(report.launched),
        total=len(outcome.pair_ids),
        failed=len(report.pending),
    )
    if outcome.announcement_id is not None:
        await round_ran(bot, guild, outcome.announcement_id, len(report.launched))
    await tell_left_out(bot, guild, round_, outcome)  # everyone not paired hears why, the odd one out first
