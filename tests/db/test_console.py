"""The moderators' console on a real database (SQLite and PostgreSQL): pair health, figures,
CSV export, audit log, stored reports, and their part of a member's erasure."""

import csv
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db.models import AuditEntry, Base, Charter, ModeratorReport, Pair, PairFeedback, PairSession
from bot.domain.health import Concern, HealthFilter
from bot.domain.rotation import week_of
from bot.services.audit import Action
from bot.services.console import ConsoleServices
from bot.services.export import CsvStyle, csv_style
from bot.services.guild_config import GuildConfigs
from bot.services.membership import Membership
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

GUILD, OTHER = 7, 8
START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday
A, B, C, D = 101, 102, 103, 104


async def make_pair(database, a, b, *, guild=GUILD, status="active", ended_at=None) -> int:
    async with database.session() as session:
        pair = Pair(
            guild_id=guild,
            member_a_id=a,
            member_b_id=b,
            status=status,
            origin="round",
            created_at=START,
            activated_at=START,
            ended_at=ended_at,
        )
        session.add(pair)
        await session.flush()
        return pair.id


async def add_sessions(database, pair_id, *sessions, guild=GUILD, held=True) -> None:
    async with database.session() as session:
        for day, leader in sessions:
            session.add(
                PairSession(
                    pair_id=pair_id,
                    guild_id=guild,
                    session_date=day,
                    week_start=week_of(day, 0),
                    held=held,
                    mode="video",
                    minutes=45,
                    led_by=leader,
                    logged_by=leader,
                    note="private note",
                    created_at=START,
                )
            )


async def sign(database, pair_id) -> None:
    async with database.session() as session:
        session.add(
            Charter(
                pair_id=pair_id,
                objectives_a="secret objective",
                shared_goal="secret goal",
                signed_a_at=START,
                signed_b_at=START,
                updated_at=START,
            )
        )


async def program(database, clock):
    """Three pairs in GUILD (one silent, one one-sided, one ended and rated) and one elsewhere."""
    silent = await make_pair(database, A, B)
    one_sided = await make_pair(database, C, D)
    ended = await make_pair(database, 105, 106, status="ended", ended_at=START + timedelta(days=10))
    await make_pair(database, 201, 202, guild=OTHER)
    await sign(database, one_sided)
    await add_sessions(database, silent, (date(2026, 11, 3), A))
    await add_sessions(database, one_sided, *[(date(2026, 11, d), C) for d in (9, 16, 23, 27)])
    await add_sessions(database, one_sided, (date(2026, 11, 20), None), held=False)
    await add_sessions(database, ended, (date(2026, 11, 4), 106))
    async with database.session() as session:
        session.add(PairFeedback(pair_id=ended, guild_id=GUILD, user_id=105, rating=5, comment="x", created_at=START))
        session.add(PairFeedback(pair_id=ended, guild_id=GUILD, user_id=106, rating=2, comment="y", created_at=START))
    clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    return silent, one_sided, ended


async def test_pair_facts_and_the_board(database, clock):
    silent, one_sided, ended = await program(database, clock)
    console = ConsoleServices(database, clock)
    facts = {f.pair_id: f for f in await console.health.facts(GUILD)}
    assert set(facts) == {silent, one_sided, ended}, "scoped by guild"
    assert (facts[one_sided].led_a, facts[one_sided].led_b, facts[one_sided].sessions_held) == (4, 0, 4)
    assert facts[one_sided].last_session == date(2026, 11, 27) and facts[one_sided].charter_signed
    assert (facts[silent].led_a, facts[silent].led_b, facts[silent].charter_signed) == (1, 0, False)
    assert facts[ended].led_b == 1 and facts[ended].status == "ended"

    config = await GuildConfigs(database, clock).get(GUILD)
    board = {h.facts.pair_id: h for h in await console.health.board(config)}
    assert board[silent].silent_weeks == 3
    assert board[silent].concerns == (Concern.SILENT, Concern.CHARTER_UNSIGNED)
    assert board[one_sided].concerns == (Concern.ONE_SIDED,)
    assert board[ended].concerns == ()
    assert [h.facts.pair_id for h in await console.health.board(config, HealthFilter.ENDED)] == [ended]


