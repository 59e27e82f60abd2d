"""`/mentoring-admin forget @member`: erase a member's personal data on their request (Québec's
Law 25, GDPR), after a confirmation. It is the member's own `/mentoring leave`, run by a moderator:
the same path (`cogs.onboarding.leaving.leave_program`), so both erase exactly the same things.
The audit entry keeps that it happened and who did it, not whom (that would keep the member)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client.checks import moderator_only
from bot.client.interactions import UserError, binome, locale_of, mention, reply, tr
from bot.client.moderators import record_action
from bot.client.translator import cmd
from bot.client.ui import ConfirmView
from bot.services.audit import Action
from cogs.onboarding.leaving import leave_program


@app_commands.rename(member=cmd("admin.forget.member.name"))
@app_commands.describe(member=cmd("admin.forget.member.description"))
@moderator_only
async def forget(interaction: discord.Interaction, member: discord.User) -> None:
    """Erase a member's data (callback attached to /mentoring-admin by the Console cog)."""
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    user_id = member.id
    if await bot.membership.profile(guild.id, user_id) is None:
        raise UserError("console.forget.not_joined", member=mention(user_id))

    async def confirmed(confirmation: discord.Interaction) -> str:
        if not await leave_program(bot, guild, user_id):
            return tr(confirmation, "console.forget.already")
        await record_action(confirmation, Action.FORGET)
        return tr(confirmation, "console.forget.done")

    view = ConfirmView(interaction.user.id, locale_of(interaction), confirmed, danger=True)
    await reply(interaction, tr(interaction, "console.forget.confirm", member=mention(user_id)), view=view)
    view.message = await interaction.original_response()
