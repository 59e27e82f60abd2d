"""Discord permissions by the names a member sees in their Discord client ("Gérer les salons" /
"Manage Channels"), never as discord.py's attribute names (`manage_channels`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import discord

from bot.i18n import catalogue, t
from bot.i18n.dates import join_list

CATALOGUE = "permissions"


@cache
def _key_by_bit() -> dict[int, str]:
    """Each permission bit → its key in the `permissions` catalogue (one key per bit; discord.py has aliases)."""
    keys = [key.split(".", 1)[1] for key in catalogue("en") if key.startswith(f"{CATALOGUE}.")]
    return {discord.Permissions.VALID_FLAGS[key]: key for key in keys}


def permission_name(flag: str, locale: str) -> str:
    """The localized name of one discord.py permission flag (aliases included)."""
    bit = discord.Permissions.VALID_FLAGS.get(flag)
    key = _key_by_bit().get(bit) if bit is not None else None
    if key is None:  # a permission newer than the catalogue: still readable
        return flag.replace("_", " ").capitalize()
    return t(f"{CATALOGUE}.{key}", locale)


def permission_names(flags: Iterable[str], locale: str) -> str:
    """ "Gérer les salons et Gérer les rôles" / "Manage Channels and Manage Roles"."""
    return join_list((permission_name(flag, locale) for flag in flags), locale)


@dataclass(frozen=True, slots=True)
class PermissionList:
    """Permissions to name in a message, in the reader's language (a `bot.i18n.Localizable` parameter)."""

    flags: tuple[str, ...]

    def localized(self, locale: str) -> str:
        return permission_names(self.flags, locale)
