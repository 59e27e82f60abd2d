"""Ending a pair by agreement (proposal, confirmation, archive, private ratings) and the cycle
check-ins (mid-cycle, end of cycle, restarts), end to end against the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from bot.db.models import OnceClaim, Pair, PairFeedback
from bot.i18n.dates import discord_timestamp
from fake_discord import FakeDiscord, Perm
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import forged_click, seed_profiles

NOT_IN_PAIR = "Seuls les deux membres de ce binôme"


@pytest.fixture
async def bot(fake: FakeDiscord, database_url: str, tmp_path) -> AsyncIterator[BotProcess]:
    """The bot with a fast scheduler tick, so the cycle checks run as soon as the clock moves."""
    process = BotProcess(
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        token=fake.token,
        database_url=database_url,
        workdir=tmp_path,
        extra_env={"BINOME_TICK_SECONDS": "0.3"},
    )
    await process.migrate()
    try:
        yield process
    finally:
        await process.stop()


async def program(fake: FakeDiscord, bot: BotProcess, database_url: str, members: int):
    """A French server with a moderators' channel and `members` onboarded members, the bot started."""
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    mods = fake.add_text_channel(guild.id, "moderation")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=f"member{i}", locale="fr") for i in range(members)]
    await seed_profiles(database_url, guild.id, [p.id for p in people])
    await bot.start()
    await configure(fake, guild, owner, {"moderators-channel": mods})
    return guild, mods, owner, people


async def configure(fake, guild, owner, options) -> None:
    setup = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="setup", options=options, locale="fr"
    )
    assert "Réglages enregistrés" in (await setup.response()).content


async def make_pair(fake, db, guild, owner, first, second) -> Pair:
    """A moderator pairs two members by hand; returns the pair once its channel is launched."""
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="pair", options={"first": first, "second": second}
    )
    await command.final_message()
    async with db.session() as session:
        pair = (
            await session.scalars(
                select(Pair).where(Pair.member_a_id.in_([first.id, second.id]), Pair.status == "active")
            )
        ).one()
    assert fake.channel(pair.channel_id) is not None
    return pair


async def pair_end(fake, guild, user, channel):
    return await fake.slash_command(guild.id, user.id, "pair", subcommand="end", channel_id=channel.id, locale="fr")


def end_id(pair: Pair, action: str) -> str:
    return f"binome:end:{pair.id}:{action}"


def with_button(messages, custom_id: str) -> list:
    return [m for m in messages if custom_id in m.custom_ids()]


async def load(db, pair_id: int) -> Pair:
    async with db.session() as session:
        return await session.get(Pair, pair_id)


async def feedback(db) -> dict[int, tuple[int, str]]:
    async with db.session() as session:
        return {f.user_id: (f.rating, f.comment) for f in (await session.scalars(select(PairFeedback))).all()}


def rate_id(pair: Pair, choice: int | str) -> str:
    return f"binome:rate:{pair.id}:{choice}"


