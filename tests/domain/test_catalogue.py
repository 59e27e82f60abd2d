"""The skill catalogue's rules: labels, keys, sides, and menus that never cut a catalogue at 25."""

from bot.domain.catalogue import (
    MAX_LABEL,
    MENU_SIZE,
    LabelProblem,
    choose_in_menu,
    label_problem,
    last_of_side,
    make_key,
    menus,
    normalized,
    pages,
    side_key,
)
from bot.domain.skills import BUSINESS, DEFAULT_CATALOGUE, WEB, SkillSpec


def catalogue(web: int, business: int, other: int = 0) -> list[SkillSpec]:
    skills = [SkillSpec(f"w{n}", WEB, f"Web {n}", f"Web {n}") for n in range(web)]
    skills += [SkillSpec(f"b{n}", BUSINESS, f"Biz {n}", f"Affaires {n}") for n in range(business)]
    skills += [SkillSpec(f"d{n}", "c-design", f"Design {n}", f"Design {n}", "Design") for n in range(other)]
    return skills


def test_labels_are_compared_without_accents_case_or_extra_spaces():
    assert normalized("  Réseaux   SOCIAUX ") == "reseaux sociaux"
    skills = list(DEFAULT_CATALOGUE)
    assert label_problem("reseaux sociaux", "fr", skills) is LabelProblem.DUPLICATE
    assert label_problem("Social media", "fr", skills) is None, "a duplicate is within one language"
    assert label_problem("Réseaux sociaux", "fr", skills, ignore_key="social-media") is None, "a rename keeping it"
    assert label_problem("   ", "en", skills) is LabelProblem.EMPTY
    assert label_problem("x" * (MAX_LABEL + 1), "en", skills) is LabelProblem.TOO_LONG
    assert label_problem("x" * MAX_LABEL, "en", skills) is None
    removed = [SkillSpec("seo", WEB, "SEO", "SEO", removed=True)]
    assert label_problem("SEO", "en", removed) is None, "a removed skill's label is free again"


def test_keys_are_slugs_never_reused():
    assert make_key("UX design", []) == "ux-design"
    assert make_key("Écriture", ["ecriture"]) == "ecriture-2"
    assert make_key("Écriture", ["ecriture", "ecriture-2"]) == "ecriture-3"
    assert make_key("!!!", []) == "skill"
    assert len(make_key("a" * 200, [])) <= 40


def test_sides_a_moderator_names_have_a_stable_short_key():
    assert side_key("Web") == WEB and side_key(" business ") == BUSINESS
    assert side_key("Design & UX") == side_key("design & ux") != side_key("Design")
    assert len(side_key("A side with a long name of forty chars!!")) <= 16


def test_the_last_skill_of_web_or_business_stays():
    skills = catalogue(1, 2, 1)
    assert last_of_side(skills[0], skills)
    assert not last_of_side(skills[1], skills)
    assert not last_of_side(skills[3], skills), "a side a moderator named goes with its last skill"
    skills = [*skills, SkillSpec("w9", WEB, "W9", "W9", removed=True)]
    assert last_of_side(skills[0], skills), "a removed skill does not count"


def test_menus_hold_every_skill_at_most_25_each_side_by_side():
    skills = catalogue(130, 60, 10)
    cut = menus(skills)
    assert all(len(menu.skills) <= MENU_SIZE for menu in cut)
    assert [skill.key for menu in cut for skill in menu.skills] == [skill.key for skill in skills]
    assert [(menu.side, menu.part, menu.parts) for menu in cut][:7] == [(WEB, n, 6) for n in range(1, 7)] + [
        (BUSINESS, 1, 3)
    ]
    assert {len(page) for page in pages(cut)} <= {1, 2, 3, 4} and sum(len(p) for p in pages(cut)) == len(cut)
    assert menus([SkillSpec("x", WEB, "X", "X", removed=True)]) == []


def test_choosing_in_one_menu_keeps_the_choices_made_in_others():
    first, second = menus(catalogue(30, 0))
    chosen = choose_in_menu(set(), first, ["w1", "w2"])
    chosen = choose_in_menu(chosen, second, ["w27"])
    assert chosen == {"w1", "w2", "w27"}
    assert choose_in_menu(chosen, first, ["w3"]) == {"w3", "w27"}, "unticked in that menu: gone"
    assert choose_in_menu(chosen, first, ["w27", "forged"]) == {"w27"}, "only that menu's own skills count"
