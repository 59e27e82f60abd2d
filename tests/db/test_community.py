"""The community's rules on a real database (SQLite and PostgreSQL): the server's own catalogue, who
must not be paired, rounds announced ahead, and self-ratings of progress."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.models import Pair, RoundAnnouncement
from bot.domain.announcements import AVAILABLE, SKIP
from bot.domain.catalogue import MAX_SKILLS
from bot.domain.progress import LedMost, ProgressStage
from bot.domain.skills import DEFAULT_CATALOGUE
from bot.services.announcements import Announcements, Answered
from bot.services.catalogue import CatalogueError, SkillCatalogue
from bot.services.console import ConsoleServices
from bot.services.exclusions import Added, Exclusions, Refusal
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.progress import BadRating, NotRatable, ProgressRatings, Saved, current_cycle
from bot.services.rounds import MatchingRounds
from tests.db.test_rounds import GUILD, MOD, onboard
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT


async def refused(call) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        await call
    return caught.value


# --- the catalogue ----------------------------------------------------------------------------


async def test_a_server_builds_its_own_catalogue_of_more_than_200_skills(database, clock):
    skills = SkillCatalogue(database, clock)
    first = await skills.add(GUILD, "Design d'interface", "Interface design", "Design & UX")
    assert (first.skill.key, first.skill.side_name, first.live) == ("interface-design", "Design & UX", 13)
    same_side = await skills.add(GUILD, "Typographie", "Typography", "design & ux")
    assert (same_side.skill.side, same_side.skill.side_name) == (first.skill.side, "Design & UX")
    for number in range(MAX_SKILLS - 14):
        await skills.add(GUILD, f"Compétence {number}", f"Skill {number}", "web" if number % 2 else "business")
    assert len([s for s in await skills.all(GUILD) if not s.removed]) == MAX_SKILLS
    full = await refused(skills.add(GUILD, "Une de trop", "One too many", "web"))
    assert full.key == "full" and full.params == {"limit": MAX_SKILLS}
    # Another server's catalogue is its own: still the default twelve.
    assert [s.key for s in await Membership(database, clock).catalogue(GUILD + 1)] == [s.key for s in DEFAULT_CATALOGUE]


async def test_bad_labels_and_sides_are_refused_whole(database, clock):
    skills = SkillCatalogue(database, clock)
    duplicate = await refused(skills.add(GUILD, "REFERENCEMENT (seo)", "Search", "web"))
    assert (duplicate.key, duplicate.params["other"]) == ("duplicate", "Référencement (SEO)")
    assert (await refused(skills.add(GUILD, "Vidéo", "", "web"))).key == "label_empty"
    assert (await refused(skills.add(GUILD, "V" * 81, "Video", "web"))).key == "label_too_long"
    assert (await refused(skills.add(GUILD, "Vidéo", "Video", " "))).key == "side_empty"
    assert (await refused(skills.add(GUILD, "Vidéo", "Video", "s" * 41))).key == "side_too_long"
    assert (await refused(skills.rename(GUILD, "seo", None, None))).key == "rename_nothing"
    assert (await refused(skills.rename(GUILD, "seo", "Référencement (SEO)", None))).key == "rename_same"
    assert (await refused(skills.rename(GUILD, "seo", "Finance", None))).key == "duplicate"
    assert (await refused(skills.rename(GUILD, "nope", "X", None))).key == "unknown"
    assert len(await skills.all(GUILD)) == len(DEFAULT_CATALOGUE), "nothing was added"


async def test_a_removed_skill_leaves_menus_and_matching_but_keeps_naming_history(database, clock):
    ids = await onboard(database, clock, web=WEB_DRAFT, business=BUSINESS_DRAFT)
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    await rounds.confirm(round_.id, MOD, present=set(ids.values()))  # a pair teaching seo, social-media...
    skills = SkillCatalogue(database, clock)

    check = await skills.check_removal(GUILD, "seo")
    assert (check.usage.members, check.usage.pairs) == (2, 1)
    assert (await skills.check_removal(GUILD, "legal")).usage.in_use is False
    await skills.remove(GUILD, "seo")
    assert (await refused(skills.remove(GUILD, "seo"))).key == "unknown"
    membership = Membership(database, clock)
    catalogue = {s.key: s for s in await membership.catalogue(GUILD)}
    assert catalogue["seo"].removed and catalogue["seo"].name("fr") == "Référencement (SEO)"
    profile = await membership.profile(GUILD, ids["web"])
    assert profile.skill_keys("teach") == ["social-media"] and profile.removed_skill_keys("teach") == ["seo"]
    assert "seo" not in (await membership.draft(GUILD, ids["web"])).teaches
    draft = dataclasses.replace(WEB_DRAFT, teaches={"seo"})
    assert not (await membership.save(GUILD, 300, draft)).saved, "a removed skill can no longer be chosen"
    async with database.session() as session:
        pair = (await session.scalars(select(Pair))).one()
    assert "seo" in pair.a_teaches_b + pair.b_teaches_a, "the pair keeps what it was matched on"

    # The web side keeps at least one skill: its last one cannot go.
    for key in ("social-media", "e-commerce", "content", "analytics"):
        await skills.remove(GUILD, key)
    last = await refused(skills.remove(GUILD, "no-code"))
    assert (last.key, last.params["side"]) == ("last_of_side", "web")


# --- who must not be paired -------------------------------------------------------------------


async def test_avoid_and_exclusions_refuse_bad_input(database, clock):
    ids = await onboard(database, clock, a=WEB_DRAFT, b=BUSINESS_DRAFT)
    exclusions = Exclusions(database, clock)
    a, b = ids["a"], ids["b"]
    assert await exclusions.avoid(GUILD, a, a) is Refusal.SELF
    assert await exclusions.avoid(GUILD, a, 999) is Refusal.NOT_IN_PROGRAM
    assert await exclusions.avoid(GUILD, 999, a) is Refusal.NOT_JOINED
    assert await exclusions.avoid(GUILD, a, b) == Added(paired_together=False)
    assert await exclusions.avoid(GUILD, a, b) is Refusal.ALREADY
    assert await exclusions.avoided(GUILD, a) == [b] and await exclusions.avoided(GUILD, b) == []
    assert await exclusions.unavoid(GUILD, a, b) and not await exclusions.unavoid(GUILD, a, b)

    assert await exclusions.exclude(GUILD, a, a, MOD) is Refusal.SELF
    assert isinstance(await exclusions.exclude(GUILD, b, a, MOD), Added)
    assert await exclusions.exclude(GUILD, a, b, MOD) is Refusal.ALREADY, "the same two, whatever the order"
    assert [(e.a, e.b) for e in await exclusions.exclusions(GUILD)] == [(a, b)]
    assert await exclusions.unexclude(GUILD, b, a) and await exclusions.exclusions(GUILD) == []


async def test_rounds_honour_avoid_exclusions_and_organizations(database, clock):
    acme = dataclasses.replace(BUSINESS_DRAFT, organization="Acmé")
    ids = await onboard(
        database,
        clock,
        w0=WEB_DRAFT,
        b1=BUSINESS_DRAFT,
        w2=WEB_DRAFT,
        b3=BUSINESS_DRAFT,
        w4=dataclasses.replace(WEB_DRAFT, organization="ACME"),
        b5=acme,
    )
    exclusions = Exclusions(database, clock)
    await exclusions.avoid(GUILD, ids["b1"], ids["w0"])  # either side's avoid is enough
    await exclusions.exclude(GUILD, ids["w2"], ids["b3"], MOD)
    await GuildConfigs(database, clock).update(GUILD, separate_organizations=True)
    rounds = MatchingRounds(database, clock)
    forbidden = {frozenset((ids[x], ids[y])) for x, y in (("w0", "b1"), ("w2", "b3"), ("w4", "b5"))}
    for seed in range(4):
        round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=seed)
        pairs = {frozenset((p["a"], p["b"])) for p in round_.proposal["pairs"]}
        assert len(pairs) == 3 and not pairs & forbidden
    assert round_.proposal["applied"] == {
        "avoid": 1,
        "exclusions": 1,
        "organizations": True,
        "with_organization": 2,
        "sitting_out": 0,
    }
    assert round_.proposal["blocked"] == {"exclusions": 2, "organizations": 1}

    # Organizations apart only when the server says so; a manual pair warns about it, refuses the others.
    await GuildConfigs(database, clock).update(GUILD, separate_organizations=False)
    again = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    assert again.proposal["applied"]["organizations"] is False and again.proposal["blocked"]["organizations"] == 0
    await GuildConfigs(database, clock).update(GUILD, separate_organizations=True)
    assert (await rounds.check_manual(GUILD, ids["w0"], ids["b1"])).blocker == "avoided"
    assert (await rounds.check_manual(GUILD, ids["w2"], ids["b3"])).blocker == "excluded"
    colleagues = await rounds.check_manual(GUILD, ids["w4"], ids["b5"])
    assert colleagues.blocker is None and colleagues.notes == ("same_organization",)
    assert await rounds.create_manual(GUILD, ids["w0"], ids["b1"]) is None


# --- rounds announced ahead -------------------------------------------------------------------


async def test_sitting_a_round_out_lasts_for_that_round_only(database, clock):
    ids = await onboard(database, clock, w1=WEB_DRAFT, b1=BUSINESS_DRAFT, w2=WEB_DRAFT, b2=BUSINESS_DRAFT)
    present = set(ids.values())
    announcements = Announcements(database, clock)
    first = await announcements.draft(GUILD, 50, date(2026, 12, 3), "fr", MOD)
    assert await announcements.answer(GUILD, first, ids["w1"], SKIP) is Answered.UNKNOWN, "not posted yet"
    assert await announcements.open(first, 51) is None
    assert await announcements.answer(GUILD, first, ids["w1"], SKIP) is Answered.RECORDED
    assert await announcements.answer(GUILD, first, ids["w1"], SKIP) is Answered.ALREADY
    assert await announcements.answer(GUILD, first, ids["b1"], AVAILABLE) is Answered.RECORDED
    assert await announcements.answer(GUILD, first, ids["b1"], AVAILABLE) is Answered.ALREADY
    assert await announcements.answer(GUILD, first, 999, AVAILABLE) is Answered.NOT_JOINED
    assert await announcements.answer(GUILD + 1, first, ids["b1"], SKIP) is Answered.UNKNOWN

    # A newer announcement replaces it; its answers carry over, the old one's buttons say so.
    second = await announcements.draft(GUILD, 50, date(2026, 12, 4), "fr", MOD)
    replaced = await announcements.open(second, 52)
    assert replaced is not None and replaced.id == first
    assert await announcements.answer(GUILD, first, ids["w2"], SKIP) is Answered.REPLACED
    counts = await announcements.current(GUILD)
    assert (counts.announcement_id, counts.available, counts.sitting_out) == (second, 1, 1)

    # The round leaves w1 out; its confirmation closes the announcement; w1 is back next round.
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=present, seed=0)
    assert ids["w1"] not in {m for p in round_.proposal["pairs"] for m in (p["a"], p["b"])}
    assert ids["w1"] not in {u["user_id"] for u in round_.proposal["unmatched"]}
    assert round_.proposal["announcement"] == {"id": second, "date": "2026-12-04", "available": 1, "sitting_out": 1}
    # w2 sits out after the preview: the confirmation drops w2's pair (the partner goes first next time).
    assert await announcements.answer(GUILD, second, ids["w2"], SKIP) is Answered.RECORDED
    outcome = await rounds.confirm(round_.id, MOD, present=present)
    assert outcome.announcement_id == second and outcome.pair_ids == [] and len(outcome.dropped) == 1
    assert await announcements.answer(GUILD, second, ids["b2"], AVAILABLE) is Answered.RAN
    assert await announcements.current(GUILD) is None
    async with database.session() as session:
        assert (await session.get(RoundAnnouncement, second)).round_id == round_.id
    back = await rounds.preview(GUILD, MOD, present=present, seed=0)
    assert len(back.proposal["pairs"]) == 2, "everyone is back for the next round"


async def test_who_may_say_they_are_available(database, clock):
    ids = await onboard(database, clock, w=WEB_DRAFT, b=BUSINESS_DRAFT, paused=WEB_DRAFT)
    await Membership(database, clock).set_status(GUILD, ids["paused"], "paused")
    rounds = MatchingRounds(database, clock)
    await rounds.create_manual(GUILD, ids["w"], ids["b"])
    announcements = Announcements(database, clock)
    announced = await announcements.draft(GUILD, 50, date(2026, 12, 3), "en", MOD)
    await announcements.open(announced, 51)
    assert await announcements.answer(GUILD, announced, ids["paused"], AVAILABLE) is Answered.PAUSED
    assert await announcements.answer(GUILD, announced, ids["w"], AVAILABLE) is Answered.PAIRED
    assert await announcements.answer(GUILD, announced, ids["paused"], SKIP) is Answered.RECORDED
    assert await announcements.answer(GUILD, announced, ids["paused"], AVAILABLE) is Answered.PAUSED
    await announcements.discard(announced)  # only drafts are discarded
    assert (await announcements.current(GUILD)).announcement_id == announced


# --- progress ---------------------------------------------------------------------------------


async def test_self_ratings_are_all_or_nothing_per_cycle_and_aggregated(database, clock):
    ids = await onboard(database, clock, a=WEB_DRAFT, b=BUSINESS_DRAFT)
    pair = await MatchingRounds(database, clock).create_manual(GUILD, ids["a"], ids["b"])
    pairs = PairService(database, clock)
    await pairs.channel_created(pair.id, 1, 2)
    await pairs.kickoff_sent(pair.id, 3)
    pair = await pairs.activate(pair.id)
    cycle = current_cycle(pair)
    progress = ProgressRatings(database, clock)
    a, b = pair.member_a_id, pair.member_b_id

    bad = await progress.save(pair.id, a, cycle, ProgressStage.START, ["Lire un bilan", "Lever"], ["6", "2"], "0")
    assert bad == [BadRating(1, "6"), BadRating(0, "0")]
    assert await progress.of_pair(pair.id, cycle) == {}, "nothing stored"
    with pytest.raises(NotRatable) as stale:
        await progress.save(pair.id, a, cycle - 1, ProgressStage.START, [], ["3"], "3")
    assert stale.value.reason == "stale"
    assert not await progress.set_led(pair.id, a, cycle, ProgressStage.MID, LedMost.ME), "rate first"

    assert await progress.save(pair.id, a, cycle, ProgressStage.START, ["Lire un bilan"], ["2"], "2") == Saved(False)
    assert await progress.save(pair.id, b, cycle, ProgressStage.START, [""], ["1"], "1") == Saved(True)
    again = await progress.save(pair.id, a, cycle, ProgressStage.START, ["Lire un bilan"], ["3"], "2")
    assert again == Saved(True), "rating a stage again replaces it"
    await progress.save(pair.id, a, cycle, ProgressStage.MID, ["Lire un bilan"], ["5"], "4")
    assert await progress.set_led(pair.id, a, cycle, ProgressStage.MID, LedMost.PARTNER)
    rated = await progress.of_pair(pair.id, cycle)
    assert rated[a][ProgressStage.START].ratings == (3,) and rated[a][ProgressStage.MID].goal == 4

    figures = (
        await ConsoleServices(database, clock).stats.figures(await GuildConfigs(database, clock).get(GUILD))
    ).progress
    assert figures.stages[ProgressStage.START].objectives == 2.0 and figures.stages[ProgressStage.MID].raters == 1
    assert figures.stages[ProgressStage.MID].objectives is None, "one member alone: no average shown"
    assert (figures.led_answers, figures.led_equal) == (1, 0)
