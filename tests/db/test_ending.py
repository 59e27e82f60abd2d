"""Ending a pair by agreement, feedback, and cycle check-ins on a real database (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import Pair, PairFeedback
from bot.domain.cycles import Stage, cycle_key
from bot.services.ending import (
    MAX_COMMENT,
    Continuation,
    Decision,
    Feedback,
    FeedbackProblem,
    PairEnding,
    Proposal,
    check_feedback,
)
from bot.services.pairing import PairService

GUILD, OTHER_GUILD = 7, 8
A, B, STRANGER, MOD = 101, 102, 999, 1


async def make_pair(database, clock, *, guild=GUILD, a=A, b=B, status="active", activated=None, **fields) -> int:
    async with database.session() as session:
        pair = Pair(
            guild_id=guild,
            member_a_id=a,
            member_b_id=b,
            status=status,
            origin="manual",
            created_at=clock.now(),
            activated_at=activated if activated is not None else (clock.now() if status == "active" else None),
            channel_id=a * 10,
            **fields,
        )
        session.add(pair)
        await session.flush()
        return pair.id


async def load(database, pair_id: int) -> Pair:
    async with database.session() as session:
        return await session.get(Pair, pair_id)


# --- proposal, confirmation, withdrawal ---------------------------------------------------------


async def test_one_proposal_at_a_time_and_only_on_an_active_pair(database, clock):
    ending = PairEnding(database, clock)
    pair_id = await make_pair(database, clock)
    assert (await ending.propose(pair_id, A)).status is Proposal.PROPOSED
    again = await ending.propose(pair_id, B)
    assert again.status is Proposal.ALREADY_PROPOSED and again.proposer == A
    assert (await load(database, pair_id)).end_proposed_by == A

    launching = await make_pair(database, clock, a=201, b=202, status="pending")
    assert (await ending.propose(launching, 201)).status is Proposal.NOT_ACTIVE
    assert (await ending.propose(123456, A)).status is Proposal.NOT_ACTIVE


async def test_the_partner_or_a_moderator_confirms_never_the_proposer_alone(database, clock):
    ending = PairEnding(database, clock)
    pair_id = await make_pair(database, clock)
    assert await ending.may_confirm(pair_id, B, moderator=False) is Decision.NO_PROPOSAL
    await ending.propose(pair_id, A)
    assert await ending.may_confirm(pair_id, A, moderator=False) is Decision.OWN_PROPOSAL
    assert await ending.may_confirm(pair_id, B, moderator=False) is Decision.OK
    assert await ending.may_confirm(pair_id, MOD, moderator=True) is Decision.OK

    # A moderator's own proposal: they may confirm it themselves.
    moderated = await make_pair(database, clock, a=301, b=302)
    await ending.propose(moderated, MOD)
    assert await ending.may_confirm(moderated, MOD, moderator=True) is Decision.OK
    assert await ending.may_confirm(moderated, 301, moderator=False) is Decision.OK

    await PairService(database, clock).end(pair_id, "ended_by_pair")
    assert await ending.may_confirm(pair_id, B, moderator=False) is Decision.ALREADY_ENDED
    assert await ending.may_confirm(404, B, moderator=False) is Decision.ALREADY_ENDED


async def test_only_the_proposer_or_a_moderator_withdraws(database, clock):
    ending = PairEnding(database, clock)
    pair_id = await make_pair(database, clock)
    await ending.propose(pair_id, A)
    assert await ending.withdraw(pair_id, B, moderator=False) is Decision.NOT_PROPOSER
    assert await ending.withdraw(pair_id, A, moderator=False) is Decision.OK
    assert (await load(database, pair_id)).end_proposed_by is None
    assert await ending.withdraw(pair_id, A, moderator=False) is Decision.NO_PROPOSAL
    # Withdrawn: a new proposal is possible, and a moderator can withdraw it.
    assert (await ending.propose(pair_id, B)).status is Proposal.PROPOSED
    assert await ending.withdraw(pair_id, MOD, moderator=True) is Decision.OK


# --- feedback -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "comment", "expected"),
    [
        ("4", "good", (4, "good", None)),
        (" 5 ", "  spaced  ", (5, "spaced", None)),
        ("1", "", (1, "", None)),
        ("0", "", (0, "", FeedbackProblem.OUT_OF_RANGE)),
        ("6", "", (6, "", FeedbackProblem.OUT_OF_RANGE)),
        ("10", "", (10, "", FeedbackProblem.OUT_OF_RANGE)),
        ("-1", "", (-1, "", FeedbackProblem.OUT_OF_RANGE)),
        ("x", "", (None, "", FeedbackProblem.NOT_A_NUMBER)),
        ("4.5", "", (None, "", FeedbackProblem.NOT_A_NUMBER)),
        ("", "", (None, "", FeedbackProblem.NOT_A_NUMBER)),
        ("3", "y" * (MAX_COMMENT + 1), (3, "y" * (MAX_COMMENT + 1), FeedbackProblem.COMMENT_TOO_LONG)),
        ("3", "y" * MAX_COMMENT, (3, "y" * MAX_COMMENT, None)),
    ],
)
def test_check_feedback(rating, comment, expected):
    checked = check_feedback(rating, comment)
    assert (checked.rating, checked.comment, checked.problem) == expected


async def test_feedback_once_ended_one_per_member_and_a_second_rating_replaces_the_first(database, clock):
    ending = PairEnding(database, clock)
    pair_id = await make_pair(database, clock)
    assert await ending.record_feedback(pair_id, A, 4, "fine") is Feedback.NOT_ENDED
    await PairService(database, clock).end(pair_id, "ended_by_pair")
    assert await ending.record_feedback(pair_id, STRANGER, 1, "intruder") is Feedback.NOT_IN_PAIR
    assert await ending.record_feedback(404, A, 1, "") is Feedback.UNKNOWN_PAIR
    assert await ending.record_feedback(pair_id, A, 4, "fine") is Feedback.CREATED
    assert await ending.record_feedback(pair_id, B, 2, "not for me") is Feedback.CREATED
    clock.advance(hours=1)
    assert await ending.record_feedback(pair_id, A, 5, "better than I said") is Feedback.UPDATED
    async with database.session() as session:
        rows = (await session.scalars(select(PairFeedback).order_by(PairFeedback.user_id))).all()
    assert [(r.user_id, r.rating, r.comment, r.guild_id) for r in rows] == [
        (A, 5, "better than I said", GUILD),
        (B, 2, "not for me", GUILD),
    ]
    assert (await ending.feedback_of(pair_id, A)).rating == 5
    assert await ending.feedback_of(pair_id, STRANGER) is None
    with pytest.raises(ValueError):
        await ending.record_feedback(pair_id, A, 6, "")


# --- cycles ---------------------------------------------------------------------------------------


async def test_due_check_ins_across_guilds_and_cycle_lengths(database, clock):
    now = clock.now()  # 2026-11-23 09:00 UTC
    ending = PairEnding(database, clock)
    fresh = await make_pair(database, clock, a=1001, b=1002, activated=now - timedelta(days=30))
    mid = await make_pair(database, clock, a=1003, b=1004, activated=datetime(2026, 8, 1, tzinfo=UTC))
    end = await make_pair(database, clock, a=1005, b=1006, activated=datetime(2026, 5, 1, tzinfo=UTC))
    # A new cycle started by "continue": its start is cycle_started_at, not the activation.
    renewed = await make_pair(
        database,
        clock,
        a=1007,
        b=1008,
        activated=datetime(2025, 1, 1, tzinfo=UTC),
        cycle_started_at=datetime(2026, 9, 1, tzinfo=UTC),
        mid_cycle_prompted_at=datetime(2025, 4, 1, tzinfo=UTC),  # from the earlier cycle
        end_cycle_prompted_at=datetime(2025, 7, 1, tzinfo=UTC),
    )
    await make_pair(database, clock, a=1009, b=1010, status="ended", activated=datetime(2025, 1, 1, tzinfo=UTC))
    await make_pair(database, clock, a=1011, b=1012, status="kickoff_sent")
    # Another guild with 2-month cycles: one month in is mid-cycle.
    short = await make_pair(database, clock, guild=OTHER_GUILD, a=2001, b=2002, activated=now - timedelta(days=31))
    # A guild the bot is not in (not in the map) is left alone.
    await make_pair(database, clock, guild=99, a=3001, b=3002, activated=datetime(2025, 1, 1, tzinfo=UTC))

    due = await ending.due_prompts({GUILD: 6, OTHER_GUILD: 2}, now)
    assert {(d.pair.id, d.stage) for d in due} == {(mid, Stage.MID), (end, Stage.END), (short, Stage.MID)}
    assert fresh not in {d.pair.id for d in due} and renewed not in {d.pair.id for d in due}
    assert {d.pair.id: d.months for d in due} == {mid: 6, end: 6, short: 2}

    # With 3-month cycles the renewed pair (started 1 Sept) is past its mid-point (mid-October).
    assert (renewed, Stage.MID) in {(d.pair.id, d.stage) for d in await ending.due_prompts({GUILD: 3}, now)}

    for item in due:
        assert await ending.record_prompt(item.pair.id, item.stage, item.start)
        assert not await ending.record_prompt(item.pair.id, item.stage, item.start), "recorded once"
    assert await ending.due_prompts({GUILD: 6, OTHER_GUILD: 2}, now) == []
    ended_cycle = await load(database, end)
    assert ended_cycle.end_cycle_prompted_at == now and ended_cycle.mid_cycle_prompted_at == now

    # A prompt of an earlier cycle is not recorded on the current one.
    assert not await ending.record_prompt(renewed, Stage.MID, datetime(2025, 1, 1, tzinfo=UTC))


async def test_continue_at_mid_cycle_acknowledges_at_the_end_starts_a_new_cycle(database, clock):
    ending = PairEnding(database, clock)
    start = datetime(2026, 5, 1, 12, tzinfo=UTC)
    pair_id = await make_pair(database, clock, activated=start)
    key = cycle_key(start)
    assert await ending.continue_cycle(pair_id, Stage.MID, key, 6) is Continuation.ACKNOWLEDGED
    assert await ending.continue_cycle(pair_id, Stage.MID, key + 1, 6) is Continuation.STALE

    clock.set(datetime(2026, 10, 1, tzinfo=UTC))  # before the end, end prompt not posted: nothing to renew
    assert await ending.continue_cycle(pair_id, Stage.END, key, 6) is Continuation.STALE

    clock.set(datetime(2026, 11, 2, tzinfo=UTC))
    [due] = await ending.due_prompts({GUILD: 6}, clock.now())
    assert due.stage is Stage.END
    assert (await ending.still_due(due, clock.now())).stage is Stage.END
    await ending.record_prompt(pair_id, Stage.END, due.start)
    assert await ending.still_due(due, clock.now()) is None, "posted: no longer due"
    clock.advance(hours=5)
    assert await ending.continue_cycle(pair_id, Stage.END, key, 6) is Continuation.NEW_CYCLE
    # A check that read the pair before "continue" re-reads it before posting: nothing to post.
    assert await ending.still_due(due, clock.now() + timedelta(days=400)) is None
    renewed = await load(database, pair_id)
    assert renewed.cycle_started_at == clock.now()
    assert renewed.mid_cycle_prompted_at is None and renewed.end_cycle_prompted_at is None
    assert await ending.current_cycle(pair_id) == clock.now()
    # The same button again (a double click): the cycle it asked about is behind.
    assert await ending.continue_cycle(pair_id, Stage.END, key, 6) is Continuation.STALE
    assert (await load(database, pair_id)).cycle_started_at == clock.now()

    # The new cycle has its own mid-point three months later.
    assert await ending.due_prompts({GUILD: 6}, clock.now() + timedelta(days=80)) == []
    [later] = await ending.due_prompts({GUILD: 6}, clock.now() + timedelta(days=92))
    assert later.stage is Stage.MID and later.start == clock.now()

    await PairService(database, clock).end(pair_id, "ended_by_pair")
    assert await ending.continue_cycle(pair_id, Stage.END, cycle_key(clock.now()), 6) is Continuation.NOT_ACTIVE
