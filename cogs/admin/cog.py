from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client.checks import moderator_only
from bot.client.interactions import UserError, locale_of, reply
from bot.client.moderators import record_action
from bot.client.translator import cmd
from bot.domain.timezones import canonical_timezone, common_zones, is_database_artefact, suggest_timezones, zone_label
from bot.i18n import SUPPORTED, t
from bot.services.audit import Action
from bot.services.guild_config import ARCHIVE, DELETE, GuildConfig
from cogs.admin.pairing_commands import run_match, run_pair, run_unpair
from cogs.console.setup_notes import after_setup_reply, reports_note
from cogs.pair import weekly_run

if TYPE_CHECKING:
    from bot.client.bot import Binome

MAX_CHOICES = 25  # Discord's limit for an autocomplete answer
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_CATEGORY_NAME = 90  # Discord allows 100; room is kept for the " 2", " 3" overflow suffix


def describe_config(config: GuildConfig, locale: str, server_language: str) -> str:
    """`server_language`: the server's Discord language (as we translate it), which the program follows
    until `setup` sets one."""
    return f"{describe_program(config, locale, server_language)}\n{describe_voice(config, locale)}"


def describe_voice(config: GuildConfig, locale: str) -> str:
    state = t(f"voice.setup.{'on' if config.voice_checkins else 'off'}", locale)
    return t("voice.setup.summary", locale, state=state, count=config.voice_min_minutes)


def describe_program(config: GuildConfig, locale: str, server_language: str) -> str:
    none = t("admin.setup.unset", locale)
    if config.locale:
        language = t(f"common.languages.{config.locale}", locale)
    else:
        language = t("admin.setup.auto", locale, language=t(f"common.languages.{server_language}", locale))
    return (
        t(
            "admin.setup.summary",
            locale,
            moderator_role=f"<@&{config.moderator_role_id}>" if config.moderator_role_id else none,
            mod_channel=f"<#{config.mod_channel_id}>" if config.mod_channel_id else none,
            welcome_channel=f"<#{config.welcome_channel_id}>" if config.welcome_channel_id else none,
            category=config.pair_category_name,
            archive_mode=t(f"admin.setup.mode_{config.archive_mode}", locale),
            language=language,
            weekday=t(f"commands.admin.setup.weekday.{WEEKDAYS[config.nudge_weekday]}", locale),
            time=config.nudge_time,
            timezone=config.timezone,
            cycle_months=config.cycle_months,
        )
        + "\n"
        + t(
            "separation.organization.setting",
            locale,
            value=t("common.yes_no.yes" if config.separate_organizations else "common.yes_no.no", locale),
        )
    )