async def test_ending_by_agreement_then_private_ratings(fake, bot, db, database_url):
    guild, mods, owner, people = await program(fake, bot, database_url, members=5)
    a, b, c, d, stranger = people
    pair = await make_pair(fake, db, guild, owner, a, b)
    channel = fake.channel(pair.channel_id)
    # Someone outside the pair who can see the channel (an admin shared it with them).
    fake.set_overwrite(channel.id, stranger, allow=Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)

    outsider = await (await pair_end(fake, guild, stranger, channel)).response()
    assert outsider.ephemeral and NOT_IN_PAIR in outsider.content

    # A proposes: the proposal is posted in the channel, B is pinged, with Confirm / Withdraw.
    proposal = await (await pair_end(fake, guild, a, channel)).final_message()
    assert not proposal.ephemeral and "propose de terminer" in proposal.content
    assert [int(u) for u in proposal.allowed_mentions.get("users")] == [b.id]
    assert set(proposal.custom_ids()) == {end_id(pair, "confirm"), end_id(pair, "withdraw")}
    assert (await load(db, pair.id)).end_proposed_by == a.id

    # A second proposal (by either member) is refused, with the pending one's buttons again.
    again = await pair_end(fake, guild, b, channel)
    again_reply = await again.response()
    assert again_reply.ephemeral and "déjà proposé" in again_reply.content
    assert end_id(pair, "confirm") in again.custom_ids()
    assert "déjà proposé" in (await (await pair_end(fake, guild, a, channel)).response()).content

    # A stranger cannot confirm; the proposer cannot confirm alone.
    refused = await (await fake.click(proposal, end_id(pair, "confirm"), stranger.id)).response()
    assert refused.ephemeral and NOT_IN_PAIR in refused.content
    own = await (await fake.click(proposal, end_id(pair, "confirm"), a.id)).response()
    assert own.ephemeral and "C'est toi qui as proposé" in own.content
    partner_withdraws = await (await fake.click(proposal, end_id(pair, "withdraw"), b.id)).response()
    assert "Seule la personne qui a proposé" in partner_withdraws.content

    # The proposer withdraws: the proposal's buttons go, the pair goes on.
    withdrawn = await (await fake.click(proposal, end_id(pair, "withdraw"), a.id)).response()
    assert withdrawn.type == 7 and "a retiré la proposition" in withdrawn.content
    assert fake.message(proposal.id).custom_ids() == []
    assert (await load(db, pair.id)).end_proposed_by is None
    stale = await (await fake.click(again, end_id(pair, "confirm"), b.id)).response()
    assert "Aucune proposition" in stale.content

    # Proposed again; B (whose DMs are closed) confirms.
    fake.close_dms(b.id)
    proposal = await (await pair_end(fake, guild, a, channel)).final_message()
    confirmed = await (await fake.click(proposal, end_id(pair, "confirm"), b.id)).response()
    assert confirmed.type == 7 and "Ce binôme est terminé" in confirmed.content
    await fake.wait_for(
        lambda: any("d'un commun accord" in m.content for m in fake.messages(mods.id)),
        description="the moderators are told",
    )
    ended = await load(db, pair.id)
    assert ended.status == "ended" and ended.end_reason == "ended_by_pair"
    assert fake.can_view(channel.id, a.id) and not fake.permissions_of(channel.id, a.id) & Perm.SEND_MESSAGES

    # Each member is asked for a rating: A by DM (with the five rating buttons), B (DMs closed) in the
    # archived channel, with one button that opens the rating privately.
    await fake.wait_for(
        lambda: (
            with_button(fake.dms(a.id), rate_id(pair, 1))
            and with_button(fake.messages(channel.id), end_id(pair, "rate"))
        ),
        description="the rating requests",
    )
    [dm] = with_button(fake.dms(a.id), rate_id(pair, 1))
    assert "Seuls les modérateurs" in dm.content and b.name in dm.content
    assert dm.custom_ids() == [rate_id(pair, n) for n in range(1, 6)], "1 to 5; the comment comes after"
    [in_channel] = with_button(fake.messages(channel.id), end_id(pair, "rate"))
    assert f"<@{b.id}>" in in_channel.content and fake.dms(b.id) == []
    assert "déjà terminé" in (await (await fake.click(again, end_id(pair, "confirm"), b.id)).response()).content

    # A stranger cannot rate; the comment button comes with a rating (a forged click is answered).
    intruder = await (await fake.click(in_channel, end_id(pair, "rate"), stranger.id)).response()
    assert intruder.ephemeral and NOT_IN_PAIR in intruder.content
    early = await (await forged_click(fake, dm, rate_id(pair, "comment"), a.id)).response()
    assert early.ephemeral and "expiré" in early.content
    assert await feedback(db) == {}

    # A rates with a button: the DM now shows the rating (in the pair's language) and offers a comment.
    rated = await (await fake.click(dm, rate_id(pair, 4), a.id)).response()
    assert rated.type == 7 and "4/5" in rated.content and "★★★★☆" in rated.content
    assert rate_id(pair, "comment") in fake.message(dm.id).custom_ids()
    assert await feedback(db) == {a.id: (4, "")}
    opened = await fake.click(dm, rate_id(pair, "comment"), a.id)
    assert (await opened.response()).type == 9, "the comment is a form"
    commented = await (await fake.submit_modal(opened, {"comment": "Secret A: très enrichissant"}, a.id)).response()
    assert commented.ephemeral and "commentaire" in commented.content

    # B rates privately from the channel's button: an ephemeral menu with the same buttons.
    menu = await fake.click(in_channel, end_id(pair, "rate"), b.id)
    assert (await menu.response()).ephemeral and rate_id(pair, 2) in menu.custom_ids()
    assert (await (await fake.click(menu, rate_id(pair, 2), b.id)).response()).type == 7
    opened = await fake.click(menu, rate_id(pair, "comment"), b.id)
    await (await fake.submit_modal(opened, {"comment": "Secret B: pas le temps"}, b.id)).response()
    await fake.wait_for(
        lambda: sum("Secret" in m.content for m in fake.messages(mods.id)) == 2,
        description="both comments reach the moderators",
    )
    assert await feedback(db) == {a.id: (4, "Secret A: très enrichissant"), b.id: (2, "Secret B: pas le temps")}
    to_moderators = [m.content for m in fake.messages(mods.id) if "Secret" in m.content]
    assert any("4/5" in text and f"<@{a.id}>" in text for text in to_moderators)
    seen_by_members = [m.text for m in fake.messages(channel.id) + fake.dms(b.id)]
    assert not any("Secret" in text or "4/5" in text for text in seen_by_members), "the partner never sees it"

    # Rating again replaces the rating; the comment stays.
    assert "5/5" in (await (await fake.click(dm, rate_id(pair, 5), a.id)).response()).content
    assert (await feedback(db))[a.id] == (5, "Secret A: très enrichissant")
    await fake.wait_for(
        lambda: any("mis à jour" in m.content and "5/5" in m.content for m in fake.messages(mods.id)),
        description="the update reaches the moderators",
    )

    # A moderator confirms another pair's end; with "delete" the channel goes, both are asked by DM.
    await configure(fake, guild, owner, {"ended-pairs": "delete"})
    other = await make_pair(fake, db, guild, owner, c, d)
    other_channel = fake.channel(other.channel_id)
    proposal = await (await pair_end(fake, guild, c, other_channel)).final_message()
    done = await (await fake.click(proposal, end_id(other, "confirm"), owner.id)).response()
    assert done.type == 7
    await fake.wait_for(
        lambda: (
            fake.channel(other_channel.id) is None
            and with_button(fake.dms(c.id), rate_id(other, 1))
            and with_button(fake.dms(d.id), rate_id(other, 1))
        ),
        description="channel deleted, both members asked by DM",
    )
    assert (await load(db, other.id)).end_reason == "ended_by_pair"
    assert fake.stats.internal_errors == 0


