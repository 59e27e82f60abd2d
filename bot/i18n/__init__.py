"""Messages in French and English.

Catalogues are TOML files, one per feature and language: `locales/<lang>/<feature>.toml`. A key is
`<feature>.<table>.<name>`, e.g. `onboarding.join.saved`. Placeholders use `{name}`. French is the
source community's language; both catalogues must hold the same keys (a test checks it).

A message that depends on a number is a table of CLDR plural categories (`one`, `other`, and
`few`/`many`... where a language has them), chosen by Babel's plural rules for the `count` given:

    [remind_now]
    sent = { one = "{count} message envoyé", other = "{count} messages envoyés" }

    t("weekly.remind_now.sent", "fr", count=0)   # "0 message envoyé" (French: 0 and 1 are "one")
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any, Protocol

from babel import Locale
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SUPPORTED = ("fr", "en")
FALLBACK = "fr"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

Message = str | Mapping[str, str]  # a text, or its plural forms by CLDR category


def supported_locale(discord_locale: str | None) -> str | None:
    """Map a Discord locale ("fr", "en-US", "en-GB"...) to one of ours, or None."""
    if not discord_locale:
        return None
    language = str(discord_locale).split("-", 1)[0].lower()
    return language if language in SUPPORTED else None


def is_plural(value: Any) -> bool:
    return isinstance(value, Mapping) and "other" in value and set(value) <= PLURAL_CATEGORIES


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, Message]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if is_plural(value):
            into[key] = {category: str(text) for category, text in value.items()}
        elif isinstance(value, Mapping):
            _flatten(key, value, into)
        else:
            into[key] = str(value)


@cache
def catalogue(locale: str) -> Mapping[str, Message]:
    messages: dict[str, Message] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(path.stem, tomllib.load(handle), messages)
    return messages


@cache
def babel_locale(locale: str) -> Locale:
    return Locale.parse(supported_locale(locale) or FALLBACK)


def plural_category(count: int | float, locale: str) -> str:
    """CLDR's plural category of `count` in `locale` ("one", "other", "many"...)."""
    return babel_locale(locale).plural_form(abs(count))


def format_number(value: int | float, locale: str) -> str:
    """A number as the reader writes it (1 000 in French, 1,000 in English)."""
    return format_decimal(value, locale=babel_locale(locale))


def placeholders(message: Message) -> set[str]:
    texts = message.values() if isinstance(message, Mapping) else [message]
    return {field for text in texts for _, field, _, _ in Formatter().parse(text) if field}


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Localizable(Protocol):
    """A message parameter that is itself text to localize (e.g. a list of Discord permissions): it is
    rendered in the language of the message it fills, which the code raising it may not know yet."""

    def localized(self, locale: str) -> str: ...


def t(key: str, locale: str | None, /, **params: Any) -> str:
    """The message `key` in `locale` (falling back to French), with `params` filled in.

    A plural message takes its form from `count` (required for it), which is shown localized;
    `Localizable` parameters are rendered in the message's language.
    """
    lang = supported_locale(locale) or FALLBACK
    params = {name: value.localized(lang) if _is_localizable(value) else value for name, value in params.items()}
    message = catalogue(lang).get(key) or catalogue(FALLBACK).get(key)
    if message is None:
        log.error("missing message %r", key)
        return key
    if isinstance(message, Mapping):
        count = params.get("count")
        if not isinstance(count, int | float):
            log.error("plural message %r needs a numeric count, got %r", key, count)
            count = 0
        text = message.get(plural_category(count, lang)) or message["other"]
        params = {**params, "count": format_number(count, lang)}
    else:
        text = message
    return text.format_map(_KeepMissing(params)) if params else text


def _is_localizable(value: Any) -> bool:
    return callable(getattr(value, "localized", None)) and not isinstance(value, str | int | float)


def has(key: str, locale: str = FALLBACK) -> bool:
    return key in catalogue(locale)
