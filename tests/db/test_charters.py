"""The pair charter on a real database (SQLite and PostgreSQL): writing, limits, signing."""

from __future__ import annotations

import asyncio

import pytest

from bot.db.models import Charter, Pair
from bot.domain.charter import FRAME_PARTS, LIMITS, MAX_FRAME_PART, MAX_GOAL, MAX_NOTE, MAX_OBJECTIVES, clean
from bot.i18n import SUPPORTED, catalogue
from bot.services.charters import Charters, NotInPair, Signature

GUILD, A, B, STRANGER = 7, 101, 102, 103

FRAME = {
    "frequency": "Chaque semaine, le mardi soir",
    "duration": "Une heure",
    "meeting_format": "La première fois en personne, ensuite en visio",
    "confidentiality": "Ce qu'on se dit reste entre nous",
    "ending": "Un simple message suffit, sans se justifier",
}


async def new_pair(database, clock) -> int:
    async with database.session() as session:
        pair = Pair(
            guild_id=GUILD, member_a_id=A, member_b_id=B, status="active", origin="manual", created_at=clock.now()
        )
        session.add(pair)
        await session.flush()
        return pair.id


async def complete(charters: Charters, pair_id: int) -> None:
    assert (await charters.update_frame(pair_id, FRAME)).saved
    assert (await charters.update_objectives(pair_id, A, "Comprendre la finance d'une PME")).saved
    assert (await charters.update_objectives(pair_id, B, "Apprendre à animer une page")).saved
    assert (await charters.update_goal(pair_id, "Écrire un article à deux")).saved


async def stored(database, pair_id: int) -> Charter:
    async with database.session() as session:
        charter = await session.get(Charter, pair_id)
        assert charter is not None
        return charter


