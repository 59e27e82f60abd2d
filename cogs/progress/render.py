"""How progress reads: the pair's own card (each member's ratings, stage by stage) and the moderators'
aggregate lines in `/mentoring-admin stats`."""

from __future__ import annotations

from collections.abc import Callable

import discord
from babel.numbers import format_decimal

from bot.db.models import Pair
from bot.domain.progress import MIN_RATERS, STAGES, ProgressFigures, ProgressStage, Rated
from bot.i18n import babel_locale, t

LABEL_CHARS = 60
COLOUR = discord.Colour.gold()

NameOf = Callable[[int | None], str]


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _series(values: list[int | None]) -> str:
    return " → ".join("–" if v is None else str(v) for v in values)


def member_lines(ratings: dict[ProgressStage, Rated], stages: list[ProgressStage], locale: str) -> list[str]:
    """One line per objective and one for the shared goal: the rating at each stage shown."""
    latest = ratings[max(ratings, key=STAGES.index)]
    count = max(len(r.ratings) for r in ratings.values())
    lines = []
    for index in range(count):
        label = latest.objectives[index] if index < len(latest.objectives) else ""
        label = _short(label) if label else t("progress.card.objectives", locale)
        values = [
            ratings[s].ratings[index] if s in ratings and index < len(ratings[s].ratings) else None for s in stages
        ]
        lines.append(t("progress.card.line", locale, label=label, values=_series(values)))
    goal = [ratings[s].goal if s in ratings else None for s in stages]
    lines.append(t("progress.card.goal_line", locale, values=_series(goal)))
    return lines


def progress_embed(
    pair: Pair, rated: dict[int, dict[ProgressStage, Rated]], name_of: NameOf, locale: str
) -> discord.Embed:
    """The pair's own progress in the current cycle, as both members rated it."""
    stages = [s for s in STAGES if any(s in by_stage for by_stage in rated.values())]
    embed = discord.Embed(
        title=t("progress.card.title", locale),
        description=t(
            "progress.card.intro",
            locale,
            stages=" → ".join(t(f"progress.stages.{s.value}", locale) for s in stages) or "–",
        ),
        colour=COLOUR,
    )
    for member_id in pair.members():
        by_stage = rated.get(member_id or 0)
        value = "\n".join(member_lines(by_stage, stages, locale)) if by_stage else t("progress.card.not_yet", locale)
        embed.add_field(name=name_of(member_id), value=value[:1024], inline=False)
    return embed


def _number(value: float | None, locale: str, signed: bool = False) -> str:
    if value is None:
        return t("progress.stats.too_few", locale, count=MIN_RATERS)
    text = format_decimal(round(value, 1), format="0.0", locale=babel_locale(locale))
    return f"+{text}" if signed and value > 0 else text


def figures_lines(figures: ProgressFigures | None, locale: str) -> list[str]:
    """The aggregates moderators see (never one pair's or one member's ratings)."""
    if figures is None or figures.empty:
        return [t("progress.stats.none", locale)]
    stages = " · ".join(
        t(
            "progress.stats.stage",
            locale,
            stage=t(f"progress.stages.{stage.value}", locale),
            objectives=_number(figures.stages[stage].objectives, locale),
            goal=_number(figures.stages[stage].goal, locale),
            raters=t("progress.stats.raters", locale, count=figures.stages[stage].raters),
        )
        for stage in STAGES
        if figures.stages[stage].raters
    )
    lines = [t("progress.stats.ratings", locale, stages=stages)]
    if figures.rated_twice:
        lines.append(
            t(
                "progress.stats.change",
                locale,
                mid=_number(figures.change_mid, locale, signed=True),
                end=_number(figures.change_end, locale, signed=True),
                members=t("progress.stats.members", locale, count=figures.rated_twice),
            )
        )
    if figures.led_answers:
        lines.append(
            t(
                "progress.stats.led",
                locale,
                equal=t("progress.stats.led_equal", locale, count=figures.led_equal),
                answers=t("progress.stats.answers", locale, count=figures.led_answers),
                disagree=t("progress.stats.led_disagree", locale, count=figures.led_disagree),
            )
        )
    return lines
