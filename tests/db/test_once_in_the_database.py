"""What the database alone decides once, even for two processes (two connection pools): confirming a
round against a manual pair of the same members, a deleted channel noticed twice, two swap proposals,
each signed version of a charter, and the keys of silence reports."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import Pair
from bot.db.repositories import pairs as pairs_repo
from bot.services.charters import Charters, Signature
from bot.services.guild_config import GuildConfigs
from bot.services.pairing import ChannelLoss, PairService, launch_key
from bot.services.rounds import MatchingRounds
from bot.services.weekly import SwapOutcome, WeeklyService, silence_key
from tests.db.test_rounds import BUSINESS, GUILD, MOD, WEB, onboard
from tests.db.test_weekly import WEEK, active_pair


async def open_pairs_of(database, user_id: int) -> int:
    async with database.session() as session:
        query = select(func.count()).where(
            Pair.status != "ended", (Pair.member_a_id == user_id) | (Pair.member_b_id == user_id)
        )
        return await session.scalar(query)


async def test_a_round_confirmed_while_the_same_members_are_paired_by_hand_pairs_them_once(
    database, clock, monkeypatch
):
    ids = await onboard(database, clock, w=WEB, b=BUSINESS)
    present = set(ids.values())
    round_ = await MatchingRounds(database, clock).preview(GUILD, MOD, present=present, seed=0)
    # The manual pairing (another process) checks that neither member is paired, then lingers before
    # creating its pair; the round is confirmed meanwhile. Without the guild's lock both would pair them.
    checked = asyncio.Event()
    original = pairs_repo.open_pair_of

    async def slow_check(session, guild_id, user_id):
        found = await original(session, guild_id, user_id)
        if user_id == ids["b"]:  # the last check before the pair is created
            checked.set()
            await asyncio.sleep(0.5)
        return found

    monkeypatch.setattr(pairs_repo, "open_pair_of", slow_check)

    async def confirm_meanwhile():
        await checked.wait()
        return await MatchingRounds(database, clock).confirm(round_.id, MOD, present=present)

    other = Database(database.url)
    try:
        manual, confirmed = await asyncio.gather(
            MatchingRounds(other, clock).create_manual(GUILD, ids["w"], ids["b"]), confirm_meanwhile()
        )
    finally:
        await other.close()
    assert manual is not None, "the manual pairing went first"
    assert confirmed.pair_ids == [] and [gone for *_, gone in confirmed.dropped] == [(ids["w"], ids["b"])]
    assert await open_pairs_of(database, ids["w"]) == 1 and await open_pairs_of(database, ids["b"]) == 1


async def test_a_deleted_channel_noticed_twice_is_relaunched_once(database, clock):
    pair = await active_pair(database, clock)
    pairs, other = PairService(database, clock), Database(database.url)
    try:
        outcomes = await asyncio.gather(
            pairs.channel_lost(pair.id, pair.channel_id),
            PairService(other, clock).channel_lost(pair.id, pair.channel_id),
        )
    finally:
        await other.close()
    assert sorted(o.value for o in outcomes) == sorted([ChannelLoss.RELAUNCH.value, ChannelLoss.HANDLED.value])
    relaunched = await pairs.get(pair.id)
    assert relaunched.status == "pending" and relaunched.channel_id is None
    assert launch_key(relaunched) == f"launch:{pair.id}:1", "the relaunch is a new exactly-once key"
    # An ended pair's channel deleted: noted once, nothing to relaunch.
    await pairs.channel_created(pair.id, 777, None)
    await pairs.end(pair.id, "unpaired")
    assert await pairs.channel_lost(pair.id, 777) is ChannelLoss.NOTED
    assert await pairs.channel_lost(pair.id, 777) is ChannelLoss.HANDLED


async def test_a_second_swap_proposal_from_another_process_is_refused(database, clock):
    pair = await active_pair(database, clock)
    other = Database(database.url)
    try:
        outcomes = await asyncio.gather(
            WeeklyService(database, clock).propose_swap(pair, WEEK, pair.member_a_id),
            WeeklyService(other, clock).propose_swap(pair, WEEK, pair.member_b_id),
        )
    finally:
        await other.close()
    assert sorted(o[0].value for o in outcomes) == sorted(
        [SwapOutcome.PROPOSED.value, SwapOutcome.ALREADY_PROPOSED.value]
    )
    week = await WeeklyService(database, clock).week(pair, WEEK)
    winner = next(o for o in outcomes if o[0] is SwapOutcome.PROPOSED)
    assert week.swap_proposed_by == winner[1].swap_proposed_by


async def test_each_version_both_signed_is_counted(database, clock):
    pair = await active_pair(database, clock)
    charters = Charters(database, clock)
    frame = {"frequency": "weekly", "duration": "1h", "meeting_format": "video", "confidentiality": "yes"}
    await charters.update_frame(pair.id, {**frame, "ending": "talk"})
    for member in pair.members():
        await charters.update_objectives(pair.id, member, "learn")
    await charters.update_goal(pair.id, "a blog")
    assert (await charters.sign(pair.id, pair.member_a_id)).result is Signature.SIGNED
    assert (await charters.sign(pair.id, pair.member_b_id)).charter.signed_versions == 1
    await charters.update_goal(pair.id, "a blog and a talk")  # clears both signatures
    await charters.sign(pair.id, pair.member_b_id)
    again = await charters.sign(pair.id, pair.member_a_id)
    assert again.result is Signature.BOTH_SIGNED and again.charter.signed_versions == 2


async def test_a_silence_keeps_its_key_from_week_to_week_until_news(database, clock):
    pair = await active_pair(database, clock)
    weekly = WeeklyService(database, clock)
    for n in range(4):
        week = await weekly.week(pair, WEEK + timedelta(days=7 * n))
        await weekly.mark_posted(week.id, 1000 + n)
    [first] = await weekly.silent_pairs(GUILD, WEEK + timedelta(days=21))
    [later] = await weekly.silent_pairs(GUILD, WEEK + timedelta(days=28))
    assert first.weeks == later.weeks == 3 and silence_key(first) == silence_key(later) == f"silence:{pair.id}:start"
    config = await GuildConfigs(database, clock).get(GUILD)
    clock.advance(days=2)
    await weekly.log_session(
        pair,
        config,
        logged_by=pair.member_a_id,
        held=True,
        mode=None,
        minutes=None,
        led_by=None,
        session_date=None,
        note="",
    )
    await weekly.mark_silence_reported(pair.id)
    assert await weekly.silent_pairs(GUILD, WEEK + timedelta(days=28)) == [], "reported: not again"
