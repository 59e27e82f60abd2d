from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client.interactions import locale_of, reply, reply_key, tr
from bot.client.translator import cmd
from bot.client.ui import ConfirmView
from bot.db.models import OnceClaim
from bot.db.repositories.profiles import ACTIVE, PAUSED
from bot.domain.profiles import ProfileDraft
from bot.i18n import SUPPORTED, t
from bot.services.claims import Refused
from cogs.onboarding.join_flow import JoinView
from cogs.onboarding.leaving import leave_program
from cogs.onboarding.render import profile_embed
from cogs.separation.avoid import AvoidListView, member_name

if TYPE_CHECKING:
    from bot.client.bot import Binome

log = logging.getLogger(__name__)


@app_commands.guild_only()
class Onboarding(
    commands.GroupCog,
    group_name=cmd("mentoring.name"),
    group_description=cmd("mentoring.description"),
):
    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self.membership = bot.membership

    # --- newcomers -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            return
        # Once per arrival, even when two processes receive the event (the key names the member: it is
        # erased with them).
        joined = int((member.joined_at or self.bot.clock.now()).timestamp())
        key = f"{OnceClaim.member_prefix(member.guild.id, member.id)}welcome:{joined}"
        async with self.bot.claims.run("welcome") as run:
            claim = await run.acquire(member.guild.id, key)
            if isinstance(claim, Refused):
                return
            await self._welcome(member)
            await run.done(claim)  # best effort: a welcome Discord refused is not retried

    def _welcome_text(self, guild: discord.Guild, key: str, **params: str) -> str:
        """The welcome in the program's language (the bot cannot know a newcomer's before they interact),
        and one line in each other language pointing to `/mentoring join`."""
        locale = self.bot.moderators_locale(guild)
        others = [t("onboarding.welcome.other_language", other) for other in SUPPORTED if other != locale]
        return "\n".join([t(key, locale, guild=guild.name, **params), *others])

    async def _welcome(self, member: discord.Member) -> None:
        try:
            await member.send(self._welcome_text(member.guild, "onboarding.welcome.text"))
            return
        except discord.Forbidden:
            pass  # DMs closed: fall back to the welcome channel, if the server has one
        channel_id = (await self.bot.guild_configs.get(member.guild.id)).welcome_channel_id
        channel = member.guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            log.info("could not welcome %s in guild %s: DMs closed and no welcome channel", member.id, member.guild.id)
            return
        text = self._welcome_text(member.guild, "onboarding.welcome.in_channel", mention=member.mention)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions(users=[member]))
        except discord.HTTPException as exc:
            log.warning("welcome message to channel %s failed: %s", channel.id, exc)

    # --- commands --------------------------------------------------------------------------

    @app_commands.command(name=cmd("mentoring.join.name"), description=cmd("mentoring.join.description"))
    async def join(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        catalogue = await self.membership.catalogue(interaction.guild_id)
        existing = await self.membership.draft(interaction.guild_id, interaction.user.id)
        locale = locale_of(interaction)
        config = await self.bot.guild_configs.get(interaction.guild_id)
        view = JoinView(
            self.membership,
            interaction.guild_id,
            interaction.user.id,
            locale,
            catalogue,
            existing or ProfileDraft(languages={locale}),
            is_update=existing is not None,
            ask_organization=config.separate_organizations,
        )
        await interaction.response.send_message(view.content(), view=view, ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name=cmd("mentoring.profile.name"), description=cmd("mentoring.profile.description"))
    @app_commands.rename(member=cmd("mentoring.profile.member.name"))
    @app_commands.describe(member=cmd("mentoring.profile.member.description"))
    async def profile(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        profile = await self.membership.profile(interaction.guild_id, target.id)
        if profile is None:
            if target.id == interaction.user.id:
                await reply_key(interaction, "onboarding.profile.not_joined")
            else:
                await reply_key(interaction, "onboarding.profile.member_not_joined", member=target.display_name)
            return
        if target.id == interaction.user.id:  # one's own: the private part, and whom one never wants as a partner
            await reply(interaction, **await self._own_profile(interaction))
            return
        catalogue = await self.membership.catalogue(interaction.guild_id)
        locale = locale_of(interaction)
        await reply(interaction, embed=profile_embed(profile, target.display_name, catalogue, locale, full=False))

    async def _own_profile(self, interaction: discord.Interaction) -> dict:
        """The member's whole profile, with a menu to take someone off their "avoid" list."""
        guild, user = interaction.guild, interaction.user
        assert guild is not None
        profile = await self.membership.profile(guild.id, user.id)
        if profile is None:  # left meanwhile
            return {"content": tr(interaction, "onboarding.profile.not_joined")}
        avoided = await self.bot.community.exclusions.avoided(guild.id, user.id)
        names = {member_id: member_name(guild, member_id) for member_id in avoided}
        catalogue = await self.membership.catalogue(guild.id)
        locale = locale_of(interaction)
        embed = profile_embed(profile, user.display_name, catalogue, locale, full=True, avoided=list(names.values()))
        view = AvoidListView(self.bot, user.id, locale, names, self._own_profile) if names else None
        return {"embed": embed, **({"view": view} if view else {})}

    @app_commands.command(name=cmd("mentoring.pause.name"), description=cmd("mentoring.pause.description"))
    async def pause(self, interaction: discord.Interaction) -> None:
        await self._set_status(interaction, PAUSED, "pause")

    @app_commands.command(name=cmd("mentoring.resume.name"), description=cmd("mentoring.resume.description"))
    async def resume(self, interaction: discord.Interaction) -> None:
        await self._set_status(interaction, ACTIVE, "resume")

    async def _set_status(self, interaction: discord.Interaction, status: str, action: str) -> None:
        assert interaction.guild_id is not None
        changed = await self.membership.set_status(interaction.guild_id, interaction.user.id, status)
        if changed is None:
            await reply_key(interaction, "onboarding.profile.not_joined")
        else:
            await reply_key(interaction, f"onboarding.{action}.{'done' if changed else 'already'}")

    @app_commands.command(name=cmd("mentoring.leave.name"), description=cmd("mentoring.leave.description"))
    async def leave(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if await self.membership.profile(guild_id, user_id) is None:
            await reply_key(interaction, "onboarding.profile.not_joined")
            return

        async def confirmed(confirmation: discord.Interaction) -> str:
            # End the pair first (the partner and moderators are told), then forget the member.
            assert confirmation.guild is not None
            await leave_program(self.bot, confirmation.guild, user_id)
            return tr(confirmation, "onboarding.leave.done")

        view = ConfirmView(user_id, locale_of(interaction), confirmed, danger=True)
        await reply(interaction, tr(interaction, "onboarding.leave.confirm"), view=view)
        view.message = await interaction.original_response()

    @app_commands.command(name=cmd("mentoring.my_data.name"), description=cmd("mentoring.my_data.description"))
    async def my_data(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        data = await self.membership.export(interaction.guild_id, interaction.user.id)
        if data is None:
            await reply_key(interaction, "onboarding.my_data.nothing")
            return
        blob = json.dumps(data, ensure_ascii=False, indent=2).encode()
        file = discord.File(io.BytesIO(blob), filename=f"binome-{interaction.guild_id}-{interaction.user.id}.json")
        await reply(interaction, tr(interaction, "onboarding.my_data.sent"), file=file)
