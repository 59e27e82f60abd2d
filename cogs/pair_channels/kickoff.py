"""The kickoff message posted in a new pair channel, and its persistent buttons."""

from __future__ import annotations

import re

import discord

from bot.client.ui import PersistentButtons, find_recent_message
from bot.db.models import Pair
from bot.domain.skills import SkillSpec
from bot.i18n import t

KICKOFF_ID = "binome:pair:{pair_id}:{action}"
KICKOFF_PATTERN = r"binome:pair:(?P<pair_id>\d+):(?P<action>charter|met)"


def _skill_list(keys: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(key, key) for key in keys) or "—"


def kickoff_message(pair: Pair, catalogue: list[SkillSpec], locale: str) -> tuple[str, discord.ui.View]:
    names = {skill.key: skill.name(locale) for skill in catalogue}
    a, b = (f"<@{m}>" if m else "?" for m in pair.members())
    meeting = "pairs.kickoff.meet_in_person" if pair.same_city else "pairs.kickoff.meet_by_video"
    content = "\n".join(
        (
            t("pairs.kickoff.hello", locale, a=a, b=b),
            t("pairs.kickoff.teaches", locale, mentor=a, learner=b, skills=_skill_list(pair.a_teaches_b, names)),
            t("pairs.kickoff.teaches", locale, mentor=b, learner=a, skills=_skill_list(pair.b_teaches_a, names)),
            "",
            t("pairs.kickoff.rhythm", locale),
            "",
            t(meeting, locale),
            t("pairs.kickoff.charter", locale),
        )
    )
    view = PersistentButtons()
    view.add_item(
        discord.ui.Button(
            label=t("pairs.kickoff.button_charter", locale),
            style=discord.ButtonStyle.primary,
            custom_id=KICKOFF_ID.format(pair_id=pair.id, action="charter"),
        )
    )
    view.add_item(
        discord.ui.Button(
            label=t("pairs.kickoff.button_met", locale),
            style=discord.ButtonStyle.success,
            custom_id=KICKOFF_ID.format(pair_id=pair.id, action="met"),
        )
    )
    return content, view


async def find_kickoff(
    channel: discord.TextChannel, pair_id: int, bot_user: discord.abc.User | None
) -> discord.Message | None:
    """The kickoff an interrupted launch may already have posted (recognised by its buttons)."""
    pattern = re.compile(KICKOFF_PATTERN)

    def is_this_kickoff(custom_id: str) -> bool:
        match = pattern.fullmatch(custom_id)
        return match is not None and int(match["pair_id"]) == pair_id

    return await find_recent_message(channel, is_this_kickoff, bot_user)
