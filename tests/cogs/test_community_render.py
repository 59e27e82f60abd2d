"""What members and moderators read about the community's rules: the skill picker of any catalogue size,
the explanation a left-out member receives, the preview's "applied" lines, progress cards and figures."""

from __future__ import annotations

import pytest

from bot.db.models import Pair
from bot.domain.matching import UnmatchedReason
from bot.domain.profiles import ProfileDraft
from bot.domain.progress import LedMost, ProgressStage, Rated, figures
from bot.domain.skills import BUSINESS, DEFAULT_CATALOGUE, WEB, SkillSpec
from bot.i18n import SUPPORTED, catalogue
from cogs.admin.rounds_view import applied_lines
from cogs.announce.left_out import PARTNER_UNAVAILABLE, left_out_text
from cogs.onboarding.join_flow import JoinView
from cogs.onboarding.skill_picker import SkillPicker
from cogs.progress.render import figures_lines, progress_embed

BIG = [
    *(SkillSpec(f"w{n}", WEB, f"Web skill {n}", f"Compétence web {n}") for n in range(120)),
    *(SkillSpec(f"b{n}", BUSINESS, f"Business skill {n}", f"Compétence affaires {n}") for n in range(70)),
    *(SkillSpec(f"d{n}", "c-design", f"Design {n}", f"Design {n}", "Design & UX") for n in range(10)),
    SkillSpec("gone", WEB, "Removed", "Retirée", removed=True),
]


def selects(view) -> list:
    return [item for item in view.children if getattr(item, "options", None) is not None]


async def test_the_picker_offers_every_skill_of_a_200_skill_catalogue_in_menus_of_25():
    join = JoinView(None, 1, 10, "fr", BIG, ProfileDraft(teaches={"gone", "w3"}), is_update=True)  # type: ignore[arg-type]
    assert join.paged and "gone" not in join.draft.teaches, "a removed skill is dropped from the draft"
    first = SkillPicker(join, "teach")
    offered, pages = [], len(first.pages)
    for page in range(pages):
        picker = SkillPicker(join, "teach", page)
        menus = selects(picker)
        assert 1 <= len(menus) <= 4 and len(picker.children) <= 25
        for menu in menus:
            assert len(menu.options) <= 25 and len(menu.custom_id) <= 100
            offered += [option.value for option in menu.options]
        rows = {item.row for item in picker.children}
        assert rows <= {0, 1, 2, 3, 4}
    assert offered == [s.key for s in BIG if not s.removed], "every live skill once, in catalogue order"
    assert pages == 3 and "page 1/3" in first.content()  # 5 web menus, 3 business, 1 design
    assert [o.default for o in selects(first)[0].options if o.value == "w3"] == [True]


async def test_a_small_catalogue_keeps_its_two_menus():
    join = JoinView(None, 1, 10, "en", list(DEFAULT_CATALOGUE), ProfileDraft(), is_update=False)  # type: ignore[arg-type]
    assert not join.paged
    assert [len(s.options) for s in selects(join)][:2] == [12, 12]


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_reason_a_member_is_left_out_is_explained_with_what_would_help(locale):
    reasons = [reason.value for reason in UnmatchedReason] + [PARTNER_UNAVAILABLE]
    for reason in reasons:
        text = left_out_text({"user_id": 1, "reason": reason}, list(DEFAULT_CATALOGUE), locale, "Club")
        lines = text.split("\n")
        assert "Club" in lines[0] and len(lines) == 3 and "{" not in text, (reason, text)
        first = catalogue(locale)["announce.left_out.first_next_time"]
        assert (lines[-1] == first) == (reason in ("odd_one_out", PARTNER_UNAVAILABLE)), reason
    helped = left_out_text(
        {"user_id": 1, "reason": "no_reciprocal_partner", "suggested_skills": ["social-media", "seo"]},
        list(DEFAULT_CATALOGUE),
        "en",
        "Club",
    )
    assert "others are looking for to what you teach: Social media, SEO" in helped, "most helpful first"
    learn = left_out_text(
        {"user_id": 1, "reason": "no_reciprocal_partner", "suggested_learning": ["finance"]},
        list(DEFAULT_CATALOGUE),
        "fr",
        "Club",
    )
    assert "à ce que tu veux apprendre l'une de ces compétences que d'autres transmettent : Finance" in learn


