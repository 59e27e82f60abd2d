"""How the skill catalogue reads: side names, skill labels (removed ones marked), the list's pages."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.catalogue import is_built_in, side_order
from bot.domain.skills import SkillSpec
from bot.i18n import t

LINES_PER_PAGE = 20  # 20 lines of two 80-character labels stay within an embed's 4,096


def side_label(side: str, side_name: str | None, locale: str) -> str:
    """ "Web & digital" / "Business & entrepreneurship", or the name a moderator gave a side."""
    if is_built_in(side):
        return t(f"catalogue.sides.{side}", locale)
    return side_name or side


def skill_side(skill: SkillSpec, locale: str) -> str:
    return side_label(skill.side, skill.side_name, locale)


def labelled(skill: SkillSpec, locale: str) -> str:
    """The skill's name in `locale`, marked when moderators removed it (profiles and pairs keep it)."""
    name = skill.name(locale)
    return t("catalogue.removed_label", locale, name=name) if skill.removed else name


def names_of(keys: Iterable[str], catalogue: Iterable[SkillSpec], locale: str) -> list[str]:
    """Labels of `keys` in catalogue order (unknown keys kept as they are, at the end)."""
    wanted = set(keys)
    found = [skill for skill in catalogue if skill.key in wanted]
    rest = sorted(wanted - {skill.key for skill in found})
    return [labelled(skill, locale) for skill in found] + rest


def list_lines(catalogue: list[SkillSpec], locale: str) -> list[str]:
    """The live catalogue, side by side: a heading per side, then one line per skill (both labels)."""
    live = [skill for skill in catalogue if not skill.removed]
    lines: list[str] = []
    for side in side_order(live):
        of_side = [skill for skill in live if skill.side == side]
        if not of_side:
            continue
        name = skill_side(of_side[0], locale)
        lines.append(t("catalogue.list.side", locale, side=name, count=len(of_side)))
        lines += [t("catalogue.list.line", locale, fr=s.name_fr, en=s.name_en) for s in of_side]
    return lines
