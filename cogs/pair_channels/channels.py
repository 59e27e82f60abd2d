"""Where and how a pair channel is made: names, categories (50 channels each), overwrites."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import discord

from bot.db.models import Pair

CHANNELS_PER_CATEGORY = 50  # Discord's limit
CHANNELS_PER_GUILD = 500  # Discord's limit (categories count too)
MAX_NAME = 100
TOPIC_MARKER = "[binome:{pair_id}]"


def slug(text: str, limit: int = 24) -> str:
    """A channel-name-safe form of a display name ("Zoé L'Hôte" → "zoe-lhote")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")
    return cleaned[:limit].strip("-") or "membre"


def channel_name(first: str, second: str, taken: set[str]) -> str:
    base = f"{slug(first)}-{slug(second)}"[:MAX_NAME]
    name, counter = base, 2
    while name in taken:
        name = f"{base}-{counter}"
        counter += 1
    return name


def topic_marker(pair_id: int) -> str:
    return TOPIC_MARKER.format(pair_id=pair_id)


def find_pair_channel(
    guild: discord.Guild, pair_id: int, also: Sequence[discord.TextChannel] = ()
) -> discord.TextChannel | None:
    """A channel already made for this pair (e.g. before a crash), recognised by its topic marker."""
    marker = topic_marker(pair_id)
    for channel in [*guild.text_channels, *also]:
        if channel.topic and channel.topic.endswith(marker):
            return channel
    return None


def pair_channel(guild: discord.Guild, pair: Pair) -> discord.TextChannel | None:
    """The pair's private text channel, if it (still) exists."""
    channel = guild.get_channel(pair.channel_id or 0)
    return channel if isinstance(channel, discord.TextChannel) else None


def pair_categories(guild: discord.Guild, base_name: str) -> list[discord.CategoryChannel]:
    """The program's categories in overflow order: "Binômes", "Binômes 2", "Binômes 3"..."""
    numbered: list[tuple[int, discord.CategoryChannel]] = []
    for category in guild.categories:
        if category.name == base_name:
            numbered.append((1, category))
        elif category.name.startswith(base_name + " ") and category.name[len(base_name) + 1 :].isdigit():
            numbered.append((int(category.name[len(base_name) + 1 :]), category))
    return [category for _, category in sorted(numbered, key=lambda item: item[0])]


def next_category_name(guild: discord.Guild, base_name: str) -> str:
    existing = {category.name for category in pair_categories(guild, base_name)}
    if base_name not in existing:
        return base_name
    number = 2
    while f"{base_name} {number}" in existing:
        number += 1
    return f"{base_name} {number}"


def room_needed(guild: discord.Guild, base_name: str, new_channels: int) -> int:
    """How many guild channel slots `new_channels` pair channels take, overflow categories included."""
    free = sum(max(0, CHANNELS_PER_CATEGORY - len(c.channels)) for c in pair_categories(guild, base_name))
    overflow = max(0, new_channels - free)
    new_categories = -(-overflow // CHANNELS_PER_CATEGORY)
    return new_channels + new_categories


def guild_has_room(guild: discord.Guild, base_name: str, new_channels: int) -> bool:
    return len(guild.channels) + room_needed(guild, base_name, new_channels) <= CHANNELS_PER_GUILD


def pair_overwrites(
    guild: discord.Guild, members: list[discord.Member], moderator_role: discord.Role | None
) -> dict[discord.abc.Snowflake, discord.PermissionOverwrite]:
    """Only the pair, the bot and the moderators can see the channel. The bot keeps what it needs there,
    Pin Messages included (the signed charter is pinned; Discord split it from Manage Messages). Discord
    refuses an overwrite granting what the bot does not have in the server: the preflight checks it
    before a batch; a lone relaunch after the permission was removed makes the channel without it."""
    bot = discord.PermissionOverwrite(
        view_channel=True,
        send_messages=True,
        read_message_history=True,
        manage_channels=True,
        manage_messages=True,
        embed_links=True,
    )
    if guild.me.guild_permissions.pin_messages:
        bot.update(pin_messages=True)
    overwrites: dict[discord.abc.Snowflake, discord.PermissionOverwrite] = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        guild.me: bot,
    }
    for member in members:
        overwrites[member] = discord.PermissionOverwrite(
            view_channel=True, send_messages=True, read_message_history=True
        )
    if moderator_role is not None:
        overwrites[moderator_role] = discord.PermissionOverwrite(view_channel=True, read_message_history=True)
    return overwrites
