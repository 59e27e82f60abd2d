"""Connection flow: login, READY, GUILD_CREATE, member chunks, intents, resume."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.fake_discord import FakeDiscord

from .conftest import ProbeBot, run_bot


async def test_login_ready_and_cache(fake: FakeDiscord, world, bot: ProbeBot) -> None:
    guild = bot.get_guild(world["guild"].id)
    assert guild is not None
    assert guild.preferred_locale is discord.Locale.french
    assert guild.me.id == fake.bot_user.id
    assert guild.default_role.id == guild.id
    assert {m.id for m in guild.members} >= {world["alice"].id, world["bob"].id, fake.bot_user.id}
    assert guild.get_channel(world["general"].id).name == "general"
    assert bot.application_id == fake.application_id
    session = fake.sessions[0]
    assert session.chunked_guilds == {guild.id}
    names = [e.name for e in fake.events]
    assert names[:2] == ["READY", "GUILD_CREATE"] and "GUILD_MEMBERS_CHUNK" in names
    assert all(r.status < 400 for r in fake.requests), fake.describe()
