"""The pair's weekly slot against the real bot: proposed in one member's zone, accepted by the other,
shown to each in their own zone; the reminder before it and the nudge after it as the clock moves; an
`.ics` invite that calendars can read and that a changed slot updates; daylight saving; expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from bot.db.models import MemberProfile
from bot.i18n.dates import discord_timestamp
from tests.e2e.helpers import component_id, forged_click, unpair
from tests.e2e.test_weekly import all_pairs, remind_now, start_program, weekly_messages
from tests.ics_checks import check_ics

TORONTO, PARIS = "America/Toronto", "Europe/Paris"


def stamp(iso: str) -> str:
    return discord_timestamp(datetime.fromisoformat(iso).replace(tzinfo=UTC), "F")


async def paired(fake, bot, db, database_url):
    """One pair: A in Paris, B in Toronto (their profiles' zones)."""
    guild, owner = await start_program(fake, bot, database_url, members=2)
    [pair] = await all_pairs(db)
    async with db.session() as session:
        await session.execute(
            update(MemberProfile).where(MemberProfile.user_id == pair.member_b_id).values(timezone=TORONTO)
        )
    return guild, owner, pair


async def slot(fake, guild, user_id, pair, **options):
    command = await fake.slash_command(
        guild.id, user_id, "pair", subcommand="slot", options=options, channel_id=pair.channel_id, locale="fr"
    )
    return await command.final_message()


def with_text(fake, pair, needle: str) -> list:
    return [m for m in fake.messages(pair.channel_id) if needle in m.content]


def invite_of(message):
    [attachment] = message.attachments
    assert attachment.filename.endswith(".ics")
    calendar = check_ics(attachment.data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


async def test_a_weekly_slot_agreed_reminded_nudged_updated_across_restarts_downtime_and_dst(
    fake, bot, db, database_url
):
    guild, owner, pair = await paired(fake, bot, db, database_url)
    a, b = pair.member_a_id, pair.member_b_id

    # Autocomplete offers times; bad input gets a clear answer and stores nothing.
    typed = await fake.autocomplete(guild.id, a, "pair", "time", "18", subcommand="slot", channel_id=pair.channel_id)
    assert [c["value"] for c in (await typed.response()).data["choices"]][:2] == ["18:00", "18:30"]
    refusals = {
        "02:30 n'existe pas le 28 mars 2027 dans le fuseau Europe/Paris": {"day": 6, "time": "02:30"},
        "entre 15 et 480 minutes": {"day": 1, "time": "18:00", "length": 0},
        "« 25:00 » n'est pas une heure": {"day": 1, "time": "25:00"},
        "donne un jour et une heure": {"time": "18:00"},
    }
    for expected, options in refusals.items():
        answer = await slot(fake, guild, a, pair, **options)
        assert answer.ephemeral and expected in answer.content, (options, answer.content)
    over = await slot(fake, guild, b, pair, day=1, time="07:00", length=9 * 60)
    assert "entre 15 et 480 minutes" in over.content
    assert with_text(fake, pair, "propose un créneau") == []

    # A (Paris) proposes Tuesdays 18:00; each member sees it in their own zone.
    proposed = await slot(fake, guild, a, pair, day=1, time="18:00", length=60)
    assert "Dans ton fuseau horaire (Europe/Paris) : le mardi à 18:00." in proposed.content
    [proposal] = with_text(fake, pair, "propose un créneau")
    assert "**le mardi à 18:00** (Europe/Paris), 60 minutes" in proposal.content
    assert stamp("2026-12-01T17:00:00") in proposal.content  # one instant: each client shows its own zone
    assert [str(u) for u in proposal.allowed_mentions["users"]] == [str(b)]
    own = await fake.click(proposal, component_id(proposal, ":accept"), a)
    assert "c'est à ton binôme de l'accepter" in (await own.response()).content
    accepted = await fake.click(proposal, component_id(proposal, ":accept"), b)
    assert (await accepted.response()).type == 7
    zone_view = await accepted.wait_for_followup()
    assert "Dans ton fuseau horaire (America/Toronto) : le mardi à 12:00." in zone_view.content
    assert "accepté" in fake.message(proposal.id).content and fake.message(proposal.id).custom_ids() == []
    [posted] = await fake.wait_for(lambda: with_text(fake, pair, "Créneau hebdomadaire convenu"), description="invite")
    calendar, event = invite_of(posted)
    uid = str(event["UID"])
    assert event["DTSTART"].params["TZID"] == PARIS and event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert int(event["SEQUENCE"]) == 0 and str(calendar["METHOD"]) == "PUBLISH"

    # The weekly message and /pair week show this week's slot.
    await remind_now(fake, guild, owner)
    [weekly] = weekly_messages(fake, pair, "2026-11-30")
    assert f"Votre créneau cette semaine : {stamp('2026-12-01T17:00:00')}, 60 minutes." in weekly.content
    week = await fake.slash_command(guild.id, b, "pair", subcommand="week", channel_id=pair.channel_id, locale="fr")
    assert stamp("2026-12-01T17:00:00") in (await week.response()).content

    # An hour before the slot: the reminder, once, naming this week's mentor and topic; a restart adds nothing.
    bot.set_time("2026-12-01T16:00:30+00:00")
    [reminder] = await fake.wait_for(lambda: with_text(fake, pair, "⏰"), description="the reminder")
    assert stamp("2026-12-01T17:00:00") in reminder.content and f"<@{a}> est le mentor de <@{b}>" in reminder.content
    await bot.stop()
    await bot.start()
    # Right after the slot, nothing logged: "did you meet?", once.
    bot.set_time("2026-12-01T18:00:30+00:00")
    await fake.wait_for(lambda: with_text(fake, pair, "vient de se terminer"), description="the nudge after the slot")
    bot.set_time("2026-12-03T16:00:00+00:00")  # three days after the weekly message: no second nudge
    await bot.stop()
    await bot.start()
    assert len(with_text(fake, pair, "⏰")) == 1 and len(with_text(fake, pair, "vient de se terminer")) == 1
    assert not with_text(fake, pair, "aucune séance notée")

    # Downtime across the next reminder time: back once the slot began, nothing is sent late.
    await bot.stop()
    bot.set_time("2026-12-08T17:10:00+00:00")
    await bot.start()
    await fake.wait_for(lambda: weekly_messages(fake, pair, "2026-12-07"), description="the catch-up week")
    bot.set_time("2026-12-08T18:00:30+00:00")
    await fake.wait_for(lambda: len(with_text(fake, pair, "vient de se terminer")) == 2, description="next nudge")
    assert len(with_text(fake, pair, "⏰")) == 1, "the reminder of 8 December was not sent late"

    # B (Toronto) proposes another slot, A accepts: the invite is updated (same UID, next SEQUENCE).
    await slot(fake, guild, b, pair, day=3, time="13:30", length=90, reminder="1h")
    [change] = with_text(fake, pair, "le jeudi à 13:30** (America/Toronto), 90 minutes")
    assert stamp("2026-12-10T18:30:00") in change.content
    accepted = await fake.click(change, component_id(change, ":accept"), a)
    await accepted.response()
    zone_view = await accepted.wait_for_followup()
    assert "Dans ton fuseau horaire (Europe/Paris) : le jeudi à 19:30." in zone_view.content
    [updated] = await fake.wait_for(lambda: with_text(fake, pair, "a changé"), description="the updated invite")
    _, event = invite_of(updated)
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].params["TZID"] == TORONTO and event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"

    # A skipped week's slot is not reminded.
    bot.set_time("2026-12-14T14:00:30+00:00")
    [week_of_14] = await fake.wait_for(lambda: weekly_messages(fake, pair, "2026-12-14"), description="the run")
    assert stamp("2026-12-17T18:30:00") in week_of_14.content
    asked = await fake.click(week_of_14, component_id(week_of_14, ":skip"), a)
    assert "proposition est publiée" in (await asked.response()).content  # a skip needs the partner's click
    proposal = await fake.wait_for(
        lambda: [m for m in fake.messages(pair.channel_id) if any("binome:weekskip:" in c for c in m.custom_ids())],
        description="the skip proposal",
    )
    skipped = await fake.click(proposal[-1], proposal[-1].custom_ids()[0], b)
    assert (await skipped.response()).type == 7
    bot.set_time("2026-12-17T17:45:00+00:00")
    await bot.wait_for_log("not reminded: its week is skipped")
    assert not [m for m in with_text(fake, pair, "⏰") if stamp("2026-12-17T18:30:00") in m.content]

    # Toronto moves to summer time on 14 March 2027: the slot stays at 13:30 there (17:30 UTC, not 18:30).
    await bot.stop()
    bot.set_time("2027-03-18T16:45:00+00:00")
    await bot.start()
    [dst] = await fake.wait_for(
        lambda: [m for m in with_text(fake, pair, "⏰") if stamp("2027-03-18T17:30:00") in m.content],
        description="the reminder after the clock change",
    )
    assert f"<@{b}> est le mentor de <@{a}>" in dst.content or f"<@{a}> est le mentor de <@{b}>" in dst.content

    # A proposal nobody answers expires after 7 days, and says so.
    await slot(fake, guild, a, pair, day=4, time="10:00")
    [pending] = with_text(fake, pair, "le vendredi à 10:00")
    accept_id = component_id(pending, ":accept")
    bot.set_time("2027-03-25T17:00:00+00:00")
    await fake.wait_for(lambda: "⌛" in fake.message(pending.id).content, description="the expired proposal")
    assert fake.message(pending.id).custom_ids() == []
    # A client still showing the old buttons: the click is answered (the button is gone), not dropped.
    late = await forged_click(fake, pending, accept_id, b)
    assert "Ce menu a expiré" in (await late.response()).content

    # "Propose another": B answers A's new proposal with a form (a time Toronto skips is refused first).
    await slot(fake, guild, a, pair, day=4, time="11:00")
    [other] = with_text(fake, pair, "le vendredi à 11:00")
    for values, expected in (
        ({"day": "dimanche", "time": "02:30"}, "02:30 n'existe pas le 12 mars 2028 dans le fuseau America/Toronto"),
        ({"day": "jourdi", "time": "09:30"}, "« jourdi » n'est pas un jour"),
    ):
        opened = await fake.click(other, component_id(other, ":counter"), b)
        assert (await opened.response()).type == 9
        refused = await fake.submit_modal(opened, values, b)
        assert expected in (await refused.final_message()).content
    opened = await fake.click(other, component_id(other, ":counter"), b)
    await opened.response()
    await (await fake.submit_modal(opened, {"day": "samedi", "time": "9:30", "minutes": "45"}, b)).final_message()
    assert with_text(fake, pair, "**le samedi à 09:30** (America/Toronto), 45 minutes")
    assert "remplacé" in fake.message(other.id).content and fake.message(other.id).custom_ids() == []

    # The pair ends: the weekly event is cancelled in the calendars (same UID, one SEQUENCE more).
    await unpair(fake, guild, owner, a)
    [cancelled] = await fake.wait_for(lambda: with_text(fake, pair, "est annulé"), description="the cancellation")
    calendar, event = invite_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2


async def plan(fake, guild, pair, user_id, values: dict):
    kickoff = next(m for m in fake.messages(pair.channel_id) if any(c.endswith(":met") for c in m.custom_ids()))
    opened = await fake.click(kickoff, component_id(kickoff, ":met"), user_id)
    assert (await opened.response()).type == 9, "the button opens the first-meeting form"
    submitted = await fake.submit_modal(opened, values, user_id)
    return await submitted.final_message()


async def test_the_first_meeting_planned_from_the_kickoff_with_an_invite_and_a_reminder_the_day_before(
    fake, bot, db, database_url
):
    guild, _, pair = await paired(fake, bot, db, database_url)
    a, b = pair.member_a_id, pair.member_b_id
    for values, expected in (
        ({"date": "2026-11-29", "time": "18:00"}, "déjà passé"),
        ({"date": "2026-13-01", "time": "18:00"}, "n'est pas une date"),
        ({"date": "2027-03-28", "time": "02:30"}, "02:30 n'existe pas le 28 mars 2027"),
        ({"date": "2026-12-05", "time": "soir"}, "n'est pas une heure"),
    ):
        answer = await plan(fake, guild, pair, a, values)
        assert answer.ephemeral and expected in answer.content, (values, answer.content)
    assert not with_text(fake, pair, "première rencontre :")

    # A (Paris) plans it in person on Saturday 5 December, 14:00 (13:00 UTC).
    noted = await plan(fake, guild, pair, a, {"date": "2026-12-05", "time": "14:00", "place": "Café de la Paix"})
    assert noted.ephemeral and "C'est noté" in noted.content
    [planned] = with_text(fake, pair, "a planifié votre première rencontre")
    assert stamp("2026-12-05T13:00:00") in planned.content and "en personne : Café de la Paix" in planned.content
    _, event = invite_of(planned)
    assert str(event["LOCATION"]) == "Café de la Paix" and event["DTSTART"].params["TZID"] == PARIS
    assert "RRULE" not in event and int(event["SEQUENCE"]) == 0
    refreshed = next(p for p in await all_pairs(db) if p.id == pair.id)
    assert refreshed.first_meeting_planned_at is not None, "the two-week first-meeting reminder stops"

    # The day before: one reminder, not repeated after a restart.
    bot.set_time("2026-12-04T13:30:00+00:00")
    [eve] = await fake.wait_for(lambda: with_text(fake, pair, "votre première rencontre a lieu"), description="eve")
    assert stamp("2026-12-05T13:00:00") in eve.content
    await bot.stop()
    await bot.start()
    assert len(with_text(fake, pair, "votre première rencontre a lieu")) == 1

    # B (Toronto) moves it to a video call: the same event, updated.
    moved = await plan(fake, guild, pair, b, {"date": "2026-12-06", "time": "10:00"})
    assert "C'est noté" in moved.content
    [update_message] = with_text(fake, pair, "a déplacé votre première rencontre")
    assert stamp("2026-12-06T15:00:00") in update_message.content and "en vidéo" in update_message.content
    _, moved_event = invite_of(update_message)
    assert moved_event["UID"] == event["UID"] and int(moved_event["SEQUENCE"]) == 1
    assert moved_event["DTSTART"].params["TZID"] == TORONTO
