"""The pair charter end to end: the panel, the forms, both signatures, the pinned charter, the goal."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Charter, Pair
from tests.e2e.helpers import component_id, seed_profiles

FRAME = {
    "frequency": "Chaque semaine, le mardi soir",
    "duration": "Une heure",
    "meeting_format": "La première fois en personne, ensuite en visio",
    "confidentiality": "Ce qu'on se dit sur nos entreprises reste entre nous",
    "ending": "Un simple message suffit, sans se justifier",
}
GOAL = "Écrire un article à deux sur la finance des réseaux sociaux"


async def a_pair(fake, bot, database_url, db):
    """A French server with a moderator, an outsider, and a pair made by hand (channel and kickoff ready)."""
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mod_role = fake.add_role(guild.id, "Mentors")
    owner = fake.member(guild.id, guild.owner_id)
    a, b, outsider = (fake.add_member(guild.id, name=name, locale="fr") for name in ("alice", "bruno", "chloe"))
    moderator = fake.add_member(guild.id, name="modo", roles=[mod_role], locale="fr")
    await seed_profiles(database_url, guild.id, [a.id, b.id, outsider.id])
    await bot.start()
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"moderator-role": mod_role}, locale="fr"
    )
    await setup.response()
    made = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="pair", options={"first": a, "second": b}, locale="fr"
    )
    assert "forment un binôme" in (await made.final_message()).text
    async with db.session() as session:
        pair = (await session.scalars(select(Pair))).one()
    assert pair.status == "active"
    channel = fake.channel(pair.channel_id)
    return guild, general, channel, pair, moderator, outsider


def panels(fake, channel) -> list:
    return [m for m in fake.messages(channel.id) if any(c.startswith("binome:charter:") for c in m.custom_ids())]


def panel_text(fake, channel) -> str:
    [panel] = panels(fake, channel)
    return panel.text


async def answer(interaction) -> str:
    return (await interaction.final_message()).text


async def fill(fake, panel, action: str, user_id: int, values: dict[str, str]) -> str:
    """Open one of the panel's forms, check it is pre-filled, submit `values`; returns the answer."""
    opened = await fake.click(panel, component_id(panel, f":{action}"), user_id)
    assert (await opened.response()).type == 9, f"{action} should open a form"
    submitted = await fake.submit_modal(opened, values, user_id)
    return await answer(submitted)


async def stored_charter(db, pair_id: int) -> Charter:
    async with db.session() as session:
        return await session.get(Charter, pair_id)