async def test_written_by_both_then_signed_by_both(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    empty = await charters.get_or_create(pair_id)
    assert empty.shared_goal == "" and empty.goal_progress == 0 and empty.signed_a_at is None
    assert (await charters.get_or_create(pair_id)).pair_id == pair_id  # once per pair

    # Each member writes their own side; the frame and the goal are common.
    await complete(charters, pair_id)
    charter = await stored(database, pair_id)
    assert charter.objectives_a == "Comprendre la finance d'une PME"
    assert charter.objectives_b == "Apprendre à animer une page"
    assert {part: getattr(charter, part) for part in FRAME_PARTS} == FRAME
    assert charter.shared_goal == "Écrire un article à deux"

    first = await charters.sign(pair_id, A)
    assert first.result is Signature.SIGNED and first.charter.signed_a_at == clock.now()
    assert (await charters.sign(pair_id, A)).result is Signature.ALREADY_SIGNED
    clock.advance(minutes=5)
    second = await charters.sign(pair_id, B)
    assert second.result is Signature.BOTH_SIGNED
    charter = await stored(database, pair_id)
    assert charter.signed_a_at is not None and charter.signed_b_at == clock.now()
    assert (await charters.sign(pair_id, B)).result is Signature.ALREADY_SIGNED


async def test_signing_needs_every_part_and_says_which_are_missing(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    empty = await charters.sign(pair_id, A)
    assert empty.result is Signature.INCOMPLETE
    assert empty.missing == [*FRAME_PARTS, "objectives_a", "objectives_b", "shared_goal"]

    await charters.update_frame(pair_id, {**FRAME, "ending": "   "})  # blanks count as empty
    await charters.update_objectives(pair_id, B, "Apprendre à animer une page")
    partial = await charters.sign(pair_id, B)
    assert partial.result is Signature.INCOMPLETE
    assert partial.missing == ["ending", "objectives_a", "shared_goal"]
    charter = await stored(database, pair_id)
    assert charter.signed_a_at is None and charter.signed_b_at is None


async def test_an_edit_after_signing_clears_both_signatures(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    await complete(charters, pair_id)
    await charters.sign(pair_id, A)
    await charters.sign(pair_id, B)

    # Submitting the same texts again changes nothing: the signatures stay.
    same = await charters.update_frame(pair_id, {**FRAME, "duration": "  Une heure \n"})
    assert same.saved and not same.changed and not same.signatures_cleared
    assert (await stored(database, pair_id)).signed_b_at is not None

    # Progress on the goal is not part of what was signed.
    progress = await charters.set_progress(pair_id, 40, "Plan de l'article fait")
    assert progress.saved and progress.charter.goal_progress == 40
    charter = await stored(database, pair_id)
    assert (charter.goal_progress, charter.goal_note) == (40, "Plan de l'article fait")
    assert charter.signed_a_at is not None and charter.signed_b_at is not None

    for edit in (
        lambda: charters.update_objectives(pair_id, B, "Apprendre à animer une page et une newsletter"),
        lambda: charters.update_goal(pair_id, "Écrire deux articles à deux"),
        lambda: charters.update_frame(pair_id, {"frequency": "Toutes les deux semaines"}),
    ):
        await charters.sign(pair_id, A)
        await charters.sign(pair_id, B)
        outcome = await edit()
        assert outcome.saved and outcome.changed and outcome.signatures_cleared
        charter = await stored(database, pair_id)
        assert charter.signed_a_at is None and charter.signed_b_at is None
    # An edit on an unsigned charter has no signature to clear.
    assert not (await charters.update_goal(pair_id, "Écrire trois articles")).signatures_cleared
    # The frame edit above changed only the part it named.
    assert (await stored(database, pair_id)).duration == FRAME["duration"]


async def test_texts_over_the_limits_are_refused_and_nothing_is_stored(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    await complete(charters, pair_id)
    before = await stored(database, pair_id)

    frame = await charters.update_frame(
        pair_id, {**FRAME, "frequency": "Le lundi", "confidentiality": "x" * (MAX_FRAME_PART + 1)}
    )
    assert not frame.saved
    [problem] = frame.too_long
    assert (problem.part, problem.limit, problem.length) == ("confidentiality", MAX_FRAME_PART, MAX_FRAME_PART + 1)
    objectives = await charters.update_objectives(pair_id, A, "y" * (MAX_OBJECTIVES + 1))
    assert [(p.part, p.limit) for p in objectives.too_long] == [("objectives", MAX_OBJECTIVES)]
    goal = await charters.update_goal(pair_id, "z" * (MAX_GOAL + 1))
    assert [(p.part, p.limit) for p in goal.too_long] == [("shared_goal", MAX_GOAL)]
    note = await charters.set_progress(pair_id, 50, "n" * (MAX_NOTE + 1))
    assert [(p.part, p.limit) for p in note.too_long] == [("goal_note", MAX_NOTE)]

    after = await stored(database, pair_id)
    for column in (*FRAME_PARTS, "objectives_a", "shared_goal", "goal_progress", "goal_note"):
        assert getattr(after, column) == getattr(before, column), column  # not even the valid "Le lundi"

    # Exactly at the limit is fine; surrounding blanks do not count.
    at_limit = await charters.update_frame(pair_id, {"ending": " " + "e" * MAX_FRAME_PART + "\n\n"})
    assert at_limit.saved and (await stored(database, pair_id)).ending == "e" * MAX_FRAME_PART
    assert (await charters.update_objectives(pair_id, B, "o" * MAX_OBJECTIVES)).saved
    assert (await charters.update_goal(pair_id, "g" * MAX_GOAL)).saved
    assert (await charters.set_progress(pair_id, None, "n" * MAX_NOTE)).saved


async def test_only_the_two_members_write_their_objectives_and_sign(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    await complete(charters, pair_id)
    with pytest.raises(NotInPair):
        await charters.update_objectives(pair_id, STRANGER, "Je m'invite")
    with pytest.raises(NotInPair):
        await charters.sign(pair_id, STRANGER)
    charter = await stored(database, pair_id)
    assert "Je m'invite" not in (charter.objectives_a, charter.objectives_b)
    assert charter.signed_a_at is None and charter.signed_b_at is None


async def test_two_signatures_at_the_same_moment_complete_the_charter_once(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    await complete(charters, pair_id)
    outcomes = await asyncio.gather(charters.sign(pair_id, A), charters.sign(pair_id, B))
    assert sorted(o.result.value for o in outcomes) == ["both_signed", "signed"]


async def test_panel_and_pinned_message_ids_are_recorded(database, clock):
    pair_id = await new_pair(database, clock)
    charters = Charters(database, clock)
    assert await charters.record_panel(pair_id, 1111) is None
    assert await charters.record_panel(pair_id, 2222) == 1111
    assert await charters.record_pinned(pair_id, 3333) is None
    assert await charters.record_pinned(pair_id, 4444) == 3333
    charter = await stored(database, pair_id)
    assert (charter.panel_message_id, charter.pinned_message_id) == (2222, 4444)


def test_cleaning_keeps_the_text_and_drops_the_noise():
    assert clean("  Une heure \r\n\r\n\r\n\r\nle mardi  ") == "Une heure\n\nle mardi"
    assert clean(None) == ""


def test_every_message_built_from_charter_parts_exists():
    keys = [f"charter.parts.{part}" for part in FRAME_PARTS]
    keys += [
        f"charter.modal.{part}{suffix}" for part in LIMITS if part != "goal_note" for suffix in ("", "_placeholder")
    ]
    keys += [
        f"charter.{table}.{action}" for table in ("buttons", "saved") for action in ("frame", "objectives", "goal")
    ]
    keys += [f"charter.modal.title_{kind}" for kind in ("frame", "objectives", "goal")]
    for locale in SUPPORTED:
        assert [key for key in keys if key not in catalogue(locale)] == [], locale


def test_the_longest_charter_fits_in_one_embed():
    from datetime import UTC, datetime

    from cogs.pair.charter_render import goal_embed, panel_embed, signed_embed

    now = datetime(2026, 11, 23, tzinfo=UTC)
    longest = Charter(
        **dict.fromkeys(FRAME_PARTS, "f" * MAX_FRAME_PART),
        objectives_a="a" * MAX_OBJECTIVES,
        objectives_b="b" * MAX_OBJECTIVES,
        shared_goal="g" * MAX_GOAL,
        goal_progress=100,
        goal_note="n" * MAX_NOTE,
        signed_a_at=now,
        signed_b_at=now,
    )
    pair = Pair(id=1, member_a_id=2**63 - 1, member_b_id=2**63 - 2)
    for locale in SUPPORTED:
        for embed in (
            panel_embed(longest, pair, lambda _: "N" * 32, locale),
            signed_embed(longest, pair, lambda _: "N" * 32, locale),
            goal_embed(longest, locale),
        ):
            assert len(embed) <= 6000 and len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
            assert all(len(f.name or "") <= 256 and 0 < len(f.value or "") <= 1024 for f in embed.fields)
