"""`/pair language`, added to the `/pair` group (defined by the pair extension, loaded before this one),
and the listener remembering each member's Discord locale."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client.interactions import UserError, binome, locale_of, mention, reply, tr
from bot.client.translator import cmd
from bot.i18n import t
from bot.services.languages import LanguageChange
from cogs.pair.context import pair_here
from cogs.pair_language.notices import language_name, tell_pair

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


@app_commands.rename(language=cmd("pair.language.language.name"))
@app_commands.describe(language=cmd("pair.language.language.description"))
@app_commands.choices(
    language=[
        app_commands.Choice(name="Français", value="fr"),
        app_commands.Choice(name="English", value="en"),
    ]
)
async def language(interaction: discord.Interaction, language: app_commands.Choice[str] | None = None) -> None:
    """Show the pair's language, or change it: the channel hears the change in the new language."""
    pair = await pair_here(interaction)
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    locale = locale_of(interaction)
    current = bot.pair_locale(guild, pair)
    if language is None:
        await reply(interaction, tr(interaction, "languages.pair.current", language=language_name(current, locale)))
        return
    change = await bot.languages.set(pair.id, language.value)
    if change is LanguageChange.NOT_OPEN:
        raise UserError("pair.errors.pair_not_active")
    chosen = language.value
    if change is LanguageChange.UNCHANGED and current == chosen:
        await reply(interaction, tr(interaction, "languages.pair.unchanged", language=language_name(chosen, locale)))
        return
    who, name = mention(interaction.user.id), language_name(chosen, chosen)
    await tell_pair(guild, pair, t("languages.pair.changed", chosen, member=who, language=name))
    lines = [tr(interaction, "languages.pair.done", language=language_name(chosen, locale))]
    speakers = await bot.languages.speakers(guild.id, interaction.user.id)
    if speakers is not None and not speakers.both_speak(chosen):
        lines.append(tr(interaction, "languages.pair.not_both", language=language_name(chosen, locale)))
    await reply(interaction, "\n".join(lines))


class PairLanguage(commands.Cog):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._command = app_commands.Command(
            name=cmd("pair.language.name"), description=cmd("pair.language.description"), callback=language
        )

    def _pair_group(self) -> app_commands.Group:
        group = getattr(self.bot.get_cog("PairCommands"), "app_command", None)
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("/pair language needs the pair extension (/pair) loaded first")
        return group

    async def cog_load(self) -> None:
        self._pair_group().add_command(self._command)

    async def cog_unload(self) -> None:
        group = getattr(self.bot.get_cog("PairCommands"), "app_command", None)
        if isinstance(group, app_commands.Group):
            group.remove_command(self._command.name)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the member's Discord locale (written only when it changed), for their DMs."""
        if interaction.guild_id is None or interaction.locale is None:
            return
        try:
            await self.bot.membership.locales.saw(interaction.guild_id, interaction.user.id, str(interaction.locale))
        except Exception:  # never in the way of the interaction itself
            log.exception("could not remember the locale of %s", interaction.user.id)
