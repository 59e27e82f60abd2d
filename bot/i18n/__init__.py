"""Messages in French and English.

Catalogues are TOML files, one per feature and language: `locales/<lang>/<feature>.toml`. A key is
`<feature>.<table>.<name>`, e.g. `onboarding.join.saved`. Placeholders use `{name}`. French is the
source community's language; both catalogues must hold the same keys (a test checks it).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SUPPORTED = ("fr", "en")
FALLBACK = "fr"


def supported_locale(discord_locale: str | None) -> str | None:
    """Map a Discord locale ("fr", "en-US", "en-GB"...) to one of ours, or None."""
    if not discord_locale:
        return None
    language = str(discord_locale).split("-", 1)[0].lower()
    return language if language in SUPPORTED else None


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            _flatten(key, value, into)
        else:
            into[key] = str(value)


@cache
def catalogue(locale: str) -> Mapping[str, str]:
    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(path.stem, tomllib.load(handle), messages)
    return messages


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field}


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, locale: str | None, /, **params: Any) -> str:
    """The message `key` in `locale` (falling back to French), with `params` filled in."""
    lang = supported_locale(locale) or FALLBACK
    text = catalogue(lang).get(key) or catalogue(FALLBACK).get(key)
    if text is None:
        log.error("missing message %r", key)
        return key
    return text.format_map(_KeepMissing(params)) if params else text


def has(key: str, locale: str = FALLBACK) -> bool:
    return key in catalogue(locale)
