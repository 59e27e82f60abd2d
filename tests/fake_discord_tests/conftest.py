"""A small discord.py bot run in-process against the fake, to test the fake itself."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from fake_discord import FakeDiscord


class FrenchTranslator(app_commands.Translator):
    WORDS: ClassVar[dict[str, str]] = {
        "mentoring": "mentorat",
        "join": "rejoindre",
        "Mentoring program": "Programme de mentorat",
        "Join the program": "Rejoindre le programme",
    }

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        if locale is discord.Locale.french:
            return self.WORDS.get(string.message)
        return None


class ConfirmView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"confirmed by {interaction.user.id}", view=None)

    @discord.ui.select(
        custom_id="skill",
        options=[
            discord.SelectOption(label="Python", value="python"),
            discord.SelectOption(label="Sales", value="sales"),
        ],
    )
    async def skill(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class ProfileModal(discord.ui.Modal, title="Profile"):
    bio: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Bio", custom_id="bio", max_length=200)
    city: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="City", custom_id="city", required=False, default="Lyon"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"bio={self.bio.value} city={self.city.value}", ephemeral=True)


class ProbeBot(commands.Bot):
    def __init__(self, *, members: bool = True, voice: bool = True) -> None:
        intents = discord.Intents.default()
        intents.members = members
        intents.voice_states = voice
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1)
        self.errors: list[BaseException] = []
        self.ready_event = asyncio.Event()
        self.sleep_before_answer = 0.0
        self.member_events: list[tuple[str, int]] = []
        self.channel_events: list[tuple[str, int]] = []
        self.voice_events: list[tuple[int, int | None, int | None]] = []  # (user, before, after channel)
        group = app_commands.Group(
            name=app_commands.locale_str("mentoring"), description=app_commands.locale_str("Mentoring program")
        )

        @group.command(name=app_commands.locale_str("join"), description=app_commands.locale_str("Join the program"))
        @app_commands.describe(skill="What you can teach", years="Experience")
        async def join(
            interaction: discord.Interaction, skill: str, years: int = 1, buddy: discord.Member | None = None
        ) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await asyncio.sleep(0.05)
            who = buddy.display_name if buddy else "nobody"
            await interaction.edit_original_response(content=f"joined {skill} {years} {who} {interaction.locale}")

        @join.autocomplete("skill")
        async def skill_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=s, value=s) for s in ("python", "pricing") if s.startswith(current)]

        @group.command(name="hello", description="Say hello with a button")
        async def hello(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Hello!", view=ConfirmView())

        @group.command(name="profile", description="Edit the profile")
        async def profile(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(ProfileModal())

        @group.command(name="slow", description="Answers late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(self.sleep_before_answer)
            try:
                await interaction.response.send_message("late")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @group.command(name="twice", description="Acknowledges twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("once")
            interaction.response._response_type = None  # bypass discord.py's own check: ask Discord
            try:
                await interaction.response.send_message("twice")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @group.command(name="export", description="Sends a file")
        async def export(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.followup.send(
                "your data",
                file=discord.File(__import__("io").BytesIO(b'{"a": 1}'), filename="data.json"),
                ephemeral=True,
            )

        self.tree.add_command(group)

        @self.tree.command(name="admin-ping", description="Moderators only")
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.guild_only()
        async def admin_ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py waits 5 s before re-identifying; not needed against the fake

    async def setup_hook(self) -> None:
        await self.tree.set_translator(FrenchTranslator())

    async def on_ready(self) -> None:
        self.ready_event.set()

    async def on_member_join(self, member: discord.Member) -> None:
        self.member_events.append(("join", member.id))

    async def on_member_remove(self, member: discord.Member) -> None:
        self.member_events.append(("remove", member.id))

    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        ids = (before.channel.id if before.channel else None, after.channel.id if after.channel else None)
        self.voice_events.append((member.id, *ids))

    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        self.channel_events.append(("create", channel.id))

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        self.channel_events.append(("delete", channel.id))


@contextlib.contextmanager
def redirected(fake: FakeDiscord):
    """Point discord.py at the fake (as the bot does from its env vars), then restore."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def run_bot(fake: FakeDiscord, bot: commands.Bot, token: str | None = None) -> AsyncIterator[asyncio.Task[None]]:
    with redirected(fake):
        task = asyncio.create_task(bot.start(token or fake.token))
        try:
            yield task
        finally:
            await bot.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(interaction_deadline=3.0) as server:
        server.rules.validate_responses = True  # the fake's own answers must match Discord's spec
        # The probe bot identifies again at once (its hook does not wait): the identify limit has its
        # own tests (test_fake_discord_shards.py).
        server.rules.identify_interval = 0
        yield server


@pytest.fixture
def world(fake: FakeDiscord) -> dict[str, Any]:
    guild = fake.add_guild("Test", preferred_locale="fr")
    category = fake.add_category(guild.id, "Pairs")
    general = fake.add_text_channel(guild.id, "general")
    alice = fake.add_member(guild.id, name="alice", locale="fr")
    bob = fake.add_member(guild.id, name="bob")
    return {"guild": guild, "category": category, "general": general, "alice": alice, "bob": bob}


@pytest.fixture
async def bot(fake: FakeDiscord, world: dict[str, Any]) -> AsyncIterator[ProbeBot]:
    client = ProbeBot()
    async with run_bot(fake, client):
        await fake.wait_until_ready(timeout=10)
        await asyncio.wait_for(client.ready_event.wait(), 10)
        yield client
