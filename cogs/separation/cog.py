"""The Separation cog: adds `avoid` to `/mentoring` (the Onboarding cog's group) and `exclude` to
`/mentoring-admin` (the Admin cog's group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.client.groups import GroupExtension
from bot.client.translator import cmd
from cogs.separation.avoid import avoid
from cogs.separation.exclude import exclude

if TYPE_CHECKING:
    from bot.client.bot import Binome


class Separation(GroupExtension, commands.Cog):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._extends = {
            "Onboarding": [
                app_commands.Command(
                    name=cmd("mentoring.avoid.name"), description=cmd("mentoring.avoid.description"), callback=avoid
                )
            ],
            "Admin": [
                app_commands.Command(
                    name=cmd("admin.exclude.name"), description=cmd("admin.exclude.description"), callback=exclude
                )
            ],
        }
