"""The moderators' console use cases, gathered for the bot (`bot.console`): pair health, figures,
exports, the audit log and the trouble reports. No Discord here."""

from __future__ import annotations

from bot.clock import Clock
from bot.db.engine import Database
from bot.services.audit import AuditLog
from bot.services.export import ExportService
from bot.services.health import HealthService
from bot.services.reports import Reports
from bot.services.stats import StatsService


class ConsoleServices:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.audit = AuditLog(db, clock)
        self.reports = Reports(db, clock)
        self.health = HealthService(db, clock)
        self.stats = StatsService(db, clock, self.health)
        self.export = ExportService(db, clock, self.health)
