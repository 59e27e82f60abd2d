from datetime import UTC, datetime

from bot.db.models import MatchRound
from bot.domain.skills import SkillSpec
from cogs.admin.rounds_view import (
    LINES_PER_PAGE,
    line_count,
    page_count,
    page_embed,
    page_lines,
    preview_embed,
    preview_lines,
    preview_view,
)

CATALOGUE = [
    SkillSpec("seo", "web", "SEO", "Référencement (SEO)"),
    SkillSpec("finance", "business", "Finance", "Finance"),
]


def round_with(pairs: int, unmatched: list[tuple[int, str]]) -> MatchRound:
    return MatchRound(
        id=7,
        guild_id=1,
        status="preview",
        seed=0,
        created_by=1,
        created_at=datetime.now(UTC),
        proposal={
            "pairs": [
                {
                    "a": 100 + i,
                    "b": 200 + i,
                    "a_teaches_b": ["seo"],
                    "b_teaches_a": ["finance"],
                    "same_city": i % 2 == 0,
                }
                for i in range(pairs)
            ],
            "unmatched": [{"user_id": user, "reason": reason} for user, reason in unmatched],
        },
    )


def test_a_long_proposal_is_paginated_with_reasons():
    round_ = round_with(30, [(999, "odd_one_out"), (998, "no_common_language")])
    lines = preview_lines(round_, CATALOGUE, "en")
    assert len(lines) == 30 + 1 + 2
    assert "<@100> → <@200>: SEO · <@200> → <@100>: Finance" in lines[0] and "same city" in lines[0]
    assert lines[-2] == "• <@999>: odd one out (first in line next round)"
    pages = page_count(lines)
    assert pages == -(-33 // LINES_PER_PAGE) == 3
    last = preview_embed(round_, lines, pages - 1, "en")
    assert "no reciprocal partner speaks a common language" in last.description
    assert last.footer.text == "Page 3/3 · 30 pairs · 2 unmatched"
    assert all(len(preview_embed(round_, lines, page, "fr").description) <= 4096 for page in range(pages))


def test_buttons_page_and_only_offer_confirm_when_there_are_pairs():
    round_ = round_with(30, [])
    view = preview_view(round_, pages=3, page=0, locale="fr")
    ids = [item.item.custom_id for item in view.children]
    assert ids == [
        "binome:round:7:page:0",
        "binome:round:7:page:1",
        "binome:round:7:confirm:0",
        "binome:round:7:cancel:0",
    ]
    assert view.children[0].item.disabled and not view.children[1].item.disabled
    empty = preview_view(round_with(0, [(5, "no_reciprocal_partner")]), pages=1, page=0, locale="fr")
    assert [item.item.custom_id for item in empty.children] == ["binome:round:7:cancel:0"]


def test_the_preview_says_which_skills_would_help_and_what_exclusions_ruled_out():
    round_ = round_with(1, [])
    round_.proposal["unmatched"] = [
        {"user_id": 5, "reason": "no_reciprocal_partner", "suggested_skills": ["finance", "seo"]},
        {"user_id": 6, "reason": "no_reciprocal_partner", "suggested_learning": ["seo"]},
        {"user_id": 7, "reason": "only_excluded_partners"},
        {"user_id": 8, "reason": "only_same_organization"},
    ]
    round_.proposal["blocked"] = {"exclusions": 1, "organizations": 3}
    lines = preview_lines(round_, CATALOGUE, "en")
    assert lines[2].endswith("adding one of these to what they teach would help: Finance, SEO")
    assert lines[3].endswith("adding one of these to what they learn would help: SEO")
    assert "ruled out by an exclusion" in lines[4] and "same organization" in lines[5]
    assert lines[-2:] == [
        "🚫 1 possible pair was ruled out by exclusions.",
        "🏢 3 possible pairs were ruled out because both are in the same organization.",
    ]
    french = preview_lines(round_, CATALOGUE, "fr")
    assert "Référencement (SEO)" in french[3] and french[-1].startswith("🏢 3 binômes possibles")


def test_a_page_writes_only_its_own_lines_and_matches_the_whole_preview():
    round_ = round_with(40, [(999, "odd_one_out"), (998, "no_common_language")])
    round_.proposal["blocked"] = {"exclusions": 2}
    every = preview_lines(round_, CATALOGUE, "en")
    assert line_count(round_.proposal) == len(every) == 40 + 1 + 2 + 1
    pages = page_count(every)
    for page in range(pages):
        lines, total, shown = page_lines(round_, CATALOGUE, "en", page)
        assert (total, shown) == (pages, page)
        assert lines == every[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]
        assert (
            page_embed(round_, lines, page, total, "en").description
            == preview_embed(round_, every, page, "en").description
        )
    assert page_lines(round_, CATALOGUE, "en", 99)[2] == pages - 1  # a stale page number shows the last page
    empty = round_with(0, [])
    nobody = ["Nobody is available for matching (everyone is paired, paused, or has not joined)."]
    assert page_lines(empty, CATALOGUE, "en", 0) == (nobody, 1, 0)
    assert preview_lines(empty, CATALOGUE, "en") == nobody
