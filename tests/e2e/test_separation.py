"""Who must not be paired, end to end: a member's private "avoid", a moderator's exclusion and
organizations kept apart are honoured by the next round, and its preview says they applied."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from bot.clock import SystemClock
from bot.db.engine import Database
from bot.db.models import AuditEntry, MemberAvoid, MemberProfile, Pair, PairExclusion
from bot.services.membership import Membership
from tests.e2e.helpers import PROFILE_TEXT, choose_zone, component_id, fill_join_menus
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT


async def seed(database_url: str, guild_id: int, drafts: dict[int, object]) -> None:
    db = Database(database_url)
    try:
        membership = Membership(db, SystemClock())
        for user_id, draft in drafts.items():
            assert (await membership.save(guild_id, user_id, draft)).saved
    finally:
        await db.close()


async def text_of(interaction) -> str:
    return (await interaction.final_message()).text


async def test_avoid_exclusion_and_organizations_are_honoured_by_the_next_round(fake, bot, db, database_url):
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mods = fake.add_text_channel(guild.id, "moderation")
    owner = fake.member(guild.id, guild.owner_id)
    m = [fake.add_member(guild.id, name=f"member{i}", locale="fr") for i in range(6)]
    outsider = fake.add_member(guild.id, name="outsider", locale="fr")
    # Even members teach the web, odd ones business: every even-odd pair is reciprocal.
    await seed(
        database_url,
        guild.id,
        {
            m[0].id: WEB_DRAFT,
            m[1].id: BUSINESS_DRAFT,
            m[2].id: WEB_DRAFT,
            m[3].id: BUSINESS_DRAFT,
            m[5].id: dataclasses.replace(BUSINESS_DRAFT, organization="ACME"),
        },
    )
    await bot.start()

    async def run(user, name, subcommand, options=None):
        return await fake.slash_command(
            guild.id, user.id, name, subcommand=subcommand, options=options or {}, locale="fr"
        )

    setup = await run(owner, "mentoring-admin", "setup", {"organizations": True, "moderators-channel": mods})
    assert "Organisations séparées : Oui" in await text_of(setup)

    # With organizations kept apart, the join form asks for one's organization (member4: Acme).
    join = await run(m[4], "mentoring", "join")
    await fill_join_menus(fake, join, m[4].id, teach=WEB_DRAFT.teaches, learn=WEB_DRAFT.learns)
    opened = await fake.click(join, component_id(join, ":join:organization"), m[4].id)
    assert (await opened.response()).type == 9
    given = await fake.submit_modal(opened, {"organization": "Acme"}, m[4].id)
    assert "**Organisation :** Acme" in (await given.response()).content
    step = await fake.click(join, component_id(join, ":join:continue"), m[4].id)
    assert (await step.response()).type == 7, "Continue shows the time-zone step"
    form = await choose_zone(fake, join, m[4].id, "Europe/Paris")
    typed = {key: value for key, value in PROFILE_TEXT.items() if key != "timezone"}
    await (await fake.submit_modal(form, typed, m[4].id)).response()

    # member0 privately avoids member1; bad input is refused and nothing is stored.
    assert "Tu ne peux pas t'éviter toi-même" in await text_of(await run(m[0], "mentoring", "avoid", {"member": m[0]}))
    refused = await run(m[0], "mentoring", "avoid", {"member": outsider})
    assert f"<@{outsider.id}> ne fait pas partie du programme" in await text_of(refused)
    noted = await run(m[0], "mentoring", "avoid", {"member": m[1]})
    reply = await noted.final_message()
    assert reply.ephemeral and "C'est noté, en privé" in reply.text
    assert reply.allowed_mentions["parse"] == [] and not reply.allowed_mentions.get("users"), "nobody pinged"
    assert "déjà dans ta liste" in await text_of(await run(m[0], "mentoring", "avoid", {"member": m[1]}))
    assert fake.dms(m[1].id) == [], "the avoided member is never told"

    # A moderator excludes member2 and member3 (and cannot exclude someone from themself).
    same = await run(owner, "mentoring-admin", "exclude", {"first": m[2], "second": m[2]})
    assert "On ne peut pas exclure un membre de lui-même" in await text_of(same)
    half = await run(owner, "mentoring-admin", "exclude", {"first": m[2]})
    assert "Nomme les deux membres" in await text_of(half)
    excluded = await run(owner, "mentoring-admin", "exclude", {"first": m[2], "second": m[3]})
    assert f"<@{m[2].id}> et <@{m[3].id}> ne seront jamais appariés" in await text_of(excluded)

    # member0's own profile lists, privately, whom they avoid.
    profile = await run(m[0], "mentoring", "profile")
    shown = await profile.response()
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Jamais en binôme avec (privé)"] == "member1"
    public = await run(m[1], "mentoring", "profile", {"member": m[0]})
    assert "Jamais en binôme" not in str((await public.response()).embeds), "never shown to anyone else"

    # The round honours all three, and its preview says so (counts only: an avoid stays private).
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id, locale="fr"
    )
    preview = await command.final_message()
    assert (
        "Pris en compte pour cet appariement : 1 demande privée « éviter » · 1 exclusion des modérateurs · "
        "organisations séparées (2 membres en ont indiqué une)."
    ) in preview.text
    assert "🚫 2 binômes possibles ont été écartés par des exclusions." in preview.text
    assert "🏢 1 binôme possible a été écarté car les deux sont de la même organisation." in preview.text
    confirm = await fake.click(preview, component_id(preview, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "3/3 pairs created" in fake.message(preview.id).text, description="the round")
    async with db.session() as session:
        pairs = {frozenset(p.members()) for p in (await session.scalars(select(Pair))).all()}
        organizations = {p.user_id: p.organization for p in (await session.scalars(select(MemberProfile))).all()}
    assert len(pairs) == 3 and organizations[m[4].id] == "Acme"
    forbidden = {frozenset((m[0].id, m[1].id)), frozenset((m[2].id, m[3].id)), frozenset((m[4].id, m[5].id))}
    assert not pairs & forbidden
    for pair in pairs:
        a, b = sorted(pair)
        assert (organizations[a] or "a").lower() != (organizations[b] or "b").lower(), "no pair shares an organization"
    assert confirm.rejected == []

    # The exclusions' list, and removing one (audited).
    listed = await run(owner, "mentoring-admin", "exclude")
    board = await listed.final_message()
    assert "1 exclusion : jamais en binôme" in board.text and f"<@{m[2].id}> ↔ <@{m[3].id}>" in board.text
    remove = next(c for c in board.custom_ids() if c.startswith("binome:exclusion:remove:"))
    removed = await fake.select(board, remove, [f"{m[2].id}-{m[3].id}"], owner.id)
    assert "No exclusion yet" in (await removed.wait_for_edit()).text
    async with db.session() as session:
        assert (await session.scalars(select(PairExclusion))).all() == []
        actions = [e.action for e in (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()]
    assert actions[-1] == "exclusion_removed" and "exclusion_added" in actions

    # member0 takes member1 off their list from their profile.
    taken_off = await fake.select(profile, component_id(profile, ":avoid:remove"), [str(m[1].id)], m[0].id)
    edited = await taken_off.final_message()
    assert "Jamais en binôme" not in edited.text and edited.components == []
    async with db.session() as session:
        assert (await session.scalars(select(MemberAvoid))).all() == []
