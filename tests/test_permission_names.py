"""Discord permissions are named as each member's Discord client names them."""

import discord

from bot.client.permissions import PermissionList, permission_name, permission_names
from bot.i18n import catalogue, t


def test_every_discord_permission_has_a_name_in_every_language():
    for locale in ("fr", "en"):
        named = {key.split(".", 1)[1] for key in catalogue(locale) if key.startswith("permissions.")}
        bits = {discord.Permissions.VALID_FLAGS[key] for key in named}
        assert bits == set(discord.Permissions.VALID_FLAGS.values()), locale
        assert len(bits) == len(named), "one name per permission (discord.py's aliases share a bit)"


def test_names_as_the_client_shows_them_aliases_included():
    assert permission_name("manage_channels", "fr") == "Gérer les salons"
    assert permission_name("manage_channels", "en") == "Manage Channels"
    assert permission_name("read_messages", "fr") == permission_name("view_channel", "fr") == "Voir les salons"
    assert permission_name("manage_emojis", "en") == "Manage Expressions"
    assert permission_name("brand_new_permission", "en") == "Brand new permission"


def test_a_list_of_permissions_is_written_in_the_language_of_the_message():
    assert permission_names(["manage_channels", "manage_roles"], "fr") == "Gérer les salons et Gérer les rôles"
    missing = PermissionList(("manage_channels", "manage_roles", "send_messages"))
    text = t("common.errors.bot_missing_permissions", "en", permissions=missing)
    assert "Manage Channels, Manage Roles, and Send Messages" in text
    assert "Gérer les salons, Gérer les rôles et Envoyer des messages" in t(
        "common.errors.bot_missing_permissions", "fr", permissions=missing
    )
