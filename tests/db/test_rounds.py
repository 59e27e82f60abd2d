"""Matching rounds and manual pairing on a real database (SQLite and PostgreSQL)."""

from sqlalchemy import select

from bot.db.models import MatchRound, MemberProfile, Pair
from bot.domain.matching import PairIssue
from bot.domain.profiles import ProfileDraft
from bot.services.membership import Membership
from bot.services.pairing import PairService
from bot.services.rounds import MatchingRounds
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

GUILD, MOD = 7, 1

WEB, BUSINESS = WEB_DRAFT, BUSINESS_DRAFT


async def onboard(database, clock, **drafts: ProfileDraft) -> dict[str, int]:
    membership = Membership(database, clock)
    ids = {}
    for number, (name, draft) in enumerate(drafts.items(), start=100):
        outcome = await membership.save(GUILD, number, draft)
        assert outcome.saved, outcome.issues
        ids[name] = number
    return ids


async def priorities(database) -> dict[int, int]:
    async with database.session() as session:
        rows = await session.execute(select(MemberProfile.user_id, MemberProfile.queue_priority))
        return dict(rows.all())


async def test_a_round_proposes_reciprocal_pairs_and_confirms_once(database, clock):
    ids = await onboard(database, clock, w1=WEB, w2=WEB, b1=BUSINESS, b2=BUSINESS, w3=WEB)
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=3)
    proposed = round_.proposal["pairs"]
    assert len(proposed) == 2
    for pair in proposed:  # always one web person with one business person
        assert {pair["a"], pair["b"]} & {ids["w1"], ids["w2"], ids["w3"]}
        assert {pair["a"], pair["b"]} & {ids["b1"], ids["b2"]}
        assert pair["a_teaches_b"] and pair["b_teaches_a"] and pair["same_city"]
    assert [u["reason"] for u in round_.proposal["unmatched"]] == ["odd_one_out"]
    odd = round_.proposal["unmatched"][0]["user_id"]

    outcome = await rounds.confirm(round_.id, MOD, present=set(ids.values()))
    assert outcome is not None and len(outcome.pair_ids) == 2 and outcome.odd_ones_out == [odd]
    assert await rounds.confirm(round_.id, MOD, present=set(ids.values())) is None, "a second confirm does nothing"
    assert await rounds.cancel(round_.id, MOD) is False
    async with database.session() as session:
        pairs = (await session.scalars(select(Pair))).all()
    assert len(pairs) == 2 and {p.status for p in pairs} == {"pending"}
    assert (await priorities(database))[odd] == 1, "the odd one out goes first in line next round"

    # Paired members are not proposed again; the odd one out has nobody left.
    again = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=3)
    assert again.proposal["pairs"] == []
    assert [u["user_id"] for u in again.proposal["unmatched"]] == [odd]


async def test_a_member_who_left_between_preview_and_confirm_is_dropped(database, clock):
    ids = await onboard(database, clock, w1=WEB, b1=BUSINESS, w2=WEB, b2=BUSINESS)
    rounds = MatchingRounds(database, clock)
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=1)
    leaver = ids["b1"]
    partner = next(
        p["a"] if p["b"] == leaver else p["b"] for p in round_.proposal["pairs"] if leaver in (p["a"], p["b"])
    )
    outcome = await rounds.confirm(round_.id, MOD, present=set(ids.values()) - {leaver})
    assert len(outcome.pair_ids) == 1
    assert [gone for *_, gone in outcome.dropped] == [(leaver,)]
    assert (await priorities(database))[partner] == 1


async def test_manual_pairing_checks(database, clock):
    ids = await onboard(database, clock, w1=WEB, w2=WEB, b1=BUSINESS)
    rounds = MatchingRounds(database, clock)
    assert (await rounds.check_manual(GUILD, ids["w1"], ids["w1"])).blocker == "same_member"
    assert (await rounds.check_manual(GUILD, ids["w1"], 999)).blocker == "not_joined"
    one_way = await rounds.check_manual(GUILD, ids["w1"], ids["w2"])
    assert one_way.blocker is None and PairIssue.NOT_RECIPROCAL in one_way.warnings
    good = await rounds.check_manual(GUILD, ids["w1"], ids["b1"])
    assert good.blocker is None and good.warnings == ()
    pair = await rounds.create_manual(GUILD, ids["w1"], ids["b1"])
    assert pair is not None and pair.origin == "manual" and pair.status == "pending"
    assert (await rounds.check_manual(GUILD, ids["w2"], ids["b1"])).blocker == "already_paired"

    # Ended partners are past partners: warned on a manual re-pairing, never proposed by a round.
    await PairService(database, clock).end(pair.id, "unpaired")
    again = await rounds.check_manual(GUILD, ids["w1"], ids["b1"])
    assert PairIssue.PAST_PARTNERS in again.warnings
    round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    assert [(p["a"], p["b"]) for p in round_.proposal["pairs"]] == [(ids["w2"], ids["b1"])]
    assert round_.proposal["unmatched"] == [{"user_id": ids["w1"], "reason": "only_past_partners"}]


async def test_a_round_runs_in_the_worker_process_and_explains_who_is_left_out(database, clock):
    from bot.services.worker import CpuWorker

    ids = await onboard(database, clock, w1=WEB, b1=BUSINESS, w2=WEB)
    worker = CpuWorker()
    try:
        rounds = MatchingRounds(database, clock, worker)
        round_ = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=5)
    finally:
        await worker.shutdown()
    assert len(round_.proposal["pairs"]) == 1
    assert [u["reason"] for u in round_.proposal["unmatched"]] == ["odd_one_out"]
    assert round_.proposal["blocked"] == {"exclusions": 0, "organizations": 0}
    async with database.session() as session:  # stored, and readable from a new session
        stored = await session.get(MatchRound, round_.id)
        assert stored is not None and stored.proposal == round_.proposal


async def test_a_round_when_everyone_is_paused_or_alone(database, clock):
    ids = await onboard(database, clock, w1=WEB, w2=WEB)
    rounds = MatchingRounds(database, clock)
    membership = Membership(database, clock)
    lonely = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    assert lonely.proposal["pairs"] == []
    assert {u["reason"] for u in lonely.proposal["unmatched"]} == {"no_reciprocal_partner"}
    # two web people: no skill either could add would give them a partner, so nothing is suggested
    assert all(set(u) == {"user_id", "reason"} for u in lonely.proposal["unmatched"])
    for user_id in ids.values():
        await membership.set_status(GUILD, user_id, "paused")
    empty = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=0)
    assert empty.proposal["pairs"] == [] and empty.proposal["unmatched"] == []


async def test_rows_read_a_partition_at_a_time_make_the_same_round(database, clock, monkeypatch):
    from bot.services import rounds as rounds_module

    drafts = {f"w{k}": WEB for k in range(5)} | {f"b{k}": BUSINESS for k in range(4)}
    ids = await onboard(database, clock, **drafts)
    rounds = MatchingRounds(database, clock)
    whole = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=2)
    monkeypatch.setattr(rounds_module, "_PARTITION", 2)  # many partitions of profiles and of skill rows
    parted = await rounds.preview(GUILD, MOD, present=set(ids.values()), seed=2)
    assert parted.proposal == whole.proposal
    assert len(whole.proposal["pairs"]) == 4 and len(whole.proposal["unmatched"]) == 1
