"""discord.py Translator: command names and descriptions from the `commands` catalogue.

A command declares `cmd("mentoring.name")`: the English catalogue gives the default text, the
French one its French localization.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import FALLBACK, catalogue, supported_locale


def cmd(key: str) -> app_commands.locale_str:
    """A command string (name, description, option or choice) from the `commands` catalogue.

    The English text is the default sent to Discord; other languages become its localizations.
    """
    full_key = f"commands.{key}"
    return app_commands.locale_str(catalogue("en")[full_key], key=full_key)


class CatalogueTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        language = supported_locale(locale.value)
        if key is None or language is None or language == "en":
            return None  # the English text in the code is the default
        return catalogue(language or FALLBACK).get(key)
