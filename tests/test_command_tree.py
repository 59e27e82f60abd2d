"""The command tree as Discord will receive it: names, options and French localizations."""

import pytest

from bot.client.bot import Binome, discover_extensions
from bot.client.command_sync import command_fingerprint
from bot.client.translator import CatalogueTranslator
from bot.clock import FixedClock
from bot.db.engine import Database
from bot.settings import Settings


@pytest.fixture
async def loaded_bot(tmp_path, clock: FixedClock):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'tree.db'}")
    bot = Binome(Settings(), db, clock)
    await bot.tree.set_translator(CatalogueTranslator())
    for extension in discover_extensions():
        await bot.load_extension(extension)
    yield bot
    await db.close()


async def payloads(bot: Binome) -> dict[str, dict]:
    translator = bot.tree.translator
    return {c.name: await c.get_translated_payload(bot.tree, translator) for c in bot.tree.get_commands()}


async def test_mentoring_group_has_the_member_commands_in_french_and_english(loaded_bot):
    commands = await payloads(loaded_bot)
    mentoring = commands["mentoring"]
    assert mentoring["name_localizations"]["fr"] == "mentorat"
    subcommands = {option["name"]: option for option in mentoring["options"]}
    assert set(subcommands) == {"join", "profile", "pause", "resume", "leave", "my-data", "avoid"}
    french = {option["name_localizations"]["fr"] for option in subcommands.values()}
    assert french == {"rejoindre", "profil", "pause", "reprendre", "quitter", "mes-donnees", "eviter"}
    for option in subcommands.values():
        assert option["description_localizations"]["fr"] and option["description"]
    member_option = subcommands["profile"]["options"][0]
    assert (member_option["name"], member_option["name_localizations"]["fr"]) == ("member", "membre")


async def test_admin_group_is_hidden_from_non_moderators_by_default(loaded_bot):
    admin = (await payloads(loaded_bot))["mentoring-admin"]
    assert admin["name_localizations"]["fr"] == "mentorat-admin"
    assert int(admin["default_member_permissions"]) == 1 << 5  # Manage Server
    setup = next(option for option in admin["options"] if option["name"] == "setup")
    assert {o["name"] for o in setup["options"]} >= {"moderator-role", "pair-category", "ended-pairs"}


async def test_fingerprint_is_stable_and_follows_the_commands(loaded_bot):
    first = await command_fingerprint(loaded_bot)
    assert first == await command_fingerprint(loaded_bot)
    await loaded_bot.unload_extension("cogs.admin")
    assert await command_fingerprint(loaded_bot) != first


async def test_the_community_commands_have_french_names_and_descriptions(loaded_bot):
    commands = await payloads(loaded_bot)
    admin = {option["name"]: option for option in commands["mentoring-admin"]["options"]}
    expected = {"skills": "competences", "exclude": "exclure", "announce": "annoncer"}
    assert {name: admin[name]["name_localizations"]["fr"] for name in expected} == expected
    skills = {option["name"]: option for option in admin["skills"]["options"]}
    assert {name: o["name_localizations"]["fr"] for name, o in skills.items()} == {
        "list": "liste",
        "add": "ajouter",
        "rename": "renommer",
        "remove": "retirer",
    }
    for option in [*skills.values(), admin["exclude"], admin["announce"], admin["skills"]]:
        assert option["description_localizations"]["fr"] and option["description"]
    assert {o["name"]: o.get("autocomplete") for o in skills["rename"]["options"]}["skill"] is True
    assert [o["name_localizations"]["fr"] for o in skills["add"]["options"]] == ["francais", "anglais", "domaine"]
    setup = {o["name"]: o for o in admin["setup"]["options"]}
    assert setup["organizations"]["name_localizations"]["fr"] == "organisations"
    avoid = next(o for o in commands["mentoring"]["options"] if o["name"] == "avoid")
    assert avoid["name_localizations"]["fr"] == "eviter"
    assert avoid["options"][0]["name_localizations"]["fr"] == "membre" and avoid["options"][0]["required"]
