"""Rounds announced ahead and nobody left out silently, end to end: "sit this round out" keeps a member
out of that round only, moderators see the answers before `match`, and every member the round did not
pair is told why (by DM, or in the welcome channel when DMs are closed)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import MatchRound, Pair
from tests.e2e.helpers import component_id
from tests.e2e.test_separation import seed, text_of
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

# Teaches what nobody wants, wants what business members teach: no two-way partner.
LONER = dataclasses.replace(BUSINESS_DRAFT, teaches={"legal"}, learns={"finance"})


async def test_an_announced_round_and_the_members_it_left_out(fake, bot, db, database_url):
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    news = fake.add_text_channel(guild.id, "annonces")
    welcome = fake.add_text_channel(guild.id, "bienvenue")
    owner = fake.member(guild.id, guild.owner_id)
    m = [fake.add_member(guild.id, name=f"member{i}", locale="fr") for i in range(7)]
    outsider = fake.add_member(guild.id, name="outsider", locale="fr")
    fake.close_dms(m[5].id)
    web, business = (0, 2, 4, 6), (1, 3)
    drafts = {m[i].id: WEB_DRAFT for i in web} | {m[i].id: BUSINESS_DRAFT for i in business} | {m[5].id: LONER}
    await seed(database_url, guild.id, drafts)
    await bot.start()

    async def admin(subcommand, options=None, channel=None):
        return await fake.slash_command(
            guild.id,
            owner.id,
            "mentoring-admin",
            subcommand=subcommand,
            options=options or {},
            locale="fr",
            channel_id=channel,
        )

    await text_of(await admin("setup", {"welcome-channel": welcome}))

    # Bad dates are refused (nothing is posted).
    assert "« demain » n'est pas une date" in await text_of(
        await admin("announce", {"channel": news, "date": "demain"})
    )
    assert "Le 2020-01-01 est déjà passé" in await text_of(
        await admin("announce", {"channel": news, "date": "2020-01-01"})
    )
    assert "Donne le salon et la date" in await text_of(await admin("announce", {"channel": news}))
    assert fake.messages(news.id) == []

    # The announcement, in the program's language, with its two buttons.
    day = (datetime.now(UTC) + timedelta(days=7)).date()
    announced = await admin("announce", {"channel": news, "date": day.isoformat()})
    assert "📣 Annoncé dans" in await text_of(announced)
    [post] = fake.messages(news.id)
    assert "Prochain appariement Binôme" in post.content and str(day.year) in post.content
    available, skip = (component_id(post, f":{answer}") for answer in ("available", "skip"))

    async def click(custom_id, member):
        return (await (await fake.click(post, custom_id, member.id)).response()).content

    assert "tu passes ton tour" in await click(skip, m[0])
    assert "tu es disponible" in await click(available, m[1])
    assert "Tu as déjà dit que tu étais disponible" in await click(available, m[1])
    assert "ne fais pas encore partie du programme" in await click(available, outsider)

    # Moderators see the count before running `match`, and its preview repeats it.
    assert "1 disponible, 1 passe son tour" in await text_of(await admin("announce"))
    command = await admin("match", channel=general)
    preview = await command.final_message()
    assert "📣 Appariement annoncé pour le" in preview.text and "1 disponible, 1 passe son tour" in preview.text
    assert f"<@{m[0].id}>" not in preview.text, "who sits the round out is not in it"
    await fake.click(preview, component_id(preview, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "2/2 pairs created" in fake.message(preview.id).text, description="the round")

    async with db.session() as session:
        paired = {member for p in (await session.scalars(select(Pair))).all() for member in p.members()}
        round_ = (await session.scalars(select(MatchRound))).one()
    assert m[0].id not in paired
    unmatched = {entry["user_id"]: entry["reason"] for entry in round_.proposal["unmatched"]}
    [odd] = [user for user, reason in unmatched.items() if reason == "odd_one_out"]
    assert unmatched == {odd: "odd_one_out", m[5].id: "no_reciprocal_partner"}

    # The announcement says the round took place; a late click is told so.
    await fake.wait_for(lambda: "a eu lieu" in fake.message(post.id).content, description="the announcement closed")
    assert "Cet appariement a déjà eu lieu" in await click(available, m[2])

    # Every member left out is told why, and what would help.
    await fake.wait_for(lambda: fake.dms(odd), description="the odd one out's explanation")
    [dm] = fake.dms(odd)
    assert "il y avait un nombre impair" in dm.content and "Tu passes en premier au prochain appariement." in dm.content
    await fake.wait_for(lambda: fake.messages(welcome.id), description="the explanation in the welcome channel")
    [notice] = fake.messages(welcome.id)
    assert notice.content.startswith(f"<@{m[5].id}> ")
    assert "personne parmi ceux qui transmettent ce que tu veux apprendre" in notice.content
    assert "Référencement (SEO), Réseaux sociaux" in notice.content
    assert [str(u) for u in notice.allowed_mentions["users"]] == [str(m[5].id)] and notice.allowed_mentions[
        "parse"
    ] == []
    assert fake.dms(m[0].id) == [], "sitting a round out is not being left out"

    # Sitting out was for that round only: member0 is back in the next one.
    again = await (await admin("match", channel=general)).final_message()
    assert f"<@{m[0].id}>" in again.text and "Appariement annoncé" not in again.text
