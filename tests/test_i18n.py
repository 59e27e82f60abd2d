from bot.i18n import SUPPORTED, catalogue, placeholders, supported_locale, t


def test_every_message_exists_in_every_language_with_the_same_placeholders():
    reference = catalogue("fr")
    assert reference, "the French catalogue is empty"
    for locale in SUPPORTED:
        messages = catalogue(locale)
        assert set(messages) == set(reference), f"{locale} differs: {set(messages) ^ set(reference)}"
        for key, text in messages.items():
            assert placeholders(text) == placeholders(reference[key]), key


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