async def test_program_figures(database, clock):
    await program(database, clock)
    membership = Membership(database, clock)
    for user, draft in ((A, WEB_DRAFT), (B, BUSINESS_DRAFT), (C, WEB_DRAFT)):
        assert (await membership.save(GUILD, user, draft)).saved
    await membership.set_status(GUILD, C, "paused")
    console = ConsoleServices(database, clock)
    stats = await console.stats.figures(await GuildConfigs(database, clock).get(GUILD))
    assert stats.members_by_status == {"active": 2, "paused": 1}
    assert (stats.pairs_active, stats.pairs_ended, stats.pairs_launching, stats.pairs_total) == (2, 1, 0, 3)
    assert stats.sessions_held == 6
    assert stats.series.weeks == [date(2026, 11, d) for d in (2, 9, 16, 23, 30)]
    assert stats.series.sessions == [2, 1, 1, 2, 0]
    assert stats.series.active_pairs == [3, 3, 2, 2, 2]
    assert stats.sessions_per_week == 6 / 5
    # Weeks with a session held: silent 1 of 5, one-sided 3 of 5, ended 1 of 2 (2 to 12 November).
    assert stats.weeks_with_session_share == 5 / 12
    assert stats.median_leader_share == 1.0 and stats.one_sided_pairs == 1
    assert stats.rating_average == 3.5 and stats.rating_count == 2
    assert stats.reached_mid_cycle == 0 and stats.median_pair_age_days == 28 + 1 / 24
    assert not stats.empty
    empty = await console.stats.figures(await GuildConfigs(database, clock).get(999))
    assert empty.empty and empty.sessions_held == 0 and empty.rating_average is None


def read(path, style: CsvStyle) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=style.delimiter))


