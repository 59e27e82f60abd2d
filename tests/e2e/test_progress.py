"""Progress on objectives from both sides, end to end: each member rates where they stand at the charter
and again at mid-cycle (and says who led most); the pair sees its own progress, moderators only aggregates."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.db.engine import Database
from bot.db.models import ProgressRating
from bot.services.charters import Charters
from tests.e2e.helpers import component_id, seed_profiles
from tests.e2e.test_ending import bot, cycle_messages, make_pair  # noqa: F401  (the fast-ticking bot)
from tests.e2e.test_separation import text_of

FRAME = {
    "frequency": "Chaque semaine",
    "duration": "Une heure",
    "meeting_format": "En personne puis en visio",
    "confidentiality": "Entre nous",
    "ending": "Un message suffit",
}


async def write_charter(database_url: str, pair) -> None:
    """The charter as the two wrote it (the forms are covered by test_charter)."""
    db = Database(database_url)
    try:
        charters = Charters(db, SystemClock())
        await charters.update_frame(pair.id, FRAME)
        await charters.update_objectives(
            pair.id, pair.member_a_id, "- Comprendre un bilan\n- Préparer une levée de fonds"
        )
        await charters.update_objectives(pair.id, pair.member_b_id, "Apprendre le SEO")
        await charters.update_goal(pair.id, "Écrire un article à deux")
    finally:
        await db.close()


def fields_of(callback) -> dict[str, str]:
    """A form's inputs: custom id → label."""
    return {c["custom_id"]: c["label"] for row in callback.data["components"] for c in row["components"]}


async def rate(fake, message, stage: str, user_id: int, values: dict[str, str]):
    opened = await fake.click(message, component_id(message, f":{stage}:rate"), user_id)
    form = await opened.response()
    assert form.type == 9, "rating opens a form"
    submitted = await fake.submit_modal(opened, values, user_id)
    return form, submitted


async def count_ratings(db) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(ProgressRating))


async def test_self_ratings_at_the_charter_and_at_mid_cycle(fake, bot, db, database_url):  # noqa: F811
    bot.set_time("2026-01-15T10:00:00+00:00")
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    owner = fake.member(guild.id, guild.owner_id)
    alice, bruno = (fake.add_member(guild.id, name=name, locale="fr") for name in ("alice", "bruno"))
    await seed_profiles(database_url, guild.id, [alice.id, bruno.id])
    await bot.start()
    pair = await make_pair(fake, db, guild, owner, alice, bruno)
    a, b = (alice, bruno) if pair.member_a_id == alice.id else (bruno, alice)
    channel = fake.channel(pair.channel_id)
    await write_charter(database_url, pair)

    # Both sign: the signed charter asks each where they stand.
    opened = await fake.slash_command(guild.id, a.id, "pair", subcommand="charter", channel_id=channel.id, locale="fr")
    await opened.final_message()
    [panel] = [m for m in fake.messages(channel.id) if any(c.endswith(":sign") for c in m.custom_ids())]
    for member in (a, b):
        await (await fake.click(panel, component_id(panel, ":sign"), member.id)).final_message()
    [signed] = fake.pins(channel.id)
    assert any(c.endswith(":start:rate") for c in signed.custom_ids())

    # One field per personal objective, one for the shared goal; a rating outside 1–5 saves nothing.
    form, refused = await rate(
        fake, signed, "start", pair.member_a_id, {"objective-1": "7", "objective-2": "2", "goal": "2"}
    )
    assert fields_of(form) == {
        "objective-1": "Objectif 1 : Comprendre un bilan",
        "objective-2": "Objectif 2 : Préparer une levée de fonds",
        "goal": "Notre objectif commun",
    }
    text = await text_of(refused)
    assert "Rien n'a été enregistré" in text and "« 7 » pour « Comprendre un bilan »" in text
    assert await count_ratings(db) == 0
    _, saved = await rate(
        fake, signed, "start", pair.member_a_id, {"objective-1": "2", "objective-2": "2", "goal": "2"}
    )
    assert "✅ Enregistré" in await text_of(saved)
    form, saved = await rate(fake, signed, "start", pair.member_b_id, {"objective-1": "1", "goal": "1"})
    assert set(fields_of(form)) == {"objective-1", "goal"}
    assert "✅ Enregistré" in await text_of(saved)

    # Both rated: the pair's starting point is posted once in its channel.
    def cards(stage_text: str) -> list:
        return [m for m in fake.messages(channel.id) if stage_text in m.content and m.embeds]

    await fake.wait_for(lambda: cards("au départ"), description="the starting point in the pair channel")
    [start] = cards("au départ")
    assert "Comprendre un bilan : **2**" in start.text and "Objectif commun : **1**" in start.text

    # A moderator sees no pair's ratings (only the aggregates below).
    moderator_look = await fake.click(signed, component_id(signed, ":start:show"), owner.id)
    assert (
        "Only the two members of this pair" in (await moderator_look.response()).content
    )  # (their Discord is in English)

    # Mid-cycle: the check-in asks again, and who led most.
    bot.set_time("2026-04-15T10:00:01+00:00")
    await fake.wait_for(lambda: cycle_messages(fake, channel, pair, "mid"), description="the mid-cycle check-in")
    [mid] = cycle_messages(fake, channel, pair, "mid")
    _, saved = await rate(fake, mid, "mid", pair.member_a_id, {"objective-1": "4", "objective-2": "4", "goal": "4"})
    answer = await saved.final_message()
    assert "Qui a le plus mené" in answer.text and "charte → mi-cycle" in answer.text
    led = await fake.click(answer, component_id(answer, ":mid:led-equal"), pair.member_a_id)
    assert "ta réponse est notée" in (await led.response()).content
    await rate(fake, mid, "mid", pair.member_b_id, {"objective-1": "3", "goal": "3"})
    await fake.wait_for(
        lambda: cards("progression à mi-cycle"), description="the mid-cycle progress in the pair channel"
    )
    [progress] = cards("progression à mi-cycle")
    assert "Comprendre un bilan : **2 → 4**" in progress.text and "Objectif commun : **1 → 3**" in progress.text
    shown = await fake.click(mid, component_id(mid, ":mid:show"), pair.member_b_id)
    assert "Préparer une levée de fonds : **2 → 4**" in (await shown.final_message()).text

    # Moderators see aggregates only, in the console's figures.
    stats = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="stats", locale="fr")
    figures = (await stats.final_message()).text
    assert "Auto-évaluations (1 à 5), objectifs / objectif commun : charte 1,5 / 1,5 (2 membres)" in figures
    assert "mi-cycle 3,5 / 3,5 (2 membres)" in figures
    assert "Évolution moyenne depuis la charte : +2,0 à mi-cycle" in figures
    assert "Qui a le plus mené ? 1 « à peu près autant » sur 1 réponse" in figures
    assert "Comprendre un bilan" not in figures and f"<@{a.id}>" not in figures
