"""The server's own skill catalogue, end to end: a moderator builds a 30-skill catalogue, a member joins
choosing among all of them (more than one menu holds), a skill is renamed and then removed while in use."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditEntry, MemberProfile, Skill
from tests.e2e.helpers import PROFILE_TEXT, choose_zone, component_id

# 18 skills added to the 12 of the default catalogue: 30 in all, on three sides (one a moderator named).
NEW_SKILLS = [
    *(
        (f"Compétence web {n}", f"Web skill {n}", "web")
        for n in ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
    ),
    ("Montage vidéo", "Video editing", "Web & numérique"),  # a side named by its label works too
    ("Comptabilité", "Accounting", "business"),
    ("Levée de fonds", "Fundraising", "business"),
    ("Recrutement", "Hiring", "business"),
    ("Export", "Export", "business"),
    ("Design d'interface", "Interface design", "Design & UX"),
    ("Typographie", "Typography", "Design & UX"),
    ("Illustration", "Illustration", "design & ux"),  # the same side, whatever the case
    ("Motion design", "Motion design", "Design & UX"),
]


async def admin(fake, guild, owner, subcommand: str, options=None, locale="fr"):
    return await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand=subcommand, options=options or {}, locale=locale
    )


async def answer(interaction) -> str:
    return (await interaction.final_message()).text


def options_of(callback) -> dict[str, list[str]]:
    """Each select of a message (by custom id) and its option values."""
    found = {}
    for row in callback.components:
        for component in row.get("components", []):
            if component.get("type") == 3:
                found[component["custom_id"]] = [option["value"] for option in component["options"]]
    return found


async def test_a_30_skill_catalogue_a_member_choosing_among_them_a_rename_and_a_removal(fake, bot, db):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    owner = fake.member(guild.id, guild.owner_id)
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    await bot.start()
    await fake.wait_for_commands()

    # The commands are registered with their French names and descriptions.
    group = next(o for o in fake.command("mentoring-admin")["options"] if o["name"] == "skills")
    assert group["name_localizations"]["fr"] == "competences" and group["description_localizations"]["fr"]
    french = {o["name"]: o["name_localizations"]["fr"] for o in group["options"]}
    assert french == {"list": "liste", "add": "ajouter", "rename": "renommer", "remove": "retirer"}
    assert all(o["description_localizations"]["fr"] for o in group["options"])

    # The moderator builds the catalogue; the side's name is suggested as they type.
    suggested = await fake.autocomplete(
        guild.id, owner.id, "mentoring-admin", "side", "num", group="skills", subcommand="add", locale="fr"
    )
    assert [c["value"] for c in (await suggested.response()).data["choices"]] == ["web"]
    for fr, en, side in NEW_SKILLS:
        added = await admin(fake, guild, owner, "skills add", {"french": fr, "english": en, "side": side})
        assert "✅ Ajoutée" in await answer(added), fr
    assert "30 compétences" in await answer(added)
    async with db.session() as session:
        sides = {s.key: (s.side, s.side_name) for s in (await session.scalars(select(Skill))).all()}
    assert len(sides) == 30 and sides["video-editing"] == ("web", None)
    assert {sides[k] for k in ("interface-design", "typography", "illustration")} == {
        (sides["typography"][0], "Design & UX")
    }

    # Bad input: a duplicate label (accents and case aside), a label over the limit, nothing is stored.
    duplicate = await admin(
        fake, guild, owner, "skills add", {"french": "comptabilite", "english": "Bookkeeping", "side": "business"}
    )
    assert "« comptabilite » est déjà l'intitulé français d'une autre compétence (« Comptabilité »)" in await answer(
        duplicate
    )
    too_long = await admin(fake, guild, owner, "skills add", {"french": "x" * 81, "english": "Long", "side": "web"})
    assert "fait 81 caractères : 80 au plus" in await answer(too_long)
    async with db.session() as session:
        assert len((await session.scalars(select(Skill))).all()) == 30

    # The list, side by side, over two pages (the console's persistent buttons).
    listed = await admin(fake, guild, owner, "skills list")
    first = await listed.final_message()
    assert "**Web & numérique** · 16 compétences" in first.text and "Page 1/2" in first.text
    [next_page] = [c for c in first.custom_ids() if c.startswith("binome:console:skills:all:1:")]
    turned = await fake.click(first, next_page, owner.id)
    second = await turned.wait_for_edit()
    # (The owner's Discord is in English: what answers their clicks is too.)
    assert "**Design & UX** · 4 skills" in second.text and "Page 2/2" in second.text

    # A member joins: 30 skills do not fit one menu, so each side gets its own — nothing cut at 25.
    join = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="join", locale="fr")
    intro = await join.response()
    assert not [c for c in intro.custom_ids() if c.endswith(":join:teach")], "no single cut-down menu"
    opened = await fake.click(join, component_id(join, ":join:pick:teach"), alice.id)
    picker = await opened.response()
    assert picker.type == 7 and "Les compétences que tu peux transmettre" in picker.content
    menus = options_of(picker)
    assert len(menus) == 3 and all(len(values) <= 25 for values in menus.values())
    assert sorted(v for values in menus.values() for v in values) == sorted(sides), "every skill is offered"
    web_menu = component_id(join, ":join:teach:m0")
    chosen = await fake.select(join, web_menu, ["video-editing", "seo"], alice.id)
    assert "Choisies : Référencement (SEO), Montage vidéo" in (await chosen.response()).content
    done = await (await fake.click(join, component_id(join, ":join:pick:done"), alice.id)).response()
    assert "**Tu peux transmettre :** Référencement (SEO), Montage vidéo" in done.content
    await (await fake.click(join, component_id(join, ":join:pick:learn"), alice.id)).response()
    for suffix, values in ((":join:learn:m1", ["accounting"]), (":join:learn:m2", ["typography"])):
        await (await fake.select(join, component_id(join, suffix), values, alice.id)).response()
    await (await fake.click(join, component_id(join, ":join:pick:done"), alice.id)).response()
    for suffix, values in ((":join:languages", ["fr"]), (":join:in_person", ["no"])):
        await (await fake.select(join, component_id(join, suffix), values, alice.id)).response()
    step = await fake.click(join, component_id(join, ":join:continue"), alice.id)
    assert (await step.response()).type == 7, "Continue shows the time-zone step"
    form = await choose_zone(fake, join, alice.id, "Europe/Paris")
    typed = {key: value for key, value in PROFILE_TEXT.items() if key != "timezone"}
    saved = await fake.submit_modal(form, {**typed, "city": ""}, alice.id)
    assert "Bienvenue dans le programme" in (await saved.final_message()).text
    async with db.session() as session:
        profile = (await session.scalars(select(MemberProfile))).one()
        assert profile.skill_keys("teach") == ["seo", "video-editing"]
        assert profile.skill_keys("learn") == ["accounting", "typography"]

    # A rename (the skill found as the moderator types): the member's profile shows the new label.
    found = await fake.autocomplete(
        guild.id, owner.id, "mentoring-admin", "skill", "vidéo", group="skills", subcommand="rename", locale="fr"
    )
    assert [c["value"] for c in (await found.response()).data["choices"]] == ["video-editing"]
    renamed = await admin(
        fake, guild, owner, "skills rename", {"skill": "video-editing", "french": "Montage vidéo pro"}
    )
    assert "Montage vidéo / Video editing → **Montage vidéo pro / Video editing**" in await answer(renamed)
    shown = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="profile", locale="fr")
    fields = {f["name"]: f["value"] for f in (await shown.response()).embeds[0]["fields"]}
    assert fields["Peut transmettre"] == "Référencement (SEO), Montage vidéo pro"

    # Removing a skill in use asks first, with how many use it; profiles keep showing it, marked.
    removing = await admin(fake, guild, owner, "skills remove", {"skill": "accounting"})
    prompt = await removing.response()
    assert (
        "**Comptabilité** est utilisée : 1 membre l'a dans son profil et 0 binôme actif la transmet" in prompt.content
    )
    confirmed = await fake.click(removing, component_id(removing, ":confirm"), owner.id)
    assert "was removed from the catalogue (29 skills left)" in (await confirmed.wait_for_edit()).text
    shown = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="profile", locale="en-US")
    fields = {f["name"]: f["value"] for f in (await shown.response()).embeds[0]["fields"]}
    assert fields["Wants to learn"] == "Accounting (removed from the catalogue), Typography"
    gone = await admin(fake, guild, owner, "skills rename", {"skill": "accounting", "english": "Books"})
    assert "Il n'y a pas de compétence « accounting »" in await answer(gone)

    async with db.session() as session:
        actions = [e.action for e in (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()]
    assert actions.count("skill_added") == 18 and actions[-2:] == ["skill_renamed", "skill_removed"]