async def test_export_writes_the_rows_and_never_a_private_text(database, clock, tmp_path):
    silent, one_sided, ended = await program(database, clock)
    membership = Membership(database, clock)
    assert (await membership.save(GUILD, A, WEB_DRAFT)).saved
    console = ConsoleServices(database, clock)
    config = await GuildConfigs(database, clock).get(GUILD)
    style = csv_style("fr", "oui", "non")
    assert (style.delimiter, style.decimal) == (";", ",")
    assert csv_style("en", "yes", "no").delimiter == ","
    names = {A: "=Zoé", B: "Marc"}
    files = await console.export.write(
        config,
        tmp_path,
        style,
        headers=list,
        name_of=lambda user: names.get(user, ""),
        skill_label=str.upper,
    )
    assert {f.name: f.rows for f in files} == {"pairs": 3, "sessions": 7, "members": 1}
    pairs = read(tmp_path / "pairs.csv", style)
    header, rows = pairs[0], {int(row[0]): dict(zip(pairs[0], row, strict=True)) for row in pairs[1:]}
    assert header[0] == "pair_id"
    assert rows[silent]["member_a_name"] == "'=Zoé", "a name is never a formula"
    assert rows[silent]["charter_signed"] == "non" and rows[one_sided]["charter_signed"] == "oui"
    assert (rows[one_sided]["led_by_a"], rows[one_sided]["led_by_b"]) == ("4", "0")
    assert rows[ended]["rating_average"] == "3,50" and rows[ended]["rating_count"] == "2"
    assert rows[silent]["silent_weeks"] == "3" and rows[silent]["activated_at"] == "2026-11-02 10:00"
    sessions = read(tmp_path / "sessions.csv", style)
    assert len(sessions) == 8 and sessions[1][2] == "2026-11-03"
    members = read(tmp_path / "members.csv", style)
    assert members[1][:3] == [str(A), "'=Zoé", "active"] and "SEO" in members[1][3]
    everything = "".join(
        (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig") for name in ("pairs", "sessions", "members")
    )
    for private in ("private note", "secret objective", "secret goal", "Lyon"):
        assert private not in everything


async def test_audit_log_pages_newest_first(database, clock):
    console = ConsoleServices(database, clock)
    for round_id in range(12):
        clock.advance(minutes=1)
        await console.audit.record(GUILD, 1, Action.ROUND_PREVIEWED, details={"round": round_id})
    await console.audit.record(OTHER, 2, Action.EXPORT)
    first, total = await console.audit.latest(GUILD, limit=10)
    second, _ = await console.audit.latest(GUILD, offset=10, limit=10)
    assert total == 12 and [e.details["round"] for e in first] == list(range(11, 1, -1))
    assert [e.details["round"] for e in second] == [1, 0]


async def test_reports_wait_until_posted(database, clock):
    console = ConsoleServices(database, clock)
    pair = await make_pair(database, A, B)
    await console.reports.add(GUILD, "weekly.report.silent", pair_id=pair, event_key="silence:1:x", weeks=3)
    # The same event again (a run resumed after a crash): still one report.
    await console.reports.add(GUILD, "weekly.report.silent", pair_id=pair, event_key="silence:1:x", weeks=3)
    await console.reports.add(GUILD, "pairs.ended.moderators_unpaired", pair_id=pair)
    await console.reports.add(OTHER, "weekly.report.silent", weeks=4)
    first, second = await console.reports.waiting(GUILD)
    assert (first.kind, second.kind) == ("weekly.report.silent", "pairs.ended.moderators_unpaired")
    await console.reports.mark_posted(first.id, 555)
    assert [r.id for r in await console.reports.waiting(GUILD)] == [second.id]
    assert await console.reports.count_waiting(GUILD) == 1


async def test_erasing_a_member_leaves_no_console_row_holding_them(database, clock):
    """The walk of issue 7, over the console's tables: no column keeps the member's id or text."""
    membership = Membership(database, clock)
    assert (await membership.save(GUILD, A, WEB_DRAFT)).saved
    pair = await make_pair(database, A, B)
    console = ConsoleServices(database, clock)
    await console.audit.record(GUILD, A, Action.EXPORT)  # the member was also a moderator
    await console.audit.record(GUILD, 1, Action.MANUAL_PAIR, targets=(A, B), details={"pair": pair})
    await console.audit.record(GUILD, 1, Action.UNPAIR, targets=(B, A), details={"pair": pair})
    await console.audit.record(OTHER, 1, Action.UNPAIR, targets=(A,))  # another server: not this erasure
    await console.reports.add(
        GUILD, "ending.rate.moderators", pair_id=pair, subject_id=A, rating=2, comment="words A wrote"
    )
    await console.reports.add(GUILD, "pairs.channel_deleted.noted", pair_id=pair, channel="zoe-marc")
    await console.reports.add(GUILD, "weekly.report.silent", subject_id=B, weeks=3)

    assert await membership.leave(GUILD, A)

    async with database.session() as session:
        for model in (AuditEntry, ModeratorReport):
            table = Base.metadata.tables[model.__tablename__]
            for row in (await session.execute(select(table).where(table.c.guild_id == GUILD))).mappings():
                for column, value in row.items():
                    assert value != A, f"{model.__tablename__}.{column} still holds the member"
                    assert "words A wrote" not in str(value) and "zoe" not in str(value), (model, column)
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
        reports = (await session.scalars(select(ModeratorReport).order_by(ModeratorReport.id))).all()
    assert [(e.action, e.actor_id, e.target_a_id, e.target_b_id) for e in entries] == [
        ("export", None, None, None),
        ("manual_pair", 1, None, B),
        ("unpair", 1, B, None),
        ("unpair", 1, A, None),
    ], "the actions stay, the member's id goes (only in this server)"
    assert reports[0].params == {"rating": 2} and reports[0].subject_id is None
    assert reports[1].params == {}
    assert reports[2].params == {"weeks": 3} and reports[2].subject_id == B, "other members' reports untouched"
