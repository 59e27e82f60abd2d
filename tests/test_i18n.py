from collections.abc import Mapping

from bot.i18n import SUPPORTED, babel_locale, catalogue, placeholders, supported_locale, t


def test_every_message_exists_in_every_language_with_the_same_placeholders():
    reference = catalogue("fr")
    assert reference, "the French catalogue is empty"
    for locale in SUPPORTED:
        messages = catalogue(locale)
        assert set(messages) == set(reference), f"{locale} differs: {set(messages) ^ set(reference)}"
        for key, text in messages.items():
            assert placeholders(text) == placeholders(reference[key]), key
            # A plural message is plural in every language, and counts with {count}.
            assert isinstance(text, Mapping) == isinstance(reference[key], Mapping), key


def test_plural_messages_have_the_forms_their_language_uses():
    for locale in SUPPORTED:
        categories = set(babel_locale(locale).plural_form.tags) | {"other"}
        for key, message in catalogue(locale).items():
            if isinstance(message, Mapping):
                assert {"one", "other"} <= set(message) <= categories, (locale, key, set(message))
                assert all("{count}" in text for text in message.values()), (locale, key)


def test_command_names_follow_discord_rules():
    import re

    for locale in SUPPORTED:
        for key, text in catalogue(locale).items():
            if key.startswith("commands.") and key.endswith(".name"):
                assert re.fullmatch(r"[-_\w]{1,32}", text) and text == text.lower(), (locale, key, text)
            if key.startswith("commands.") and key.endswith(".description"):
                assert 1 <= len(text) <= 100, (locale, key)


def test_discord_locales_map_to_ours():
    assert supported_locale("fr") == "fr"
    assert supported_locale("en-US") == "en"
    assert supported_locale("en-GB") == "en"
    assert supported_locale("de") is None
    assert supported_locale(None) is None


def test_translation_fills_placeholders_and_falls_back_to_french():
    assert "42" in t("common.errors.cooldown", "en", seconds=42)
    assert t("common.buttons.confirm", "de") == t("common.buttons.confirm", "fr") == "Confirmer"
    assert t("common.buttons.confirm", "en-US") == "Confirm"
    # A missing parameter stays visible rather than crashing the reply.
    assert "{seconds}" in t("common.errors.cooldown", "en")


def test_plural_forms_follow_cldr_rules(tmp_path, monkeypatch):
    import bot.i18n as i18n

    (tmp_path / "fr").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "fr" / "demo.toml").write_text(
        '[pairs]\ncount = { one = "{count} binôme", many = "{count} de binômes", other = "{count} binômes" }\n'
    )
    (tmp_path / "en" / "demo.toml").write_text('[pairs]\ncount = { one = "{count} pair", other = "{count} pairs" }\n')
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        french = [t("demo.pairs.count", "fr", count=n) for n in (0, 1, 2, 5)]
        english = [t("demo.pairs.count", "en", count=n) for n in (0, 1, 2, 5)]
        assert french == ["0 binôme", "1 binôme", "2 binômes", "5 binômes"]  # French: 0 is singular
        assert english == ["0 pairs", "1 pair", "2 pairs", "5 pairs"]
        assert t("demo.pairs.count", "fr", count=1_000_000) == "1\u202f000\u202f000 de binômes"  # CLDR "many"
        assert t("demo.pairs.count", "en", count=1500) == "1,500 pairs"
    finally:
        i18n.catalogue.cache_clear()


def test_dates_are_written_as_each_language_does():
    from datetime import UTC, date, datetime, time

    from bot.i18n.dates import day_and_month, discord_timestamp, join_list, long_date, short_time, weekday_name

    monday = date(2026, 11, 30)
    assert day_and_month(monday, "fr") == "lundi 30 novembre"
    assert day_and_month(monday, "en") == "Monday, November 30"
    assert long_date(monday, "fr") == "30 novembre 2026"
    assert long_date(monday, "en-US") == "November 30, 2026"
    assert short_time(time(14, 5), "fr") == "14:05"
    assert short_time(time(14, 5), "en").replace("\u202f", " ") == "2:05 PM"
    assert (weekday_name(0, "fr"), weekday_name(6, "en")) == ("lundi", "Sunday")
    assert join_list(["Emma", "Marc", "Léa"], "fr") == "Emma, Marc et Léa"
    assert join_list(["Emma", "Marc"], "en", "or") == "Emma or Marc"
    assert discord_timestamp(datetime(2026, 11, 30, 14, 0, tzinfo=UTC), "D") == "<t:1796047200:D>"


