"""The Console cog: adds the console's subcommands to the `/mentoring-admin` group (defined by the
Admin cog) and posts the reports that waited while the bot was offline."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.client.moderators import deliver_waiting
from bot.client.translator import cmd
from cogs.console.audit import audit
from cogs.console.export import export
from cogs.console.forget import forget
from cogs.console.pairs import pairs
from cogs.console.stats import stats

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


def subcommands() -> list[app_commands.Command]:
    """Fresh Command objects (a command belongs to one group, and tests build several bots)."""
    return [
        app_commands.Command(name=cmd("admin.pairs.name"), description=cmd("admin.pairs.description"), callback=pairs),
        app_commands.Command(name=cmd("admin.stats.name"), description=cmd("admin.stats.description"), callback=stats),
        app_commands.Command(
            name=cmd("admin.export.name"), description=cmd("admin.export.description"), callback=export
        ),
        app_commands.Command(name=cmd("admin.audit.name"), description=cmd("admin.audit.description"), callback=audit),
        app_commands.Command(
            name=cmd("admin.forget.name"), description=cmd("admin.forget.description"), callback=forget
        ),
    ]


class Console(commands.Cog):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._commands = subcommands()
        self._delivered = False

    def _admin_group(self) -> app_commands.Group:
        admin = self.bot.get_cog("Admin")
        group = getattr(admin, "app_command", None)
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("the console needs the admin extension (/mentoring-admin) loaded first")
        return group

    async def cog_load(self) -> None:
        group = self._admin_group()
        for command in self._commands:
            group.add_command(command)

    async def cog_unload(self) -> None:
        admin = self.bot.get_cog("Admin")
        group = getattr(admin, "app_command", None)
        if isinstance(group, app_commands.Group):
            for command in self._commands:
                group.remove_command(command.name)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self._delivered:  # on_ready fires again after a reconnect
            return
        self._delivered = True
        for guild in self.bot.guilds:
            try:
                await deliver_waiting(self.bot, guild)
            except Exception:
                log.exception("could not post the waiting reports of guild %s", guild.id)
