"""A server's own skill catalogue: what a valid label is, keys, sides, and how any number of skills
fits Discord's menus (25 options each) without leaving one out. Pure rules: no Discord, no database.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.skills import BUSINESS, WEB, SkillSpec

MAX_LABEL = 80  # the column; Discord allows 100 in a menu option, with room kept for "(removed)"
MAX_SIDE_NAME = 40
MAX_SKILLS = 250  # live skills per server (at least 200, as promised)
MAX_KEY = 40
MENU_SIZE = 25  # Discord's limit of options per select menu
MENUS_PER_PAGE = 4  # a message holds 5 rows: 4 menus and a row of buttons
BUILT_IN_SIDES = (WEB, BUSINESS)
LANGUAGES = ("fr", "en")


class LabelProblem(enum.Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    DUPLICATE = "duplicate"


def normalized(text: str) -> str:
    """For comparing labels: accents, case and runs of spaces do not count ("Réseaux" == "reseaux")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def clean_label(text: str) -> str:
    return " ".join(text.split())


def label_problem(
    label: str, language: str, catalogue: Iterable[SkillSpec], *, ignore_key: str | None = None
) -> LabelProblem | None:
    """What is wrong with `label` as the `language` ("fr"/"en") name of a skill, if anything. A label is
    a duplicate when another live skill already has it in that language (accents and case aside)."""
    cleaned = clean_label(label)
    if not cleaned:
        return LabelProblem.EMPTY
    if len(cleaned) > MAX_LABEL:
        return LabelProblem.TOO_LONG
    wanted = normalized(cleaned)
    for skill in catalogue:
        if skill.removed or skill.key == ignore_key:
            continue
        if normalized(skill.name(language)) == wanted:
            return LabelProblem.DUPLICATE
    return None


def duplicate_of(label: str, language: str, catalogue: Iterable[SkillSpec], ignore_key: str | None = None) -> str:
    """The live skill whose `language` label equals `label` (its key), or ""."""
    wanted = normalized(label)
    for skill in catalogue:
        if not skill.removed and skill.key != ignore_key and normalized(skill.name(language)) == wanted:
            return skill.key
    return ""


def make_key(label_en: str, taken: Iterable[str]) -> str:
    """A stable key for a new skill from its English label ("UX design" → "ux-design"), never one in
    use (removed skills keep theirs: pairs refer to them)."""
    used = set(taken)
    slug = re.sub(r"[^a-z0-9]+", "-", normalized(label_en)).strip("-")[: MAX_KEY - 4] or "skill"
    key, number = slug, 2
    while key in used:
        key, number = f"{slug}-{number}", number + 1
    return key


def side_key(name: str) -> str:
    """The key of a side a moderator named (≤ 16 characters, the same for the same name)."""
    if normalized(name) in BUILT_IN_SIDES:
        return normalized(name)
    return "c-" + hashlib.blake2b(normalized(name).encode(), digest_size=5).hexdigest()


def is_built_in(side: str) -> bool:
    return side in BUILT_IN_SIDES


def side_order(catalogue: Iterable[SkillSpec]) -> list[str]:
    """The sides in the order they are shown: web, business, then moderators' sides as they first appear."""
    order = list(BUILT_IN_SIDES)
    for skill in catalogue:
        if skill.side not in order:
            order.append(skill.side)
    return order


def last_of_side(skill: SkillSpec, catalogue: Iterable[SkillSpec]) -> bool:
    """Whether removing `skill` would leave one of the two sides the program is built on (web, business)
    with no skill. A side a moderator named simply goes with its last skill."""
    if not is_built_in(skill.side):
        return False
    return not any(other.side == skill.side and other.key != skill.key and not other.removed for other in catalogue)


@dataclass(frozen=True, slots=True)
class Menu:
    """One select menu of a side: `part` of `parts` (1-based) when the side needs several."""

    side: str
    part: int
    parts: int
    skills: tuple[SkillSpec, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(skill.key for skill in self.skills)


def menus(catalogue: Sequence[SkillSpec]) -> list[Menu]:
    """The live skills cut into menus of at most 25, side by side, in catalogue order: every skill is
    in exactly one menu, whatever the catalogue's size."""
    live = [skill for skill in catalogue if not skill.removed]
    result: list[Menu] = []
    for side in side_order(live):
        of_side = [skill for skill in live if skill.side == side]
        parts = -(-len(of_side) // MENU_SIZE)
        for part in range(parts):
            chunk = tuple(of_side[part * MENU_SIZE : (part + 1) * MENU_SIZE])
            result.append(Menu(side, part + 1, parts, chunk))
    return result


def pages(all_menus: Sequence[Menu], per_page: int = MENUS_PER_PAGE) -> list[list[Menu]]:
    """Menus grouped by page (a message holds four of them)."""
    return [list(all_menus[i : i + per_page]) for i in range(0, len(all_menus), per_page)] or [[]]


def choose_in_menu(chosen: set[str], menu: Menu, selected: Iterable[str]) -> set[str]:
    """The choice after the member changed one menu: what they picked there replaces what that menu
    held; choices in other menus stay."""
    picked = set(selected) & menu.keys
    return (set(chosen) - menu.keys) | picked