def test_every_message_key_in_the_code_exists():
    import re
    from pathlib import Path

    from bot.i18n import LOCALES_DIR

    features = "|".join(sorted(p.stem for p in (LOCALES_DIR / "en").glob("*.toml")))
    # `cmd("x.y")` refers to `commands.x.y`; any other literal "feature.table.name" is a message key.
    literal = re.compile(rf"""(cmd\()?["']((?:{features})\.[a-z0-9_.]+|(?<=cmd\(["'])[a-z0-9_.]+)["']""")
    root = Path(__file__).resolve().parent.parent
    missing = []
    sources = [*root.glob("bot/**/*.py"), *root.glob("cogs/**/*.py")]
    for source in [s for s in sources if "bot/db/" not in s.as_posix()]:  # "pairs.id" there is a foreign key
        for in_cmd, key in literal.findall(source.read_text()):
            full_key = f"commands.{key}" if in_cmd else key
            if not key.endswith(".") and full_key not in catalogue("en"):
                missing.append(f"{source.relative_to(root)}: {full_key}")
    assert not missing, "\n".join(missing)


def test_messages_built_from_domain_values_exist():
    from bot.domain.matching import PairIssue, UnmatchedReason
    from bot.domain.profiles import ProfileProblem

    keys = [f"onboarding.problems.{problem.value}" for problem in ProfileProblem]
    keys += [f"admin.match.reason_{reason.value}" for reason in UnmatchedReason]
    keys += [f"admin.pair.warning_{issue.value}" for issue in PairIssue]
    keys += [f"admin.pair.{blocker}" for blocker in ("same_member", "not_joined", "already_paired")]
    keys += [f"pairs.ended.moderators_{reason}" for reason in ("member_left_server", "member_left_program", "unpaired")]
    keys += [f"admin.match.already_{status}" for status in ("confirmed", "cancelled")]
    for locale in SUPPORTED:
        assert [key for key in keys if key not in catalogue(locale)] == [], locale


def test_every_plural_form_has_the_same_placeholders_in_both_languages():
    reference = catalogue("fr")
    for locale in SUPPORTED:
        for key, message in catalogue(locale).items():
            if isinstance(message, Mapping):
                forms = {category: placeholders(text) for category, text in message.items()}
                assert all(fields == placeholders(reference[key]) for fields in forms.values()), (locale, key, forms)


def test_no_message_writes_its_plural_or_gender_by_hand():
    import re

    by_hand = re.compile(r"\((?:s|e|es|x|nt)\)|binôme\(s\)|pair\(s\)", re.IGNORECASE)
    for locale in SUPPORTED:
        for key, message in catalogue(locale).items():
            for text in message.values() if isinstance(message, Mapping) else [message]:
                assert not by_hand.search(text), (locale, key, text)


def test_real_plural_messages_in_both_languages():
    counts = (0, 1, 2, 5)
    assert [t("weekly.remind_now.paused", "fr", count=n) for n in counts] == [
        "0 binôme en pause",
        "1 binôme en pause",
        "2 binômes en pause",
        "5 binômes en pause",
    ]
    assert [t("weekly.remind_now.paused", "en", count=n) for n in counts] == [
        "0 paused pairs",
        "1 paused pair",
        "2 paused pairs",
        "5 paused pairs",
    ]
    assert [t("console.count.created", "fr", count=n) for n in counts] == [
        "0 binôme créé",
        "1 binôme créé",
        "2 binômes créés",
        "5 binômes créés",
    ]
    assert [t("admin.match.done", "en", created=n, count=n).split(",")[0] for n in counts] == [
        "✅ 0/0 pairs created",
        "✅ 1/1 pair created",
        "✅ 2/2 pairs created",
        "✅ 5/5 pairs created",
    ]
    assert t("admin.match.done", "fr", created=0, count=1).startswith("✅ 0/1 binôme créé,")
    assert t("onboarding.problems.unknown_language", "en", count=2, skills="xx, yy") == "2 unknown languages: xx, yy."


def test_dates_in_messages_are_written_as_each_language_does():
    from datetime import UTC, date, datetime

    from bot.i18n.dates import day_and_month, discord_timestamp

    monday = date(2026, 11, 30)
    fr = t("weekly.message.text", "fr", date=day_and_month(monday, "fr"), mentor="A", learner="B", topic="SEO")
    en = t("weekly.message.text", "en", date=day_and_month(monday, "en"), mentor="A", learner="B", topic="SEO")
    assert "Semaine du lundi 30 novembre" in fr and "Week of Monday, November 30" in en
    assert (
        t("checkins.dates.yesterday", "fr", date=day_and_month(date(2026, 11, 29), "fr"))
        == "Hier, dimanche 29 novembre"
    )
    assert t("checkins.dates.today", "en", date=day_and_month(monday, "en")) == "Today, Monday, November 30"
    end = discord_timestamp(datetime(2027, 1, 16, 9, 0, tzinfo=UTC), "D")
    assert t("ending.cycle.continue_mid", "fr", member="A", end=end).endswith(f"le {end}.")
