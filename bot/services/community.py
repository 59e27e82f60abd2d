"""The use cases of a program each community shapes (issue 11), gathered for the bot (`bot.community`):
its own skill catalogue, who must not be paired, rounds announced ahead, progress on objectives.
No Discord here."""

from __future__ import annotations

from bot.clock import Clock
from bot.db.engine import Database
from bot.services.announcements import Announcements
from bot.services.catalogue import SkillCatalogue
from bot.services.exclusions import Exclusions
from bot.services.progress import ProgressRatings


class CommunityServices:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.skills = SkillCatalogue(db, clock)
        self.exclusions = Exclusions(db, clock)
        self.announcements = Announcements(db, clock)
        self.progress = ProgressRatings(db, clock)
