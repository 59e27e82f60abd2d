"""The console's texts: every value the code builds a message key from has its message, the
commands are registered in French and English, and entries and reports render as moderators read them."""

from datetime import UTC, datetime

import pytest

from bot.client.audit_text import audit_text, report_text
from bot.client.bot import Binome, discover_extensions
from bot.client.translator import CatalogueTranslator
from bot.clock import FixedClock
from bot.db.engine import Database
from bot.db.models import AuditEntry, ModeratorReport, Pair
from bot.domain.health import HealthFilter
from bot.i18n import SUPPORTED, catalogue
from bot.services.audit import Action
from bot.services.export import MEMBER_COLUMNS, PAIR_COLUMNS, SESSION_COLUMNS
from bot.services.guild_config import EDITABLE
from bot.settings import Settings

AT = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_messages_built_from_console_values_exist():
    keys = [f"console.audit.action.{action.value}" for action in Action]
    keys += [f"console.filter.{wanted.value}" for wanted in HealthFilter]
    keys += [f"console.audit.setting.{name}" for name in EDITABLE]
    keys += [f"console.export.column.{c}" for c in {*PAIR_COLUMNS, *SESSION_COLUMNS, *MEMBER_COLUMNS}]
    keys += [f"console.export.file.{name}" for name in ("pairs", "sessions", "members")]
    for locale in SUPPORTED:
        assert [key for key in keys if key not in catalogue(locale)] == [], locale


@pytest.fixture
async def loaded_bot(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'tree.db'}")
    bot = Binome(Settings(), db, FixedClock(AT))
    await bot.tree.set_translator(CatalogueTranslator())
    for extension in discover_extensions():
        await bot.load_extension(extension)
    yield bot
    await db.close()


async def test_console_subcommands_join_the_admin_group_in_french(loaded_bot):
    [admin] = [c for c in loaded_bot.tree.get_commands() if c.name == "mentoring-admin"]
    payload = await admin.get_translated_payload(loaded_bot.tree, loaded_bot.tree.translator)
    french = {option["name"]: option["name_localizations"]["fr"] for option in payload["options"]}
    assert {name: french[name] for name in ("pairs", "stats", "export", "audit", "forget")} == {
        "pairs": "binomes",
        "stats": "stats",
        "export": "exporter",
        "audit": "historique",
        "forget": "oublier",
    }
    pairs = next(option for option in payload["options"] if option["name"] == "pairs")
    assert [o["name_localizations"]["fr"] for o in pairs["options"]] == ["afficher", "ordre"]
    assert [c["name_localizations"]["fr"] for c in pairs["options"][0]["choices"]] == [
        "Tous les binômes",
        "À surveiller",
        "Charte non signée",
        "Terminés",
    ]
    await loaded_bot.unload_extension("cogs.console")
    assert "pairs" not in {c.name for c in admin.commands}


def test_audit_entries_render_with_who_and_what():
    setup = AuditEntry(
        action="setup",
        actor_id=5,
        details={"changes": {"mod_channel_id": [None, 77], "nudge_weekday": [0, 3]}},
        created_at=AT,
    )
    assert audit_text(setup, "fr") == (
        "🛠️ <@5> a modifié les réglages : salon des modérateurs : non défini → <#77>; jour du message : lundi → jeudi"
    )
    confirmed = AuditEntry(action="round_confirmed", actor_id=5, details={"round": 3, "created": 1, "total": 2})
    assert audit_text(confirmed, "en") == "✅ <@5> confirmed matching round #3: 1 pair created out of 2."
    erased = AuditEntry(action="manual_pair", actor_id=None, target_a_id=None, target_b_id=9, details={"pair": 4})
    assert "<@9>" in audit_text(erased, "fr") and "?" in audit_text(erased, "fr")


def test_reports_name_the_pair_as_it_is_now_and_show_erased_values_as_unknown():
    pair = Pair(member_a_id=1, member_b_id=None)
    report = ModeratorReport(kind="pairs.channel_deleted.recreated", params={})  # the channel name was erased
    assert report_text(report, pair, "fr") == "Le salon #? du binôme <@1> a été supprimé à la main ; je le recrée."
    silent = ModeratorReport(kind="weekly.report.silent", params={"weeks": 3})
    assert "<@1>" in report_text(silent, pair, "en") and "3" in report_text(silent, pair, "en")
    long = ModeratorReport(kind="ending.rate.moderators", subject_id=1, params={"rating": 2, "comment": "x" * 900})
    assert len(report_text(long, pair, "fr", preview=True)) == 300