def test_the_preview_says_what_applied_to_the_round():
    proposal = {
        "announcement": {"id": 1, "date": "2026-12-03", "available": 4, "sitting_out": 1},
        "applied": {"avoid": 2, "exclusions": 1, "organizations": True, "with_organization": 6, "sitting_out": 1},
    }
    assert applied_lines(proposal, "en") == [
        "📣 Round announced for Thursday, December 3, 2026: 4 available, 1 sitting this round out (left out of "
        "this round only).",
        "Applied to this round: 2 private “avoid” requests · 1 moderators' exclusion · organizations kept apart "
        "(6 members gave one).",
    ]
    assert applied_lines({"applied": {"avoid": 0, "exclusions": 0, "organizations": False}}, "en") == []


def test_the_pair_sees_its_progress_stage_by_stage():
    pair = Pair(id=3, member_a_id=10, member_b_id=20)
    rated = {
        10: {
            ProgressStage.START: Rated(ProgressStage.START, (2, 1), 2, ("Lire un bilan", "Lever des fonds")),
            ProgressStage.MID: Rated(ProgressStage.MID, (4, 3), 3, ("Lire un bilan", "Lever des fonds")),
        },
        20: {ProgressStage.MID: Rated(ProgressStage.MID, (3,), 3, ("",))},
    }
    embed = progress_embed(pair, rated, lambda user: f"user{user}", "fr")
    fields = {f.name: f.value for f in embed.fields}
    assert "charte → mi-cycle" in embed.description
    assert fields["user10"].split("\n") == [
        "• Lire un bilan : **2 → 4**",
        "• Lever des fonds : **1 → 3**",
        "• Objectif commun : **2 → 3**",
    ]
    assert fields["user20"].split("\n") == ["• Objectifs personnels : **– → 3**", "• Objectif commun : **– → 3**"]


def test_moderators_read_aggregates_in_their_language():
    start, mid = ProgressStage.START, ProgressStage.MID
    rows = [
        (1, 10, 0, start, 2.0, 2, None),
        (1, 20, 0, start, 1.0, 1, None),
        (1, 10, 0, mid, 4.0, 4, LedMost.EQUAL),
        (1, 20, 0, mid, 3.0, 3, LedMost.EQUAL),
    ]
    lines = figures_lines(figures(rows), "fr")
    assert lines[0] == (
        "📈 Auto-évaluations (1 à 5), objectifs / objectif commun : charte 1,5 / 1,5 (2 membres) · "
        "mi-cycle 3,5 / 3,5 (2 membres)"
    )
    assert lines[1].startswith("📈 Évolution moyenne depuis la charte : +2,0 à mi-cycle, – (au moins 2 membres)")
    assert lines[2] == (
        "🔁 Qui a le plus mené ? 2 « à peu près autant » sur 2 réponses ; "
        "0 point d'étape où les deux se sont attribué le même rôle."
    )
    assert figures_lines(None, "en") == ["📈 Self-ratings of progress: none yet."]


def test_the_catalogue_list_of_250_skills_with_the_longest_labels_fits_its_pages():
    from cogs.catalogue.render import LINES_PER_PAGE, list_lines

    longest = [
        SkillSpec(f"s{n}", WEB if n % 2 else BUSINESS, f"{n:03}" + "e" * 77, f"{n:03}" + "é" * 77) for n in range(250)
    ]
    lines = list_lines(longest, "fr")
    assert len(lines) == 252 and lines[0].startswith("**Web & numérique** · 125 compétences")
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    assert all(len("\n".join(page)) <= 4096 for page in pages)
