"""Self-ratings of progress: objectives as items, ratings 1–5, and the moderators' aggregates."""

from bot.domain.progress import (
    MAX_RATED_OBJECTIVES,
    LedMost,
    ProgressStage,
    Rated,
    change,
    figures,
    objective_items,
    parse_rating,
)

START, MID, END = ProgressStage.START, ProgressStage.MID, ProgressStage.END


def test_objectives_are_rated_one_by_one_and_none_is_left_out():
    assert objective_items("- Lire un bilan\n\n2) Lever des fonds\n• Recruter") == [
        "Lire un bilan",
        "Lever des fonds",
        "Recruter",
    ]
    assert objective_items("") == [] and objective_items("Un seul objectif") == ["Un seul objectif"]
    many = objective_items("\n".join(f"objectif {n}" for n in range(1, 8)))
    assert len(many) == MAX_RATED_OBJECTIVES
    assert many[-1] == "objectif 4 · objectif 5 · objectif 6 · objectif 7", "the rest is gathered, not dropped"


def test_ratings_are_whole_numbers_from_1_to_5():
    assert [parse_rating(v) for v in ("1", " 5 ", "3")] == [1, 5, 3]
    assert [parse_rating(v) for v in ("0", "6", "10", "-1", "2.5", "", "deux", None)] == [None] * 8


def test_change_per_objective():
    before, after = Rated(START, (2, 1), 2), Rated(MID, (4, 1, 3), 3)
    assert change(before, after) == (2, 0, None)
    assert change(None, after) == ()


def test_moderators_see_averages_only_from_two_members_on():
    rows = [(1, 10, 0, START, 2.0, 2, None)]
    alone = figures(rows)
    assert alone.stages[START].raters == 1 and alone.stages[START].objectives is None, "one member: no average"
    rows += [
        (1, 11, 0, START, 1.0, 1, None),
        (1, 10, 0, MID, 4.0, 4, LedMost.ME),
        (1, 11, 0, MID, 3.0, 3, LedMost.ME),
        (2, 20, 0, MID, 5.0, 5, LedMost.EQUAL),
    ]
    seen = figures(rows)
    assert (seen.stages[START].objectives, seen.stages[START].goal) == (1.5, 1.5)
    assert seen.stages[MID].raters == 3 and seen.stages[MID].objectives == 4.0
    assert seen.change_mid == 2.0 and seen.change_end is None and seen.rated_twice == 2
    assert (seen.led_answers, seen.led_equal, seen.led_disagree) == (3, 1, 1), "both said 'me' in pair 1"
    assert figures([]).empty
