"""How a charter looks in Discord: the panel's and the signed charter's embed, the goal card,
and the texts listing what is missing or too long. Rendering only: no interaction handling."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.client.interactions import mention
from bot.db.models import Charter, Pair
from bot.domain.charter import FRAME_PARTS, TooLong
from bot.i18n import t

PROGRESS_CELLS = 10
COLOUR_DRAFT = discord.Colour.blurple()
COLOUR_SIGNED = discord.Colour.green()

# Who a member is, as text that renders in embed field names (mentions do not render there).
NameOf = Callable[[int | None], str]


def _when(moment) -> str:
    return discord.utils.format_dt(moment, "D")


def _or_empty(text: str, locale: str) -> str:
    return text if text.strip() else t("charter.panel.empty", locale)


def progress_text(charter: Charter, locale: str) -> str:
    filled = round(charter.goal_progress * PROGRESS_CELLS / 100)
    bar = "▰" * filled + "▱" * (PROGRESS_CELLS - filled)
    return t(
        "charter.goal.progress", locale, bar=bar, percent=t("charter.goal.percent", locale, value=charter.goal_progress)
    )


def goal_text(charter: Charter, locale: str) -> str:
    """The shared goal, its progress and the latest note (≤ 1,024 characters with the limits)."""
    if not charter.shared_goal.strip():
        return t("charter.panel.empty", locale)
    lines = [charter.shared_goal, progress_text(charter, locale)]
    if charter.goal_note:
        lines.append(t("charter.goal.note", locale, note=charter.goal_note))
    return "\n".join(lines)


def _body(embed: discord.Embed, charter: Charter, pair: Pair, name_of: NameOf, locale: str) -> None:
    for part in FRAME_PARTS:
        embed.add_field(
            name=t(f"charter.parts.{part}", locale), value=_or_empty(getattr(charter, part), locale), inline=False
        )
    for member_id, objectives in ((pair.member_a_id, charter.objectives_a), (pair.member_b_id, charter.objectives_b)):
        embed.add_field(
            name=t("charter.parts.objectives_of", locale, name=name_of(member_id)),
            value=_or_empty(objectives, locale),
            inline=False,
        )
    embed.add_field(name=t("charter.parts.shared_goal", locale), value=goal_text(charter, locale), inline=False)


def signatures_text(charter: Charter, pair: Pair, locale: str) -> str:
    lines = []
    for member_id, signed_at in ((pair.member_a_id, charter.signed_a_at), (pair.member_b_id, charter.signed_b_at)):
        if signed_at is None:
            lines.append(t("charter.panel.not_signed", locale, member=mention(member_id)))
        else:
            lines.append(t("charter.panel.signed_on", locale, member=mention(member_id), when=_when(signed_at)))
    if charter.signed_a_at is not None and charter.signed_b_at is not None:
        lines.append(t("charter.panel.all_signed", locale))
    return "\n".join(lines)


def panel_embed(charter: Charter, pair: Pair, name_of: NameOf, locale: str) -> discord.Embed:
    """The charter panel: every part (empty ones shown "to be written") and who has signed."""
    signed = charter.signed_a_at is not None and charter.signed_b_at is not None
    embed = discord.Embed(
        title=t("charter.panel.title", locale),
        description=t("charter.panel.intro", locale, a=mention(pair.member_a_id), b=mention(pair.member_b_id)),
        colour=COLOUR_SIGNED if signed else COLOUR_DRAFT,
    )
    _body(embed, charter, pair, name_of, locale)
    embed.add_field(
        name=t("charter.panel.signatures", locale), value=signatures_text(charter, pair, locale), inline=False
    )
    embed.set_footer(text=t("charter.panel.footer", locale))
    return embed


def signed_embed(charter: Charter, pair: Pair, name_of: NameOf, locale: str) -> discord.Embed:
    """The signed charter, as posted and pinned once both signed."""
    a, b = mention(pair.member_a_id), mention(pair.member_b_id)
    last = max(moment for moment in (charter.signed_a_at, charter.signed_b_at) if moment is not None)
    embed = discord.Embed(
        title=t("charter.signed.title", locale),
        description=t("charter.signed.intro", locale, a=a, b=b, when=_when(last)),
        colour=COLOUR_SIGNED,
    )
    _body(embed, charter, pair, name_of, locale)
    return embed


def goal_embed(charter: Charter, locale: str) -> discord.Embed:
    embed = discord.Embed(
        title=t("charter.parts.shared_goal", locale), description=goal_text(charter, locale), colour=COLOUR_DRAFT
    )
    embed.set_footer(text=t("charter.goal.how_to_change", locale))
    return embed


def part_label(part: str, pair: Pair, locale: str) -> str:
    """A part's name in a sentence ("objectives_a" names the member whose objectives they are)."""
    if part in ("objectives_a", "objectives_b"):
        member_id = pair.member_a_id if part == "objectives_a" else pair.member_b_id
        return t("charter.missing.objectives", locale, member=mention(member_id))
    if part == "objectives":
        return t("charter.missing.your_objectives", locale)
    if part == "goal_note":
        return t("charter.missing.goal_note", locale)
    return t(f"charter.parts.{part}", locale)


def missing_text(missing: list[str], pair: Pair, locale: str) -> str:
    return t("charter.sign.incomplete", locale) + "\n" + "\n".join(f"• {part_label(p, pair, locale)}" for p in missing)


def too_long_text(problems: list[TooLong], pair: Pair, locale: str) -> str:
    lines = [t("charter.errors.not_saved", locale)]
    for problem in problems:
        lines.append(
            t(
                "charter.errors.too_long",
                locale,
                part=part_label(problem.part, pair, locale),
                length=problem.length,
                limit=problem.limit,
            )
        )
    return "\n".join(lines)