async def test_a_charter_written_and_signed_by_both_is_pinned(fake, bot, database_url, db):
    guild, general, channel, pair, moderator, outsider = await a_pair(fake, bot, database_url, db)
    a, b = pair.member_a_id, pair.member_b_id

    # Outside a pair channel the command is refused.
    elsewhere = await fake.slash_command(guild.id, a, "pair", subcommand="charter", channel_id=general.id, locale="fr")
    assert "salon privé de ton binôme" in await answer(elsewhere)

    # The kickoff's button opens the charter panel in the pair channel.
    [kickoff] = [m for m in fake.messages(channel.id) if any(":charter" in c for c in m.custom_ids())]
    opened = await fake.click(kickoff, component_id(kickoff, ":charter"), a)
    reply = await opened.final_message()
    assert reply.ephemeral and "Ta charte est ici" in reply.text
    [first_panel] = panels(fake, channel)
    assert first_panel.text.count("*à rédiger*") == 8 and "n'a pas encore signé" in first_panel.text
    assert first_panel.allowed_mentions["parse"] == []

    # `/pair charter` posts it again at the bottom; the previous panel goes away.
    command = await fake.slash_command(guild.id, b, "pair", subcommand="charter", channel_id=channel.id, locale="fr")
    assert "Ta charte est ici" in await answer(command)
    await fake.wait_for(lambda: [p.id for p in panels(fake, channel)] != [first_panel.id], description="a new panel")
    [panel] = panels(fake, channel)
    assert fake.messages(channel.id)[-1].id == panel.id

    # Nothing to sign yet: the member is told what is missing.
    early = await fake.click(panel, component_id(panel, ":sign"), a)
    text = await answer(early)
    assert "ne peut pas encore être signée" in text and "Confidentialité" in text and "Notre objectif commun" in text

    # Moderators can read the panel but not edit or sign it; outsiders do not even see the channel.
    for action in ("sign", "frame"):
        refused = await fake.click(panel, component_id(panel, f":{action}"), moderator.id)
        assert "Seuls les deux membres" in (await refused.response()).content
    assert not fake.can_view(channel.id, outsider.id)
    intruder = await fake.slash_command(guild.id, moderator.id, "pair", subcommand="charter", channel_id=channel.id)
    assert "Seuls les deux membres" in await answer(intruder)

    # Written by both: the frame by one, each their own objectives, the shared goal by the other.
    assert "cadre est enregistré" in await fill(fake, panel, "frame", a, FRAME)
    assert "objectifs sont enregistrés" in await fill(fake, panel, "objectives", a, {"objectives": "Lire un bilan"})
    # Bruno's form shows his own (empty) objectives, not Alice's.
    mine = await fake.click(panel, component_id(panel, ":objectives"), b)
    [field] = [c for row in (await mine.response()).data["components"] for c in row["components"]]
    assert field["custom_id"] == "objectives" and not field.get("value")
    submitted = await fake.submit_modal(mine, {"objectives": "Animer une page qui vend"}, b)
    assert "objectifs sont enregistrés" in await answer(submitted)
    assert "objectif commun est enregistré" in await fill(fake, panel, "goal", b, {"shared_goal": GOAL})
    await fake.wait_for(lambda: GOAL in panel_text(fake, channel), description="the panel shows the goal")
    assert "*à rédiger*" not in panel_text(fake, channel) and "Animer une page qui vend" in panel_text(fake, channel)
    charter = await stored_charter(db, pair.id)
    assert (charter.objectives_a, charter.objectives_b) == ("Lire un bilan", "Animer une page qui vend")
    assert charter.frequency == FRAME["frequency"] and charter.shared_goal == GOAL

    # Both sign; signing twice is answered.
    assert "Tu as signé la charte" in await answer(await fake.click(panel, component_id(panel, ":sign"), a))
    assert "déjà signé" in await answer(await fake.click(panel, component_id(panel, ":sign"), a))
    assert "a signé le" in panel_text(fake, channel)
    both = await fake.click(panel, component_id(panel, ":sign"), b)
    assert "signé tous les deux" in await answer(both)
    [pinned] = fake.pins(channel.id)
    assert "ont signé leur charte" in pinned.content and GOAL in pinned.text and FRAME["ending"] in pinned.text
    assert {int(u) for u in pinned.allowed_mentions["users"]} == {a, b}
    assert not pinned.allowed_mentions.get("parse") and not pinned.allowed_mentions.get("roles")
    charter = await stored_charter(db, pair.id)
    assert charter.pinned_message_id == pinned.id and charter.signed_a_at and charter.signed_b_at
    await fake.wait_for(lambda: "Signée par les deux" in panel_text(fake, channel), description="panel: signed")

    # The goal's progress: either member updates it, both see it; the signatures stay.
    progress = await fake.slash_command(
        guild.id, a, "pair", subcommand="goal", options={"progress": 40, "note": "Plan fait"}, channel_id=channel.id
    )
    update = await progress.final_message()
    assert not update.ephemeral and "40 %" in update.text and "Plan fait" in update.text
    shown = await fake.slash_command(guild.id, b, "pair", subcommand="goal", channel_id=channel.id, locale="fr")
    goal_card = await shown.final_message()
    assert goal_card.ephemeral and GOAL in goal_card.text and "40 %" in goal_card.text
    await fake.wait_for(lambda: "40 %" in panel_text(fake, channel), description="the panel shows the progress")
    assert (await stored_charter(db, pair.id)).signed_b_at is not None

    # An edit after signing clears both signatures (and says so in the channel)...
    edited = await fill(fake, panel, "goal", a, {"shared_goal": GOAL + " et le publier"})
    assert "signatures sont effacées" in edited
    await fake.wait_for(
        lambda: panel_text(fake, channel).count("n'a pas encore signé") == 2, description="panel: unsigned"
    )
    assert any("a modifié la charte" in m.content for m in fake.messages(channel.id))
    charter = await stored_charter(db, pair.id)
    assert charter.signed_a_at is None and charter.signed_b_at is None
    # ...and once signed again, the new version replaces the old one among the pins.
    await answer(await fake.click(panel, component_id(panel, ":sign"), b))
    assert "signé tous les deux" in await answer(await fake.click(panel, component_id(panel, ":sign"), a))
    [repinned] = fake.pins(channel.id)
    assert repinned.id != pinned.id and "et le publier" in repinned.text
    assert not fake.message(pinned.id).pinned

    # The panel's buttons outlive a restart; a form left open across it is answered "expired".
    stale = await fake.click(panel, component_id(panel, ":frame"), a)
    assert (await stale.response()).type == 9
    await bot.stop()
    await bot.start()
    late = await fake.submit_modal(stale, {"frequency": "Tous les jours"}, a)
    assert "a expiré" in (await late.response()).content
    assert "déjà signé" in await answer(await fake.click(panel, component_id(panel, ":sign"), a))
    assert (await stored_charter(db, pair.id)).frequency == FRAME["frequency"]

    # A panel deleted by hand comes back with the next change.
    fake.world.delete_message(fake.message(panel.id))
    again = await fake.slash_command(
        guild.id, b, "pair", subcommand="goal", options={"progress": 60}, channel_id=channel.id
    )
    await again.final_message()
    await fake.wait_for(
        lambda: len(panels(fake, channel)) == 1 and "60 %" in panel_text(fake, channel), description="a new panel"
    )
    assert (await stored_charter(db, pair.id)).panel_message_id == panels(fake, channel)[0].id
