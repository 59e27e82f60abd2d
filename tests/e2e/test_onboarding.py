"""A member onboards entirely through Discord interactions, against the real bot process."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.db.models import MemberProfile, MemberSkill, ProgramEvent
from tests.e2e.helpers import PROFILE_TEXT, choose_zone, component_id, fill_join_menus, join


async def count(db, model, *where) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_commands_are_registered_once_with_french_localizations(fake, bot):
    fake.add_guild("Club", preferred_locale="fr")
    await bot.start()
    await fake.wait_for_commands()
    mentoring = fake.command("mentoring")
    assert mentoring["name_localizations"]["fr"] == "mentorat"
    subcommands = {option["name"]: option["name_localizations"]["fr"] for option in mentoring["options"]}
    assert subcommands == {
        "join": "rejoindre",
        "profile": "profil",
        "pause": "pause",
        "resume": "reprendre",
        "leave": "quitter",
        "my-data": "mes-donnees",
        "avoid": "eviter",
    }
    # A restart with the same commands does not sync again.
    await bot.stop()
    await bot.start()
    assert fake.command_put_count["global"] == 1


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_member_onboards_and_the_profile_survives_a_restart(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    await bot.start()

    command, submitted = await join(fake, guild.id, alice.id)
    intro = await command.response()
    assert intro.ephemeral and "étape 1 sur 3" in intro.content
    final = await submitted.final_message()
    assert "Bienvenue dans le programme" in final.text
    assert final.components == [], "the menus are removed once the profile is saved"

    async with db.session() as session:
        profile = (await session.scalars(select(MemberProfile))).one()
        assert (profile.guild_id, profile.user_id) == (guild.id, alice.id)
        assert profile.timezone == "Europe/Paris" and profile.city == "Lyon" and profile.in_person_ok
        assert profile.skill_keys("teach") == ["seo", "social-media"]
        assert profile.skill_keys("learn") == ["finance"]

    await bot.stop()
    await bot.start()
    shown = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="profile", locale="en-US")
    reply = await shown.response()
    assert reply.ephemeral
    embed = reply.embeds[0]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert embed["title"] == "Binôme profile · alice"
    assert fields["Can teach"] == "Social media, SEO"
    assert fields["Wants to learn"] == "Finance"
    assert fields["Time zone"] == "Europe/Paris"
    assert embed["description"] == PROFILE_TEXT["bio"]


async def test_another_members_public_profile_hides_private_fields(fake, bot):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    bob = fake.add_member(guild.id, name="bob", locale="fr")
    await bot.start()
    await join(fake, guild.id, alice.id)

    shown = await fake.slash_command(
        guild.id, bob.id, "mentoring", subcommand="profile", options={"member": alice}, locale="fr"
    )
    embed = (await shown.response()).embeds[0]
    names = {field["name"] for field in embed["fields"]}
    assert {"Peut transmettre", "Veut apprendre", "Langues"} <= names
    assert not names & {"Fuseau horaire", "Ville", "Objectifs personnels", "Disponibilités"}

    nobody = await fake.slash_command(
        guild.id, alice.id, "mentoring", subcommand="profile", options={"member": bob}, locale="fr"
    )
    assert "bob n'a pas rejoint le programme" in (await nobody.response()).content


async def test_bad_input_is_explained_and_nothing_is_stored(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="en-US")
    await bot.start()

    # Wanting to learn what one teaches, and nothing chosen to teach at first.
    command = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="join", locale="en-US")
    await fill_join_menus(fake, command, alice.id, teach=["seo"], learn=["seo", "finance"])
    refused = await fake.click(command, component_id(command, ":join:continue"), alice.id)
    answer = await refused.response()
    assert answer.type == 4 and answer.ephemeral
    assert "You cannot want to learn what you already teach: SEO." in answer.content

    # Fixed menus, then a form with an unknown time zone and no city although an in-person first
    # meeting was offered. (Lengths are enforced by the client too; the unit tests cover the bot's own check.)
    await fake.select(command, component_id(command, ":join:learn"), ["finance"], alice.id)
    step = await fake.click(command, component_id(command, ":join:continue"), alice.id)
    assert (await step.response()).type == 7
    # Step 2: the common zones of the server's languages (French first, then English), and "Other…".
    menu = next(c for c in command.components[0]["components"] if c["custom_id"].endswith(":join:timezone"))
    values = [option["value"] for option in menu["options"]]
    assert values[:2] == ["America/Toronto", "Europe/Paris"], "the server's zone, then French ones"
    assert "America/Montreal" in values and "America/New_York" in values and values[-1] == "other"
    assert len(values) <= 25
    # "Other…": the zone is typed in the form, and checked.
    opened = await choose_zone(fake, command, alice.id, "other")
    bad = {**PROFILE_TEXT, "timezone": "Paris time", "city": ""}
    rejected = await fake.submit_modal(opened, bad, alice.id)
    message = (await rejected.response()).content
    assert "“Paris time” is not a time zone I know" in message
    assert "Give your city if an in-person first meeting is possible." in message
    assert await count(db, MemberProfile) == 0 and await count(db, MemberSkill) == 0

    # `localtime` opens in Python (it is the host's zone) but is no time zone: refused, said so.
    opened = await fake.click(command, component_id(command, ":join:timezone_continue"), alice.id)
    assert (await opened.response()).type == 9
    rejected = await fake.submit_modal(opened, {**PROFILE_TEXT, "timezone": "localtime"}, alice.id)
    assert "“localtime” is not a real time zone" in (await rejected.response()).content
    assert await count(db, MemberProfile) == 0

    # The menus are still there: the member corrects the form and succeeds.
    opened = await fake.click(command, component_id(command, ":join:timezone_continue"), alice.id)
    modal = (await opened.response()).data
    prefilled = {c["components"][0]["custom_id"]: c["components"][0].get("value") for c in modal["components"]}
    assert prefilled["timezone"] == "localtime", "what the member typed is kept for the correction"
    # ... or picks a zone in the menu after all: the form then asks no zone.
    opened = await choose_zone(fake, command, alice.id, "America/Montreal")
    fields = [c["components"][0]["custom_id"] for c in (await opened.response()).data["components"]]
    assert "timezone" not in fields
    accepted = await fake.submit_modal(opened, {k: v for k, v in PROFILE_TEXT.items() if k != "timezone"}, alice.id)
    assert "Welcome to the program" in (await accepted.final_message()).text
    assert await count(db, MemberProfile) == 1
    async with db.session() as session:
        profile = (await session.scalars(select(MemberProfile))).one()
    assert profile.timezone == "America/Montreal" and profile.discord_locale == "en-US"


async def test_a_menu_from_before_a_restart_says_it_expired(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    await bot.start()
    command = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="join", locale="fr")
    await command.response()
    await bot.stop()
    await bot.start()
    late = await fake.click(command, component_id(command, ":join:continue"), alice.id)
    answer = await late.response()
    assert answer.ephemeral and "Ce menu a expiré" in answer.content
    assert await count(db, MemberProfile) == 0


async def test_pause_resume_my_data_and_leave(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    await bot.start()

    async def run(subcommand: str) -> str:
        interaction = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand=subcommand, locale="fr")
        return (await interaction.response()).content

    assert "pas encore rejoint" in await run("pause")
    await join(fake, guild.id, alice.id)
    assert "Tu es en pause" in await run("pause")
    assert "déjà en pause" in await run("pause")
    async with db.session() as session:
        assert (await session.scalars(select(MemberProfile.status))).one() == "paused"
    assert "Bon retour" in await run("resume")
    assert "déjà actif" in await run("resume")

    export = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="my-data", locale="fr")
    await export.response()
    attachment = (await export.final_message()).attachments[0]
    data = json.loads(attachment.text())
    assert data["profile"]["user_id"] == str(alice.id)
    assert data["profile"]["objectives"] == PROFILE_TEXT["objectives"]
    assert data["profile"]["skills_to_learn"] == ["finance"]

    leave = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="leave", locale="fr")
    prompt = await leave.response()
    assert prompt.ephemeral and "Quitter le programme" in prompt.content
    confirmed = await fake.click(leave, component_id(leave, ":confirm"), alice.id)
    assert "tes données personnelles ont été supprimées" in (await confirmed.wait_for_edit()).text
    assert await count(db, MemberProfile) == 0
    assert await count(db, MemberSkill) == 0
    assert await count(db, ProgramEvent, ProgramEvent.kind == "member_left") == 1
    assert "ne conserve rien sur toi" in await run("my-data")


async def test_newcomers_are_welcomed_by_dm_or_in_the_welcome_channel(fake, bot):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    welcome = fake.add_text_channel(guild.id, "bienvenue")
    owner = fake.member(guild.id, guild.owner_id)
    await bot.start()

    carol = fake.add_member(guild.id, name="carol")
    await fake.wait_for(lambda: fake.dms(carol.id), description="a welcome DM to carol")
    # In the program's language, with one line in the other language (her own is not known yet).
    welcome_dm = fake.dms(carol.id)[0].content
    assert "Bienvenue sur **Club**" in welcome_dm and "/mentorat rejoindre" in welcome_dm
    assert welcome_dm.splitlines()[-1] == "🇬🇧 New here? Join the mentoring program with `/mentoring join`."

    # A moderator names the welcome channel; a newcomer with closed DMs is greeted there instead.
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"welcome-channel": welcome}, locale="fr"
    )
    assert "Réglages enregistrés" in (await setup.response()).content
    dave = fake.add_user("dave")
    fake.close_dms(dave.id)
    fake.add_member(guild.id, user_id=dave.id)
    await fake.wait_for(lambda: fake.messages(welcome.id), description="a welcome in #bienvenue")
    message = fake.messages(welcome.id)[0]
    assert f"<@{dave.id}>" in message.content
    assert message.allowed_mentions["parse"] == [], "never @everyone or roles"
    assert [str(u) for u in message.allowed_mentions["users"]] == [str(dave.id)]