def parse_time(text: str) -> str:
    """ "9:30" or "09:30" → "09:30"; anything else is refused."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if match is None:
        raise UserError("admin.setup.bad_time", value=text)
    return f"{int(match[1]):02d}:{match[2]}"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(
    commands.GroupCog,
    group_name=cmd("admin.name"),
    group_description=cmd("admin.description"),
):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot

    @app_commands.command(name=cmd("admin.setup.name"), description=cmd("admin.setup.description"))
    @app_commands.rename(
        moderator_role=cmd("admin.setup.moderator_role.name"),
        mod_channel=cmd("admin.setup.mod_channel.name"),
        welcome_channel=cmd("admin.setup.welcome_channel.name"),
        pair_category=cmd("admin.setup.pair_category.name"),
        archive_mode=cmd("admin.setup.archive_mode.name"),
        language=cmd("admin.setup.language.name"),
        weekday=cmd("admin.setup.weekday.name"),
        time=cmd("admin.setup.time.name"),
        timezone=cmd("admin.setup.timezone.name"),
        cycle_months=cmd("admin.setup.cycle_months.name"),
        organizations=cmd("admin.setup.organizations.name"),
        voice_checkins=cmd("admin.setup.voice_checkins.name"),
        voice_minutes=cmd("admin.setup.voice_minutes.name"),
    )
    @app_commands.describe(
        moderator_role=cmd("admin.setup.moderator_role.description"),
        mod_channel=cmd("admin.setup.mod_channel.description"),
        welcome_channel=cmd("admin.setup.welcome_channel.description"),
        pair_category=cmd("admin.setup.pair_category.description"),
        archive_mode=cmd("admin.setup.archive_mode.description"),
        language=cmd("admin.setup.language.description"),
        weekday=cmd("admin.setup.weekday.description"),
        time=cmd("admin.setup.time.description"),
        timezone=cmd("admin.setup.timezone.description"),
        cycle_months=cmd("admin.setup.cycle_months.description"),
        organizations=cmd("admin.setup.organizations.description"),
        voice_checkins=cmd("admin.setup.voice_checkins.description"),
        voice_minutes=cmd("admin.setup.voice_minutes.description"),
    )
    @app_commands.choices(
        archive_mode=[
            app_commands.Choice(name=cmd("admin.setup.archive_mode.archive"), value=ARCHIVE),
            app_commands.Choice(name=cmd("admin.setup.archive_mode.delete"), value=DELETE),
        ],
        language=[
            app_commands.Choice(name="Français", value="fr"),
            app_commands.Choice(name="English", value="en"),
        ],
        weekday=[
            app_commands.Choice(name=cmd(f"admin.setup.weekday.{day}"), value=n) for n, day in enumerate(WEEKDAYS)
        ],
    )
    @moderator_only
    async def setup(
        self,
        interaction: discord.Interaction,
        moderator_role: discord.Role | None = None,
        mod_channel: discord.TextChannel | None = None,
        welcome_channel: discord.TextChannel | None = None,
        pair_category: app_commands.Range[str, 1, MAX_CATEGORY_NAME] | None = None,
        archive_mode: app_commands.Choice[str] | None = None,
        language: app_commands.Choice[str] | None = None,
        weekday: app_commands.Choice[int] | None = None,
        time: app_commands.Range[str, 4, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        cycle_months: app_commands.Range[int, 1, 24] | None = None,
        organizations: bool | None = None,
        voice_checkins: bool | None = None,
        voice_minutes: app_commands.Range[int, 5, 240] | None = None,
    ) -> None:
        """Show the program's settings, or change the ones given."""
        assert interaction.guild_id is not None
        changes: dict[str, object] = {}
        if moderator_role is not None:
            changes["moderator_role_id"] = moderator_role.id
        if mod_channel is not None:
            changes["mod_channel_id"] = mod_channel.id
        if welcome_channel is not None:
            changes["welcome_channel_id"] = welcome_channel.id
        if pair_category is not None:
            changes["pair_category_name"] = pair_category.strip()
        if archive_mode is not None:
            changes["archive_mode"] = archive_mode.value
        if language is not None:
            changes["locale"] = language.value
        if weekday is not None:
            changes["nudge_weekday"] = weekday.value
        if time is not None:
            changes["nudge_time"] = parse_time(time)
        if timezone is not None:
            zone = canonical_timezone(timezone)
            if zone is None:
                refused = "not_a_timezone" if is_database_artefact(timezone) else "bad_timezone"
                raise UserError(f"admin.setup.{refused}", value=timezone)
            changes["timezone"] = zone
        if cycle_months is not None:
            changes["cycle_months"] = cycle_months
        if organizations is not None:  # keep members of the same organization apart (they give it when joining)
            changes["separate_organizations"] = organizations
        if voice_checkins is not None:
            changes["voice_checkins"] = voice_checkins
        if voice_minutes is not None:
            changes["voice_min_minutes"] = voice_minutes
        configs = self.bot.guild_configs
        before = await configs.get(interaction.guild_id)
        if changes:
            config = await configs.update(interaction.guild_id, **changes)
        else:
            config = await configs.get(interaction.guild_id)
        locale = locale_of(interaction)
        header = t("admin.setup.saved" if changes else "admin.setup.current", locale)
        notes = await reports_note(interaction)
        guild = interaction.guild
        server = self.bot.guild_locale(None, str(guild.preferred_locale) if guild else None)
        await reply(interaction, f"{header}\n{describe_config(config, locale, server)}\n{notes}")
        await after_setup_reply(interaction, before, config)

    @setup.autocomplete("timezone")
    async def timezone_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """IANA zones matching a city or an offset as typed; before anything is typed (or for nothing
        that matches), the server's zone and the common zones of its languages. Pure computation on a
        few hundred names: answered at once."""
        now = self.bot.clock.now()
        # The cache answers at once; a server never read since start-up costs one small query.
        config = await self.bot.guild_configs.get(interaction.guild_id) if interaction.guild_id else None
        program = self.bot.moderators_locale(interaction.guild) if interaction.guild else locale_of(interaction)
        languages = [program, *(language for language in SUPPORTED if language != program)]
        common = common_zones(languages, [config.timezone] if config else [], limit=MAX_CHOICES)
        zones = suggest_timezones(current, now, common, limit=MAX_CHOICES)
        return [app_commands.Choice(name=zone_label(zone, now), value=zone) for zone in zones]

    @app_commands.command(name=cmd("admin.match.name"), description=cmd("admin.match.description"))
    @moderator_only
    async def match(self, interaction: discord.Interaction) -> None:
        await run_match(interaction)

    @app_commands.command(name=cmd("admin.pair.name"), description=cmd("admin.pair.description"))
    @app_commands.rename(first=cmd("admin.pair.first.name"), second=cmd("admin.pair.second.name"))
    @app_commands.describe(first=cmd("admin.pair.first.description"), second=cmd("admin.pair.second.description"))
    @moderator_only
    async def pair(self, interaction: discord.Interaction, first: discord.Member, second: discord.Member) -> None:
        await run_pair(interaction, first, second)

    @app_commands.command(name=cmd("admin.remind_now.name"), description=cmd("admin.remind_now.description"))
    @moderator_only
    async def remind_now(self, interaction: discord.Interaction) -> None:
        await weekly_run.remind_now(interaction)
        await record_action(interaction, Action.REMIND_NOW)

    @app_commands.command(name=cmd("admin.unpair.name"), description=cmd("admin.unpair.description"))
    @app_commands.rename(member=cmd("admin.unpair.member.name"))
    @app_commands.describe(member=cmd("admin.unpair.member.description"))
    @moderator_only
    async def unpair(self, interaction: discord.Interaction, member: discord.User) -> None:
        await run_unpair(interaction, member)
