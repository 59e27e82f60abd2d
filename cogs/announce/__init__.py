"""Rounds announced ahead (`/mentoring-admin announce`, with "I'm available" / "sit this round out"),
and nobody left out silently (after a confirmed round, each member it did not pair is told why)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.client.groups import GroupExtension
from bot.client.translator import cmd
from cogs.announce.announce import AnswerButton, announce

if TYPE_CHECKING:
    from bot.client.bot import Binome


class Announce(GroupExtension, commands.Cog):
    """Adds `announce` to `/mentoring-admin`."""

    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._extends = {
            "Admin": [
                app_commands.Command(
                    name=cmd("admin.announce.name"), description=cmd("admin.announce.description"), callback=announce
                )
            ]
        }


async def setup(bot: Binome) -> None:
    bot.add_dynamic_items(AnswerButton)
    await bot.add_cog(Announce(bot))
