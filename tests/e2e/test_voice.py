"""Check-ins from voice presence against the real bot: a private voice channel per pair, the time both
members spend together measured through voice states (merged across a short break, across a restart),
one "log it?" message per session, and one check-in after the click."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.db.models import Pair, PairSession, VoiceSession
from fake_discord import VOICE
from tests.e2e.helpers import component_id, eventually, forged_click, unpair
from tests.e2e.test_weekly import all_pairs, start_program

T0 = "2026-11-30T16:00:00+00:00"


def at(minutes: int, base_hour: int = 16) -> str:
    hours, minutes = divmod(minutes, 60)
    return f"2026-11-30T{base_hour + hours:02d}:{minutes:02d}:00+00:00"


async def voice_rows(db) -> list[VoiceSession]:
    async with db.session() as session:
        return list((await session.scalars(select(VoiceSession).order_by(VoiceSession.id))).all())


async def wait_state(db, what: str, check) -> None:
    async def ready():
        rows = await voice_rows(db)
        return rows and check(rows[-1])

    await eventually(ready, what=what)


def offers(fake, pair: Pair) -> list:
    return [m for m in fake.messages(pair.channel_id) if "en vocal. On le note ?" in m.content]


async def test_a_35_minute_voice_session_is_offered_once_and_logged_once(fake, bot, db, database_url):
    guild, owner = await start_program(fake, bot, database_url, members=2)
    [pair] = await all_pairs(db)
    a, b = pair.member_a_id, pair.member_b_id
    outsider = fake.add_member(guild.id, name="visitor", locale="fr")
    lounge = fake.add_voice_channel(guild.id, "Salon")

    # Off by default: no voice channel, and time in voice is not watched.
    fake.join_voice(guild.id, a, lounge.id)
    fake.join_voice(guild.id, b, lounge.id)
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"voice-checkins": True}, locale="fr"
    )
    assert "Séances repérées en vocal : activées (après 20 minutes ensemble)." in (await setup.response()).content
    room = await fake.wait_for(
        lambda: next(
            iter(fake.channels(guild.id, type=VOICE, parent_id=fake.channel(pair.channel_id).parent_id)), None
        ),
        description="the pair's voice channel",
    )
    assert fake.can_view(room.id, a) and fake.can_view(room.id, b) and not fake.can_view(room.id, outsider.id)
    assert not await voice_rows(db), "they were together before the switch: nothing measured behind their back"
    fake.leave_voice(guild.id, a)
    fake.leave_voice(guild.id, b)

    # Alone in voice: nothing. Together in their room, with a short break: one session of 35 minutes.
    bot.set_time(at(0))
    fake.join_voice(guild.id, a, room.id)
    await fake.wait_for(lambda: fake.voice_state(guild.id, a) is not None)
    fake.join_voice(guild.id, b, room.id)
    await wait_state(db, "together", lambda row: row.together_since is not None)
    bot.set_time(at(20))
    fake.leave_voice(guild.id, a)  # a dropped connection...
    await wait_state(db, "apart", lambda row: row.together_since is None)
    bot.set_time(at(22))
    fake.join_voice(guild.id, a, room.id)  # ...back two minutes later: the same session
    await wait_state(db, "together again", lambda row: row.together_since is not None)
    bot.set_time(at(37))
    fake.leave_voice(guild.id, b)
    await wait_state(db, "apart again", lambda row: row.together_since is None)
    assert len(await voice_rows(db)) == 1, [
        (r.status, r.started_at, r.together_since, r.apart_since, r.together_seconds) for r in await voice_rows(db)
    ]
    bot.set_time(at(48))  # apart for longer than the merge gap: the session is over
    [offer] = await fake.wait_for(lambda: offers(fake, pair), description="the log-it offer")
    assert "vous vous êtes retrouvés 35 minutes en vocal" in offer.content
    assert sorted(str(u) for u in offer.allowed_mentions["users"]) == sorted(str(m) for m in (a, b))
    await bot.stop()
    await bot.start()
    assert len(offers(fake, pair)) == 1
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(PairSession)) == 0, "nothing without a click"

    # B clicks: one video session of 35 minutes, led by this week's mentor (A); the button goes away.
    log_id = component_id(offer, ":log")
    clicked = await fake.click(offer, log_id, b)
    assert (await clicked.response()).type == 7
    assert "Noté par" in fake.message(offer.id).content and fake.message(offer.id).custom_ids() == []
    again = await forged_click(fake, offer, log_id, a)
    assert "Ce menu a expiré" in (await again.response()).content
    async with db.session() as session:
        [logged] = (await session.scalars(select(PairSession))).all()
    assert (logged.minutes, logged.mode, logged.held, logged.led_by, logged.logged_by) == (35, "video", True, a, b)

    # Another day, in the server's lounge with a third person; the bot restarts in the middle.
    bot.set_time(at(0, base_hour=19))
    fake.join_voice(guild.id, outsider.id, lounge.id)
    fake.join_voice(guild.id, a, lounge.id)
    fake.join_voice(guild.id, b, lounge.id)
    await wait_state(db, "the second session", lambda row: row.status == "open" and row.together_since is not None)
    await bot.stop()
    bot.set_time(at(5, base_hour=19))
    await bot.start()  # finds them together in GUILD_CREATE's voice states: the same session goes on
    # The ready line can come before the voice cog's on_ready has looked: move time only after it did.
    resumed_at = datetime.fromisoformat(at(5, base_hour=19)).replace(tzinfo=None)
    await wait_state(db, "the session resumed", lambda row: row.last_seen_at.replace(tzinfo=None) == resumed_at)
    bot.set_time(at(25, base_hour=19))
    fake.leave_voice(guild.id, a)
    await wait_state(db, "apart", lambda row: row.together_since is None)
    bot.set_time(at(40, base_hour=19))
    await fake.wait_for(lambda: len(offers(fake, pair)) == 2, description="the second offer")
    [_, second] = offers(fake, pair)
    assert "25 minutes" in second.content
    assert len(await voice_rows(db)) == 2

    # "Edit, then log": the length as the member corrects it.
    opened = await fake.click(second, component_id(second, ":edit"), a)
    assert (await opened.response()).type == 9
    bad = await fake.submit_modal(opened, {"minutes": "0"}, a)
    assert "entre 5 et 600" in (await bad.response()).content
    opened = await fake.click(second, component_id(second, ":edit"), a)
    await opened.response()
    edited = await fake.submit_modal(opened, {"minutes": "30", "note": "Tableau de bord"}, a)
    assert (await edited.response()).type == 7
    async with db.session() as session:
        minutes = sorted((await session.scalars(select(PairSession.minutes))).all())
    assert minutes == [30, 35]

    # The pair ends: its voice channel goes.
    await unpair(fake, guild, owner, a)
    await fake.wait_for(lambda: fake.channel(room.id) is None, description="the voice channel deleted")
