"""Each audience reads its own language, end to end against the real bot: a pair's channel and the DMs
about it in the pair's language (whoever clicks), a member's other DMs in theirs, the moderators' channel
in the program's; and the Discord-native inputs: time-zone and date autocomplete, a skip the partner
accepts."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Pair, PairWeek
from fake_discord import FakeDiscord
from tests.e2e.helpers import component_id, eventually, join, seed_profiles

MONDAY = "2026-11-30T15:00:00+00:00"  # 10:00 in Toronto, the server's zone: after this week's run moment


async def the_pair(db) -> Pair:
    async with db.session() as session:
        return (await session.scalars(select(Pair))).one()


async def setup(fake, guild, owner, locale: str, **options):
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options=options, locale=locale
    )
    return await command.response()


async def match(fake: FakeDiscord, guild, owner, channel, locale: str, done: str) -> None:
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=channel.id, locale=locale
    )
    message = await command.final_message()
    await fake.click(message, component_id(message, ":confirm:0"), owner.id, locale=locale)
    await fake.wait_for(lambda: done in fake.message(message.id).text, description=done)


async def remind_now(fake, guild, owner, locale: str) -> None:
    command = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="remind-now", locale=locale)
    await command.final_message()


async def pair_command(fake, guild, pair, user, subcommand: str, locale: str, **options):
    return await fake.slash_command(
        guild.id, user.id, "pair", subcommand=subcommand, options=options, channel_id=pair.channel_id, locale=locale
    )


def in_channel(fake, pair: Pair, custom_id_part: str):
    return next((m for m in fake.messages(pair.channel_id) if custom_id_part in " ".join(m.custom_ids())), None)


async def test_on_a_french_server_an_english_only_pair_gets_english(fake, bot, db, database_url):
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mods = fake.add_text_channel(guild.id, "moderation")
    owner = fake.member(guild.id, guild.owner_id)
    # Three English-only members; Bob's Discord client is in French (he clicks in French).
    alice = fake.add_member(guild.id, name="alice", locale="en-US")
    bob = fake.add_member(guild.id, name="bob", locale="fr")
    carol = fake.add_member(guild.id, name="carol", locale="en-US")
    await seed_profiles(database_url, guild.id, [alice.id, bob.id, carol.id], languages=("en",))
    bot.set_time(MONDAY)
    await bot.start()
    assert "Réglages enregistrés" in (await setup(fake, guild, owner, "fr", **{"moderators-channel": mods})).content
    await match(fake, guild, owner, general, "fr", "1/1 binôme créé")
    pair = await the_pair(db)
    assert pair.locale == "en"
    first, second = (fake.member(guild.id, m) for m in pair.members())
    odd = ({alice.id, carol.id} - set(pair.members())).pop()
    people = {alice.id: alice, bob.id: bob, carol.id: carol}
    english_client = people[pair.member_a_id if pair.member_a_id != bob.id else pair.member_b_id]

    # The channel: topic and kickoff in English; the moderators' channel in the program's language.
    channel = fake.channel(pair.channel_id)
    assert "a private space for the two of you" in channel.topic
    kickoff = fake.messages(channel.id)[0]
    assert "welcome to your **Binôme**" in kickoff.content and "can teach" in kickoff.content
    await fake.wait_for(
        lambda: any("a confirmé l'appariement" in m.content for m in fake.messages(mods.id)),
        description="the round in the moderators' channel, in French",
    )
    # The odd one out's DM is in the language they chose (English), not the server's.
    await fake.wait_for(lambda: fake.dms(odd), description="the odd one out's DM")
    assert "could not pair you this time" in fake.dms(odd)[0].content

    # The weekly message.
    await remind_now(fake, guild, owner, "fr")
    weekly = await fake.wait_for(lambda: in_channel(fake, pair, ":skip"), description="the weekly message")
    assert "**Week of Monday, November 30**" in weekly.content and "mentors" in weekly.content

    # A swap proposed by the English-speaking client, accepted by Bob's French client: English all along.
    proposer, acceptor = (english_client, bob)
    proposed = await pair_command(fake, guild, pair, proposer, "swap", "en-US")
    assert "Your proposal is posted" in (await proposed.response()).content
    proposal = await fake.wait_for(lambda: in_channel(fake, pair, "binome:swap:"), description="the proposal")
    assert "proposes to swap this week's roles" in proposal.content
    accepted = await (await fake.click(proposal, proposal.custom_ids()[0], acceptor.id, locale="fr")).response()
    assert accepted.type == 7 and "Swapped for this week only" in accepted.content

    # Bob logs a session from his French client: the summary everyone reads is English; the date
    # offered to him while typing is in French (an answer only he sees).
    offered = await fake.autocomplete(
        guild.id, bob.id, "pair", "date", "", subcommand="log", channel_id=channel.id, locale="fr"
    )
    choices = (await offered.response()).data["choices"]
    assert choices == [{"name": "Aujourd'hui, lundi 30 novembre", "value": "2026-11-30"}], "the pair started today"
    early = await pair_command(fake, guild, pair, bob, "log", "fr", held=True, date="2026-11-29")
    assert "Votre binôme a commencé le 30 novembre 2026" in (await early.response()).content
    logged = await pair_command(fake, guild, pair, bob, "log", "fr", held=True, minutes=45)
    summary = await logged.response()
    assert not summary.ephemeral and "logged a session on Monday, November 30" in summary.content

    # The end: proposal, confirmation and the rating DMs in English; the moderators hear it in French.
    ended = await (await pair_command(fake, guild, pair, first, "end", "en-US")).final_message()
    assert "proposes to end this pair" in ended.content
    confirmed = await fake.click(ended, f"binome:end:{pair.id}:confirm", second.id, locale="fr")
    assert "This pair has ended" in (await confirmed.response()).content
    await fake.wait_for(lambda: fake.dms(alice.id if odd != alice.id else carol.id), description="rating DMs")
    for member in (first, second):
        await fake.wait_for(lambda member=member: fake.dms(member.id), description="a rating DM")
        [dm] = [m for m in fake.dms(member.id) if f"binome:rate:{pair.id}:4" in m.custom_ids()]
        assert "Your Binôme pair with" in dm.content
    [dm] = [m for m in fake.dms(bob.id) if f"binome:rate:{pair.id}:4" in m.custom_ids()]
    rated = await (await fake.click(dm, f"binome:rate:{pair.id}:4", bob.id, locale="fr")).response()
    assert rated.type == 7 and "Your rating: **4/5**" in rated.content, "the DM keeps its language"
    await fake.wait_for(
        lambda: (
            any("terminé d'un commun accord" in m.content for m in fake.messages(mods.id))
            and any("Avis sur le binôme" in m.content for m in fake.messages(mods.id))
        ),
        description="the moderators' reports, in French",
    )


async def test_on_an_english_server_a_french_pair_gets_french_whoever_clicks(fake, bot, db, database_url):
    guild = fake.add_guild("Club", preferred_locale="en-US")
    general = fake.add_text_channel(guild.id, "general")
    mods = fake.add_text_channel(guild.id, "moderation")
    owner = fake.member(guild.id, guild.owner_id)
    # French-only members whose Discord clients are in English (en-US).
    xavier = fake.add_member(guild.id, name="xavier", locale="en-US")
    yvonne = fake.add_member(guild.id, name="yvonne", locale="en-US")
    await seed_profiles(database_url, guild.id, [xavier.id, yvonne.id], languages=("fr",))
    bot.set_time(MONDAY)
    await bot.start()
    assert "Settings saved" in (await setup(fake, guild, owner, "en-US", **{"moderators-channel": mods})).content
    await match(fake, guild, owner, general, "en-US", "1/1 pair created")
    pair = await the_pair(db)
    assert pair.locale == "fr"
    kickoff = fake.messages(pair.channel_id)[0]
    assert "bienvenue dans votre **Binôme**" in kickoff.content

    await remind_now(fake, guild, owner, "en-US")
    weekly = await fake.wait_for(lambda: in_channel(fake, pair, ":skip"), description="the weekly message")
    assert "**Semaine du lundi 30 novembre**" in weekly.content
    # `/pair week` answers the member in their own language, and names the pair's.
    week = await (await pair_command(fake, guild, pair, xavier, "week", "en-US")).response()
    assert week.ephemeral and "This week" in week.content and "Pair language: French" in week.content

    # A swap accepted by an en-US client: the proposal's edit stays French.
    await (await pair_command(fake, guild, pair, xavier, "swap", "en-US")).response()
    proposal = await fake.wait_for(lambda: in_channel(fake, pair, "binome:swap:"), description="the proposal")
    assert "propose d'échanger les rôles" in proposal.content
    accepted = await (await fake.click(proposal, proposal.custom_ids()[0], yvonne.id, locale="en-US")).response()
    assert accepted.type == 7 and "Échangé pour cette semaine seulement" in accepted.content

    # Skipping the week needs the partner's click.
    asked = await fake.click(weekly, component_id(weekly, ":skip"), yvonne.id, locale="en-US")
    assert "Your proposal is posted" in (await asked.response()).content
    skip = await fake.wait_for(lambda: in_channel(fake, pair, "binome:weekskip:"), description="the skip proposal")
    assert "propose de passer cette semaine" in skip.content and f"<@{xavier.id}>" in skip.content
    assert [str(u) for u in skip.allowed_mentions["users"]] == [str(xavier.id)], "the partner is pinged"

    async def week_status() -> str:
        async with db.session() as session:
            return (await session.scalars(select(PairWeek.status).where(PairWeek.pair_id == pair.id))).one()

    assert await week_status() == "posted", "one member's click does not skip the week"
    own = await (await fake.click(skip, skip.custom_ids()[0], yvonne.id, locale="en-US")).response()
    assert own.ephemeral and "your partner has to accept it" in own.content
    done = await (await fake.click(skip, skip.custom_ids()[0], xavier.id, locale="en-US")).response()
    assert done.type == 7 and "cette semaine est passée" in done.content and done.components == []
    assert await week_status() == "skipped"
    await fake.wait_for(lambda: fake.message(weekly.id).custom_ids() == [], description="the weekly message closed")
    assert "Cette semaine est passée" in fake.message(weekly.id).content

    # Yvonne edits her profile to English only: the pair keeps French, and both are told how to change it.
    _, edited = await join(fake, guild.id, yvonne.id, languages=("en",), locale="en-US")
    answer = (await edited.final_message()).text
    assert "Your profile is updated" in answer and "Your pair keeps its language (French)" in answer
    await fake.wait_for(
        lambda: any("a modifié son profil" in m.content for m in fake.messages(pair.channel_id)),
        description="the pair told, in French",
    )
    assert (await the_pair(db)).locale == "fr"

    # The pair changes its language: announced in the new one.
    changed = await (await pair_command(fake, guild, pair, xavier, "language", "en-US", language="en")).response()
    assert changed.ephemeral and "English" in changed.content
    assert "One of you does not have this language" in changed.content, "Xavier only speaks French"
    await fake.wait_for(
        lambda: any("set this pair's language: English" in m.content for m in fake.messages(pair.channel_id)),
        description="the change announced in English",
    )
    assert (await the_pair(db)).locale == "en"

    # The moderators read the program's language: English here.
    unpair = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="unpair", options={"member": xavier}, locale="en-US"
    )
    await unpair.response()
    await fake.click(unpair, component_id(unpair, ":confirm"), owner.id)
    await fake.wait_for(
        lambda: any("ended by a moderator" in m.content for m in fake.messages(mods.id)),
        description="the report in English",
    )


async def test_time_zone_autocomplete_answers_at_once_with_relevant_zones(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    owner = fake.member(guild.id, guild.owner_id)
    await bot.start()

    async def suggest(typed: str) -> list[dict]:
        typing = await fake.autocomplete(
            guild.id, owner.id, "mentoring-admin", "timezone", typed, subcommand="setup", locale="fr"
        )
        answer = await typing.response()
        # The fake refuses a late answer (Discord's 3 s deadline: 10062) and one Discord's spec refuses
        # (more than 25 choices, names over 100 characters).
        assert answer.type == 8 and typing.rejected == [], typing.rejected
        return answer.data["choices"]

    assert (await suggest("mont"))[0] == {"name": "America/Montreal (UTC-05:00)", "value": "America/Montreal"}
    assert (await suggest("paris"))[0]["value"] == "Europe/Paris"
    assert "Europe/Paris" in [choice["value"] for choice in await suggest("+1")]
    empty = await suggest("")
    assert 1 <= len(empty) <= 25 and [c["value"] for c in empty[:2]] == ["America/Toronto", "Europe/Paris"]
    assert await suggest("zzzz-nowhere") == empty, "an absurd query gets the short list, not an error"

    saved = await setup(fake, guild, owner, "fr", timezone="America/Montreal")
    assert "Réglages enregistrés" in saved.content and "America/Montreal" in saved.content

    async def stored_zone() -> str | None:
        from bot.db.models import GuildSettings

        async with db.session() as session:
            row = await session.get(GuildSettings, guild.id)
            return row.timezone if row else None

    assert await eventually(stored_zone) == "America/Montreal"