def cycle_messages(fake, channel, pair: Pair, stage: str) -> list:
    return [m for m in fake.messages(channel.id) if any(f":{stage}:continue" in i for i in m.custom_ids())]


def cycle_id(message, action: str) -> str:
    [custom_id] = [i for i in message.custom_ids() if i.endswith(f":{action}")]
    return custom_id


async def test_cycle_check_ins_once_each_across_restarts(fake, bot, db, database_url):
    bot.set_time("2026-01-15T10:00:00+00:00")
    guild, _, owner, people = await program(fake, bot, database_url, members=2)
    a, b = people
    pair = await make_pair(fake, db, guild, owner, a, b)
    channel = fake.channel(pair.channel_id)
    assert (await load(db, pair.id)).activated_at.isoformat() == "2026-01-15T10:00:00+00:00"

    # Past mid-cycle (six-month cycles: mid-point on 15 April): the pair is asked, once.
    bot.set_time("2026-04-15T10:00:01+00:00")
    await bot.wait_for_log(f"posted and recorded the mid-cycle check-in of pair {pair.id}")
    [mid] = cycle_messages(fake, channel, pair, "mid")
    assert "mi-parcours" in mid.content and f"<@{a.id}>" in mid.content
    assert (await load(db, pair.id)).mid_cycle_prompted_at is not None
    # Continue / charter / end, then (issue 11) rate one's progress and see the pair's.
    assert [c.rsplit(":", 1)[-1] for c in mid.custom_ids()] == ["continue", "charter", "end", "rate", "show"]
    kept = await (await fake.click(mid, cycle_id(mid, "continue"), b.id)).response()
    cycle_end = discord_timestamp(datetime(2026, 7, 15, 10, 0, tzinfo=UTC), "D")  # each reader sees it in their zone
    assert not kept.ephemeral and "continuer comme ça" in kept.content and cycle_end in kept.content
    charter = await (await fake.click(mid, cycle_id(mid, "charter"), a.id)).response()
    assert "Un problème est survenu" not in charter.content

    # A crash right after posting, before recording it: what the killed run leaves once its lease ran
    # out. The restarted bot takes the claim over and finds the message instead of posting it again.
    # (With the marker recorded, a restart has nothing to do: it is not due.)
    await bot.stop()
    async with db.session() as session:
        await session.execute(update(Pair).where(Pair.id == pair.id).values(mid_cycle_prompted_at=None))
        await session.execute(
            update(OnceClaim)
            .where(OnceClaim.key.startswith(f"cycle:{pair.id}:"))
            .values(done_at=None, owner="killed", leased_until=datetime(2000, 1, 1, tzinfo=UTC))
        )
    await bot.start()
    await bot.wait_for_log(f"mid-cycle check-in of pair {pair.id} was already posted; recorded it")
    assert len(cycle_messages(fake, channel, pair, "mid")) == 1
    assert (await load(db, pair.id)).mid_cycle_prompted_at is not None

    # Nothing new until the end of the cycle; then the end check-in, and still one mid-cycle one.
    bot.set_time("2026-07-15T10:00:01+00:00")
    await fake.wait_for(lambda: cycle_messages(fake, channel, pair, "end"), description="the end-of-cycle check-in")
    assert len(cycle_messages(fake, channel, pair, "mid")) == 1
    [end] = cycle_messages(fake, channel, pair, "end")
    assert "arrive à son terme" in end.content and "6 mois" in end.content

    # Continue at the end of the cycle: a new cycle starts now.
    bot.set_time("2026-07-16T09:00:00+00:00")
    renewed = await (await fake.click(end, cycle_id(end, "continue"), a.id)).response()
    assert "nouveau cycle" in renewed.content
    assert discord_timestamp(datetime(2027, 1, 16, 9, 0, tzinfo=UTC), "D") in renewed.content
    current = await load(db, pair.id)
    assert current.cycle_started_at.isoformat() == "2026-07-16T09:00:00+00:00"
    assert current.mid_cycle_prompted_at is None and current.end_cycle_prompted_at is None
    twice = await (await fake.click(end, cycle_id(end, "continue"), b.id)).response()
    assert twice.ephemeral and "déjà derrière vous" in twice.content
    # The old mid-cycle question's Continue is stale too.
    old = await (await fake.click(mid, cycle_id(mid, "continue"), a.id)).response()
    assert old.ephemeral and "déjà derrière vous" in old.content

    # End from a check-in is the /pair end proposal.
    proposal = await (await fake.click(end, cycle_id(end, "end"), b.id)).final_message()
    assert "propose de terminer" in proposal.content and f"binome:end:{pair.id}:confirm" in proposal.custom_ids()
    assert (await load(db, pair.id)).end_proposed_by == b.id

    # The new cycle gets its own mid-cycle check-in (16 October).
    bot.set_time("2026-10-16T09:00:01+00:00")
    # (Waiting for the log line rather than the message: the test then ends after the bot recorded it.)
    await bot.wait_for_log(f"posted and recorded the mid-cycle check-in of pair {pair.id}")
    assert len(cycle_messages(fake, channel, pair, "mid")) == 2
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Pair)) == 1
    assert fake.stats.internal_errors == 0
