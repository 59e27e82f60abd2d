"""Features that add subcommands to a group another cog defines (`/mentoring`, `/mentoring-admin`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

if TYPE_CHECKING:
    from discord.ext import commands


def group_of(bot: commands.Bot, cog_name: str) -> app_commands.Group:
    """The command group of the loaded cog `cog_name` (extensions load in name order: the Admin and
    Onboarding cogs come before the features that extend their groups)."""
    group = getattr(bot.get_cog(cog_name), "app_command", None)
    if not isinstance(group, app_commands.Group):
        raise RuntimeError(f"the {cog_name} cog must be loaded before the commands added to its group")
    return group


class GroupExtension:
    """Mixin for a cog that adds commands to other cogs' groups: `self._extends` maps a cog's name to
    the commands (fresh objects: a command belongs to one group, and tests build several bots)."""

    bot: commands.Bot
    _extends: dict[str, list[app_commands.Command | app_commands.Group]]

    async def cog_load(self) -> None:
        for cog_name, added in self._extends.items():
            group = group_of(self.bot, cog_name)
            for command in added:
                group.add_command(command)

    async def cog_unload(self) -> None:
        for cog_name, added in self._extends.items():
            group = getattr(self.bot.get_cog(cog_name), "app_command", None)
            if isinstance(group, app_commands.Group):
                for command in added:
                    group.remove_command(command.name)
