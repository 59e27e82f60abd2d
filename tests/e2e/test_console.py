"""The moderators' console against the real bot: pairs' health, stats, export, audit, trouble
reports that wait for a moderators' channel, erasure on request, and the private match preview."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from sqlalchemy import select, update

from bot.db.models import AuditEntry, Charter, MemberProfile, ModeratorReport, Pair, PairFeedback, PairSession
from bot.domain.rotation import week_of
from fake_discord import FakeDiscord, Perm
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, eventually, seed_profiles

START = "2026-11-02T15:00:00+00:00"  # Monday 2 November 2026, 10:00 in Toronto: pairs start
NOW = "2026-11-30T16:00:00+00:00"  # four weeks later
LATER = "2026-11-30T16:20:00+00:00"  # 20 minutes later: lists shown at NOW have expired
SECRETS = ("NOTE-SECRET", "BIO-SECRET", "OBJECTIVE-SECRET", "GOAL-SECRET", "COMMENT-SECRET", "AVAIL-SECRET")


async def admin(fake: FakeDiscord, guild, user, subcommand: str, **options):
    return await fake.slash_command(
        guild.id, user.id, "mentoring-admin", subcommand=subcommand, options=options or None, locale="fr"
    )


async def all_pairs(db) -> list[Pair]:
    async with db.session() as session:
        return list((await session.scalars(select(Pair).order_by(Pair.id))).all())


def day(n: int) -> date:
    """Day `n` of November 2026."""
    return date(2026, 11, n)


async def seed_health(db, pairs: list[Pair]) -> None:
    """Six pairs in varied health, as at NOW (30 November):
    1 silent for 3 weeks · 2 charter never signed · 3 one member led every session ·
    4 will be ended by a moderator · 5 and 6 healthy."""
    signed = datetime(2026, 11, 5, tzinfo=UTC)
    led = {  # pair index → sessions held (day, led by a?)
        0: [(3, True)],
        1: [(9, True), (16, False), (23, True), (30, False)],
        2: [(9, True), (16, True), (23, True), (27, True)],
        3: [(10, True), (17, False)],
        4: [(16, True), (23, False), (30, True)],
        5: [(9, True), (16, False), (23, True), (29, False)],
    }
    async with db.session() as session:
        for index, pair in enumerate(pairs):
            if index != 1:
                session.add(
                    Charter(
                        pair_id=pair.id,
                        objectives_a="OBJECTIVE-SECRET a",
                        objectives_b="OBJECTIVE-SECRET b",
                        shared_goal="GOAL-SECRET",
                        signed_a_at=signed,
                        signed_b_at=signed,
                        updated_at=signed,
                    )
                )
            for n, by_a in led[index]:
                session.add(
                    PairSession(
                        pair_id=pair.id,
                        guild_id=pair.guild_id,
                        session_date=day(n),
                        week_start=week_of(day(n), 0),
                        held=True,
                        mode="video",
                        minutes=60,
                        led_by=pair.member_a_id if by_a else pair.member_b_id,
                        logged_by=pair.member_a_id,
                        note=f"NOTE-SECRET {pair.id}",
                        created_at=signed,
                    )
                )
        # A session that did not take place, and a first meeting planned for the last pair.
        session.add(
            PairSession(
                pair_id=pairs[5].id,
                guild_id=pairs[5].guild_id,
                session_date=day(4),
                week_start=day(2),
                held=False,
                logged_by=pairs[5].member_b_id,
                note="NOTE-SECRET not held",
                created_at=signed,
            )
        )
        await session.execute(update(Pair).where(Pair.id == pairs[5].id).values(first_meeting_planned_at=signed))
        session.add(
            PairFeedback(
                pair_id=pairs[3].id, guild_id=pairs[3].guild_id, user_id=pairs[3].member_a_id, rating=4,
                comment="COMMENT-SECRET", created_at=signed,
            )
        )  # fmt: skip
        await session.execute(
            update(MemberProfile).values(bio="BIO-SECRET", objectives="OBJECTIVE-SECRET", availability="AVAIL-SECRET")
        )


def blocks_by_pair(embed: dict) -> dict[int, str]:
    return {
        int(re.search(r"Binôme n° (\d+)", block)[1]): block
        for block in embed["description"].split("\n\n")
        if "Binôme n°" in block
    }


async def pairs_list(fake, guild, owner, **options) -> tuple[dict, list[dict]]:
    command = await admin(fake, guild, owner, "pairs", **options)
    message = await command.final_message()
    assert message.ephemeral
    return message, message.embeds


async def start(fake: FakeDiscord, bot: BotProcess, database_url: str, members: int = 12):
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mods = fake.add_text_channel(guild.id, "moderation")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=f"m{i}", locale="fr").id for i in range(members)]
    await seed_profiles(database_url, guild.id, people)
    bot.env["BINOME_TICK_SECONDS"] = "3600"  # one scheduler tick, at start-up: nothing runs behind the test
    bot.set_time(START)
    await bot.start()
    return guild, general, mods, owner, people


async def test_console_pairs_stats_export_audit_and_waiting_reports(fake, bot, db, database_url):
    guild, general, mods, owner, _ = await start(fake, bot, database_url)

    # The match preview is private: only the moderator who asked sees it (skills, who is left out).
    command = await admin(fake, guild, owner, "match")
    preview = await command.final_message()
    assert preview.ephemeral and "Appariement n°" in preview.text
    assert fake.messages(general.id) == []
    await fake.click(preview, component_id(preview, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "6/6 pairs created" in fake.message(preview.id).text, description="6 pairs")
    pairs = await all_pairs(db)
    assert [p.status for p in pairs] == ["active"] * 6
    await seed_health(db, pairs)
    bot.set_time(NOW)
    silent, unsigned, one_sided, ended, healthy, met = pairs

    # A moderator ends the fourth pair (privately confirmed).
    unpair = await admin(fake, guild, owner, "unpair", member=ended.member_a_id)
    assert (await unpair.response()).ephemeral
    await (await fake.click(unpair, component_id(unpair, ":confirm"), owner.id)).wait_for_edit()

    # A trouble report while there is no moderators' channel: a pair channel deleted by hand.
    fake.delete_channel(healthy.channel_id)

    async def recreated():
        async with db.session() as session:
            pair = await session.get(Pair, healthy.id)
            reports = (await session.scalars(select(ModeratorReport))).all()
        return pair.status == "active" and len(reports) == 2  # the unpair, then the deleted channel

    await eventually(recreated, what="the deleted channel recreated and the report stored")
    assert fake.messages(mods.id) == []

    # --- pairs: the waiting report on top, each pair's facts, the worrying first ----------------
    message, embeds = await pairs_list(fake, guild, owner)
    reports, board = embeds
    assert "2 signalements en attente" in reports["title"] and "supprimé à la main" in reports["description"]
    assert "terminé par un modérateur" in reports["description"]
    assert "Aucun salon des modérateurs" in reports["description"]
    assert board["title"] == "6 binômes · tous"
    assert "À surveiller : aucune séance depuis 2 semaines" in board["footer"]["text"]
    assert "Page 1/2" in board["footer"]["text"]
    first_page = blocks_by_pair(board)
    assert next(iter(first_page)) == silent.id, "the most worrying first"
    assert set(list(first_page)[:3]) == {silent.id, unsigned.id, one_sided.id}
    a, b = (lambda p: f"<@{p.member_a_id}>"), (lambda p: f"<@{p.member_b_id}>")
    assert "aucune séance depuis 3 semaines" in first_page[silent.id]
    assert "3 semaines sans séance" in first_page[silent.id] and "Charte : signée" in first_page[silent.id]
    assert f"Séances menées : {a(silent)} 1, {b(silent)} 0" in first_page[silent.id]
    assert "charte non signée après 4 semaines" in first_page[unsigned.id]
    assert "Charte : non signée" in first_page[unsigned.id] and "0 semaine sans séance" in first_page[unsigned.id]
    assert f"Séances menées : {a(unsigned)} 2, {b(unsigned)} 2" in first_page[unsigned.id]
    assert f"{a(one_sided)} a mené 100" in first_page[one_sided.id]
    assert f"Séances menées : {a(one_sided)} 4, {b(one_sided)} 0" in first_page[one_sided.id]
    for pair in (healthy, met):
        assert "À surveiller" not in first_page.get(pair.id, "")
    next_page = [c for c in message.custom_ids() if ":pairs:" in c and ":1:" in c]
    await fake.click(message, next_page[0], owner.id, locale="fr")
    await fake.wait_for(lambda: "Page 2/2" in fake.message(message.id).text, description="the second page")
    second = blocks_by_pair(fake.message(message.id).embeds[-1])
    assert list(second) == [ended.id], "ended pairs come last"
    assert "terminé le" in second[ended.id]
    met_block = first_page[met.id]
    assert "Première rencontre : prévue" in met_block and f"{a(met)} 2, {b(met)} 2" in met_block

    # Filters.
    _, (_, attention) = await pairs_list(fake, guild, owner, show="attention")
    assert attention["title"] == "3 binômes · à surveiller"
    assert set(blocks_by_pair(attention)) == {silent.id, unsigned.id, one_sided.id}
    _, (_, no_charter) = await pairs_list(fake, guild, owner, show="unsigned")
    assert set(blocks_by_pair(no_charter)) == {unsigned.id}
    _, (_, finished) = await pairs_list(fake, guild, owner, show="ended")
    assert set(blocks_by_pair(finished)) == {ended.id}
    _, (_, newest) = await pairs_list(fake, guild, owner, order="newest")
    assert list(blocks_by_pair(newest)) == [p.id for p in reversed(pairs)][:5]

    # --- stats: figures from the data, and a PNG chart ------------------------------------------
    stats = await (await admin(fake, guild, owner, "stats")).final_message()
    assert stats.ephemeral
    [chart] = stats.attachments
    assert chart.filename.endswith(".png") and chart.data.startswith(b"\x89PNG\r\n\x1a\n")
    async with db.session() as session:
        held = (await session.scalars(select(PairSession).where(PairSession.held))).all()
    text = stats.text
    assert "**Membres** : 12 actifs, 0 en pause" in text
    assert "**Binômes** : 5 actifs, 1 terminé, 0 en lancement (6 binômes au total)" in text
    assert f"**Séances tenues** : {len(held)} séances" in text
    weeks = 5  # the chart's weeks: 2, 9, 16, 23 and 30 November
    assert f"soit {str(round(len(held) / weeks, 1)).replace('.', ',')} par semaine sur les {weeks} dernières" in text
    assert "à sens unique : 1 binôme" in text
    assert "**Note de fin moyenne** : 4/5 (1 note)" in text
    assert "**Mi-cycle atteint** : 0 binôme" in text
    held_weeks = len({(s.pair_id, s.week_start) for s in held})
    now = datetime.fromisoformat(NOW)
    ran_weeks = sum(  # the program weeks each pair ran, from its start to its end (or now)
        (week_of((p.ended_at or now).date(), 0) - week_of(p.activated_at.date(), 0)).days // 7 + 1
        for p in await all_pairs(db)
    )
    share = round(100 * held_weeks / ran_weeks)
    assert re.search(rf"Semaines avec une séance\*\* : {share}\s%", text), text

    # --- export: three CSV files matching the database, no private text -------------------------
    exported = await (await admin(fake, guild, owner, "export")).final_message()
    assert exported.ephemeral
    files = {attachment.filename: attachment for attachment in exported.attachments}
    assert set(files) == {"binomes.csv", "seances.csv", "membres.csv"}
    for attachment in files.values():
        assert attachment.data.startswith("\ufeff".encode()), "UTF-8 with a BOM, for Excel"
        assert not any(secret in attachment.text("utf-8-sig") for secret in SECRETS)
    rows = {name: list(csv.DictReader(io.StringIO(f.text("utf-8-sig")), delimiter=";")) for name, f in files.items()}
    async with db.session() as session:
        sessions = (await session.scalars(select(PairSession).order_by(PairSession.id))).all()
        profiles = (await session.scalars(select(MemberProfile))).all()
    assert [(r["seance"], r["binome"], r["date"], r["tenue"]) for r in rows["seances.csv"]] == [
        (str(s.id), str(s.pair_id), s.session_date.isoformat(), "Oui" if s.held else "Non") for s in sessions
    ]
    assert {r["membre_id"] for r in rows["membres.csv"]} == {str(p.user_id) for p in profiles}
    by_pair = {int(r["binome"]): r for r in rows["binomes.csv"]}
    assert set(by_pair) == {p.id for p in pairs}
    assert by_pair[ended.id]["statut"] == "ended" and by_pair[ended.id]["note_moyenne"] == "4,00"
    assert (by_pair[one_sided.id]["menees_par_a"], by_pair[one_sided.id]["menees_par_b"]) == ("4", "0")
    assert by_pair[silent.id]["semaines_sans_seance"] == "3" and by_pair[unsigned.id]["charte_signee"] == "Non"
    assert by_pair[silent.id]["membre_a"] == fake.member(guild.id, silent.member_a_id).user.username

    # --- audit: what this moderator did, newest first -------------------------------------------
    audit = await (await admin(fake, guild, owner, "audit")).final_message()
    lines = audit.embeds[0]["description"].split("\n")
    assert [bool(re.search(pattern, line)) for pattern, line in zip(
        ("a exporté", "a terminé le binôme", "a confirmé l'appariement", "a demandé l'appariement"), lines, strict=False
    )] == [True] * 4, lines  # fmt: skip
    assert all(f"<@{owner.id}>" in line for line in lines)

    # --- a moderators' channel is set: the waiting report is posted there, once ------------------
    setup = await admin(fake, guild, owner, "setup", **{"moderators-channel": mods})
    answer = (await setup.response()).content
    assert "2 signalements en attente vont être publiés" in answer
    await fake.wait_for(
        lambda: sum("supprimé à la main" in m.content for m in fake.messages(mods.id)) == 1,
        description="the waiting report posted",
    )
    await fake.wait_for(
        lambda: any("a modifié les réglages" in m.content for m in fake.messages(mods.id)),
        description="the setup change in the moderators' channel",
    )
    again = await admin(fake, guild, owner, "setup", **{"moderators-channel": mods})
    assert "Les signalements sont publiés dans" in (await again.response()).content
    _, embeds = await pairs_list(fake, guild, owner)
    assert len(embeds) == 1, "nothing waits any more"
    assert sum("supprimé à la main" in m.content for m in fake.messages(mods.id)) == 1

    # The bot can no longer post there: the next report waits, and setup says why.
    fake.set_overwrite(mods.id, fake.bot_user.id, deny=Perm.SEND_MESSAGES)
    fake.delete_channel(met.channel_id)

    async def two_reports():
        async with db.session() as session:
            return len((await session.scalars(select(ModeratorReport))).all()) == 3

    await eventually(two_reports, what="the second report stored")
    setup = await admin(fake, guild, owner, "setup")
    answer = (await setup.response()).content
    assert "Je ne peux pas écrire dans" in answer and "Envoyer des messages" in answer and "1 en attente" in answer
    _, (reports, _) = await pairs_list(fake, guild, owner)
    assert "Je ne peux pas écrire dans" in reports["description"]

    # An old list's page button: expired.
    bot.set_time(LATER)
    [back] = [c for c in fake.message(message.id).custom_ids() if ":pairs:" in c and ":0:" in c]
    stale = await fake.click(message, back, owner.id, locale="fr")
    assert "Cette liste a expiré" in (await stale.response()).content

    # The audit kept who did it.
    async with db.session() as session:
        entries = (await session.scalars(select(AuditEntry))).all()
    assert {e.actor_id for e in entries} == {owner.id}


async def test_console_refusals_empty_server_and_forget(fake, bot, db, database_url):
    guild, _, _, owner, people = await start(fake, bot, database_url, members=2)
    empty = fake.add_guild("Empty", preferred_locale="fr")
    fake.add_text_channel(empty.id, "general")
    empty_owner = fake.member(empty.id, empty.owner_id)
    await fake.wait_for_event("GUILD_CREATE", lambda data: data["id"] == str(empty.id))
    stats = await admin(fake, empty, empty_owner, "stats")
    assert "Rien à compter pour l'instant" in (await stats.final_message()).text
    export = await admin(fake, empty, empty_owner, "export")
    message = await export.final_message()
    assert "Rien à exporter pour l'instant" in message.text and message.attachments == []
    listed = await admin(fake, empty, empty_owner, "pairs")
    assert "Aucun binôme pour l'instant" in (await listed.final_message()).text

    # Not a moderator (the command opened to everyone in the Integrations settings): refused.
    fake.rules.enforce_command_permissions = False
    for subcommand in ("pairs", "stats", "export", "audit"):
        attempt = await fake.slash_command(guild.id, people[0], "mentoring-admin", subcommand=subcommand, locale="fr")
        answer = await attempt.response()
        assert answer.ephemeral and "Seuls les modérateurs" in answer.content, subcommand
    attempt = await fake.slash_command(
        guild.id, people[0], "mentoring-admin", subcommand="forget", options={"member": people[1]}, locale="fr"
    )
    assert "Seuls les modérateurs" in (await attempt.response()).content

    # setup without a moderators' channel says where the reports go.
    setup = await admin(fake, guild, owner, "setup")
    answer = (await setup.response()).content
    assert "Aucun salon des modérateurs" in answer and "attendent en haut de `/mentorat-admin binomes`" in answer

    # forget: someone who never joined → a clear answer; a member → erased after confirming.
    stranger = fake.add_member(guild.id, name="stranger", locale="fr")
    never = await admin(fake, guild, owner, "forget", member=stranger.id)
    assert "n'a jamais rejoint le programme" in (await never.response()).content
    forget = await admin(fake, guild, owner, "forget", member=people[0])
    prompt = await forget.response()
    assert prompt.ephemeral and "Effacer les données personnelles" in prompt.content
    done = await fake.click(forget, component_id(forget, ":confirm"), owner.id, locale="fr")
    assert "C'est fait" in (await done.wait_for_edit()).text
    async with db.session() as session:
        assert await session.scalar(select(MemberProfile).where(MemberProfile.user_id == people[0])) is None
        entries = (await session.scalars(select(AuditEntry))).all()
    assert [(e.action, e.actor_id, e.target_a_id) for e in entries] == [("forget", owner.id, None)]
    audit = await (await admin(fake, guild, owner, "audit")).final_message()
    assert "a effacé les données personnelles d'un membre" in audit.text and str(people[0]) not in audit.text
    again = await admin(fake, guild, owner, "forget", member=people[0])
    assert "n'a jamais rejoint le programme" in (await again.response()).content
