"""Who reads which language: the pair's, a member's DMs (bot.domain.languages)."""

import pytest

from bot.domain.languages import both_speak, member_language, pair_language

TRANSLATED = ("fr", "en")


@pytest.mark.parametrize(
    ("first", "second", "program", "expected"),
    [
        ({"en"}, {"en"}, "fr", "en"),  # an English-only pair on a French server
        ({"fr"}, {"fr"}, "en", "fr"),  # a French pair on an English server
        ({"fr", "en"}, {"en", "fr"}, "fr", "fr"),  # they share both: the program's
        ({"fr", "en"}, {"en", "fr"}, "en", "en"),
        ({"fr", "en"}, {"en", "es"}, "fr", "en"),  # the one they share wins over the program's
        ({"es"}, {"es", "fr"}, "en", "fr"),  # shared only in Spanish: one that one of them speaks
        ({"es", "en"}, {"es", "fr"}, "fr", "fr"),  # ... the program's when both such exist
        ({"es"}, {"es"}, "en", "en"),  # nothing we translate: the program's
        ({"ar"}, {"ar", "de"}, "fr", "fr"),
    ],
)
def test_the_pairs_language_is_one_both_speak_preferring_the_programs(first, second, program, expected):
    assert pair_language(first, second, program, TRANSLATED) == expected


@pytest.mark.parametrize(
    ("chosen", "discord", "program", "expected"),
    [
        ({"fr", "en"}, "en", "fr", "en"),  # their client's language, among those they chose
        ({"fr", "en"}, "fr", "en", "fr"),
        ({"fr", "en"}, None, "en", "en"),  # no locale seen yet: the program's, they chose it
        ({"fr", "en"}, "de", "fr", "fr"),
        ({"en"}, "fr", "fr", "en"),  # a French client, an English-only member: what they chose
        ({"es"}, "en", "fr", "en"),  # chose nothing we translate: their client's language
        ({"es"}, "de", "fr", "fr"),  # ... else the program's
        (set(), None, "en", "en"),
    ],
)
def test_a_members_dms_follow_their_chosen_languages_then_their_client(chosen, discord, program, expected):
    assert member_language(chosen, discord, program, TRANSLATED) == expected


def test_after_an_edit_the_pair_may_no_longer_both_speak_its_language():
    assert both_speak("fr", {"fr", "en"}, {"fr"})
    assert not both_speak("fr", {"en"}, {"fr"})
