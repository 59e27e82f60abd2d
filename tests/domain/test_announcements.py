from datetime import date

from bot.domain.announcements import DateProblem, parse_round_date

TODAY = date(2026, 11, 23)


def test_a_round_date_is_today_or_later_within_a_year():
    assert parse_round_date("2026-12-03", TODAY) == date(2026, 12, 3)
    assert parse_round_date("03/12/2026", TODAY) == date(2026, 12, 3)
    assert parse_round_date(" 3.12.2026 ", TODAY) == date(2026, 12, 3)
    assert parse_round_date("2026-11-23", TODAY) == TODAY
    assert parse_round_date("2026-11-22", TODAY) is DateProblem.PAST
    assert parse_round_date("2028-01-01", TODAY) is DateProblem.TOO_FAR
    for text in ("demain", "2026-02-30", "31/02/2026", "12/2026", ""):
        assert parse_round_date(text, TODAY) is DateProblem.NOT_A_DATE, text
