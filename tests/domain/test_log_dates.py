"""The days offered while typing `/pair log date:`, and reading what was typed."""

from datetime import date

from bot.domain.log_dates import matching, offered_days, read_day

TODAY = date(2026, 12, 2)  # a Wednesday


def test_today_yesterday_and_the_week_before_never_before_the_start():
    week = [date(2026, 12, 2), date(2026, 12, 1), *(date(2026, 11, day) for day in (30, 29, 28, 27, 26))]
    assert offered_days(TODAY, date(2026, 1, 1)) == week
    assert offered_days(TODAY, date(2026, 12, 1)) == [TODAY, date(2026, 12, 1)], "the pair started yesterday"
    assert offered_days(TODAY, TODAY) == [TODAY]


OFFER = [
    (date(2026, 12, 2), "Aujourd'hui, mercredi 2 décembre"),
    (date(2026, 12, 1), "Hier, mardi 1 décembre"),
    (date(2026, 11, 30), "lundi 30 novembre"),
]


def test_what_is_typed_is_matched_against_the_labels_accents_and_case_folded():
    assert [day for day, _ in matching("hier", OFFER)] == [date(2026, 12, 1)]
    assert [day for day, _ in matching("DECEMBRE", OFFER)] == [date(2026, 12, 2), date(2026, 12, 1)]
    assert [day for day, _ in matching("2026-11", OFFER)] == [date(2026, 11, 30)]
    assert matching("", OFFER) == OFFER
    assert matching("mars", OFFER) == []


def test_a_typed_day_is_an_iso_date_or_the_one_label_it_names():
    assert read_day("2026-10-15", OFFER) == date(2026, 10, 15)  # the service then checks the range
    assert read_day(" Lundi ", OFFER) == date(2026, 11, 30)
    assert read_day("décembre", OFFER) is None, "two days match: not a choice"
    assert read_day("demain", OFFER) is None
    assert read_day("31/12/2026", OFFER) is None
