"""Languages on a real database: each pair's language decided when it is formed (rounds and manual
pairs), changed by the pair; the members' languages and last Discord locale kept for their DMs."""

import dataclasses

from sqlalchemy import select

from bot.db.models import MemberProfile, Pair
from bot.services.languages import LanguageChange, PairLanguages
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from tests.db.test_rounds import BUSINESS, GUILD, MOD, WEB, onboard


def speaking(draft, *languages: str):
    return dataclasses.replace(draft, languages=set(languages))


async def pair_locales(database) -> dict[frozenset[int], str | None]:
    async with database.session() as session:
        pairs = (await session.scalars(select(Pair))).all()
    return {frozenset(pair.members()): pair.locale for pair in pairs}


async def test_a_round_gives_each_pair_a_language_both_speak_preferring_the_programs(database, clock):
    ids = await onboard(
        database,
        clock,
        english_web=speaking(WEB, "en"),
        english_business=speaking(BUSINESS, "en"),
        french_web=speaking(WEB, "fr"),
        french_business=speaking(BUSINESS, "fr", "es"),
    )
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=1)
    outcome = await rounds.confirm(round_.id, MOD, present=set(ids.values()), program_locale="fr")
    assert outcome is not None and len(outcome.pair_ids) == 2
    assert await pair_locales(database) == {
        frozenset((ids["english_web"], ids["english_business"])): "en",  # on a French program
        frozenset((ids["french_web"], ids["french_business"])): "fr",
    }


async def test_a_pair_speaking_both_reads_the_programs_language(database, clock):
    ids = await onboard(database, clock, w=speaking(WEB, "fr", "en"), b=speaking(BUSINESS, "en", "fr"))
    rounds = MatchingRounds(database, clock)
    pair = await rounds.create_manual(GUILD, ids["w"], ids["b"], program_locale="en")
    assert pair is not None and pair.locale == "en"


async def test_a_manual_pair_gets_its_language_too_and_the_pair_can_change_it(database, clock):
    ids = await onboard(database, clock, w=speaking(WEB, "en", "fr"), b=speaking(BUSINESS, "en"))
    rounds = MatchingRounds(database, clock)
    pair = await rounds.create_manual(GUILD, ids["w"], ids["b"], program_locale="fr")
    assert pair is not None and pair.locale == "en", "French is the program's, but only English is shared"
    languages = PairLanguages(database, clock)
    assert await languages.set(pair.id, "fr") is LanguageChange.CHANGED
    assert await languages.set(pair.id, "fr") is LanguageChange.UNCHANGED
    assert (await PairService(database, clock).get(pair.id)).locale == "fr"
    speakers = await languages.speakers(GUILD, ids["b"])
    assert speakers is not None and speakers.pair.id == pair.id
    assert not speakers.both_speak("fr") and speakers.both_speak("en")
    await PairService(database, clock).end(pair.id, "unpaired")
    assert await languages.set(pair.id, "en") is LanguageChange.NOT_OPEN
    assert await languages.speakers(GUILD, ids["b"]) is None


async def test_without_a_program_language_given_the_one_set_in_setup_is_preferred(database, clock):
    from bot.services.guild_config import GuildConfigs

    await GuildConfigs(database, clock).update(GUILD, locale="en")
    ids = await onboard(database, clock, w=speaking(WEB, "fr", "en"), b=speaking(BUSINESS, "en", "fr"))
    pair = await MatchingRounds(database, clock).create_manual(GUILD, ids["w"], ids["b"])
    assert pair is not None and pair.locale == "en"


async def test_members_languages_and_last_discord_locale_are_kept_for_their_dms(database, clock):
    membership = Membership(database, clock)
    assert (await membership.save(GUILD, 500, speaking(WEB, "fr", "en"), discord_locale="en-US")).saved
    known = membership.locales.get(GUILD, 500)
    assert known is not None and known.languages == {"fr", "en"} and known.discord_locale == "en-US"
    # Seen with another locale: written once; the same locale again writes nothing.
    assert await membership.locales.saw(GUILD, 500, "fr") is True
    assert await membership.locales.saw(GUILD, 500, "fr") is False
    assert await membership.locales.saw(GUILD, 999, "fr") is False, "nobody without a profile is remembered"
    async with database.session() as session:
        stored = (await session.scalars(select(MemberProfile.discord_locale))).all()
    assert stored == ["fr"]
    # Another process (or a restart) reads them all back.
    fresh = Membership(database, clock)
    await fresh.locales.load_all()
    assert fresh.locales.get(GUILD, 500) == membership.locales.get(GUILD, 500)
    assert (await fresh.export(GUILD, 500))["profile"]["discord_locale"] == "fr"
    # Editing the profile keeps the locale; leaving forgets everything.
    assert (await fresh.save(GUILD, 500, speaking(WEB, "en"))).saved
    assert fresh.locales.get(GUILD, 500).languages == {"en"} and fresh.locales.get(GUILD, 500).discord_locale == "fr"
    await fresh.leave(GUILD, 500)
    assert fresh.locales.get(GUILD, 500) is None
