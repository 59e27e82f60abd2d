"""`/mentoring avoid @member` [`eviter`]: privately, never be paired with that member. The list is
shown in one's own `/mentoring profile`, with a menu to take someone off it. The other member is
never told; matching (and moderators pairing by hand) honour it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.client.interactions import UserError, binome, mention, tr
from bot.client.translator import cmd
from bot.client.ui import OwnedView, temporary_id
from bot.i18n import t
from bot.services.exclusions import MAX_AVOIDED, Added, Refusal

if TYPE_CHECKING:
    from bot.client.bot import Binome

MAX_OPTION_LABEL = 100


def member_name(guild: discord.Guild, user_id: int) -> str:
    """A member's name as text (menus and embed fields cannot render mentions)."""
    member = guild.get_member(user_id)
    return discord.utils.escape_markdown(member.display_name) if member else str(user_id)


@app_commands.rename(member=cmd("mentoring.avoid.member.name"))
@app_commands.describe(member=cmd("mentoring.avoid.member.description"))
async def avoid(interaction: discord.Interaction, member: discord.Member) -> None:
    """Never be paired with `member` (callback attached to /mentoring by the Separation cog)."""
    bot = binome(interaction)
    guild_id = interaction.guild_id
    assert guild_id is not None
    if member.bot:
        raise UserError("separation.avoid.bot")
    outcome = await bot.community.exclusions.avoid(guild_id, interaction.user.id, member.id)
    if isinstance(outcome, Refusal):
        raise UserError(f"separation.avoid.{outcome.value}", member=member.mention, limit=MAX_AVOIDED)
    text = tr(interaction, "separation.avoid.done", member=member.mention)
    if isinstance(outcome, Added) and outcome.paired_together:
        text += "\n" + tr(interaction, "separation.avoid.paired_now")
    await private_reply(interaction, text)


async def private_reply(interaction: discord.Interaction, text: str) -> None:
    # Ephemeral, and nobody pinged: the member named is never told.
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())


Rebuild = Callable[[discord.Interaction], Awaitable[dict]]


class AvoidListView(OwnedView):
    """Under one's own profile: a menu to take members off one's "avoid" list."""

    def __init__(self, bot: Binome, owner_id: int, locale: str, names: dict[int, str], rebuild: Rebuild) -> None:
        super().__init__(owner_id)
        self.bot = bot
        self.rebuild = rebuild
        select = discord.ui.Select(
            custom_id=temporary_id("avoid:remove"),
            placeholder=t("separation.avoid.remove_placeholder", locale),
            min_values=1,
            max_values=len(names),
            options=[
                discord.SelectOption(label=name[:MAX_OPTION_LABEL], value=str(member_id))
                for member_id, name in names.items()
            ],
        )
        select.callback = self._remove
        self.select = select
        self.add_item(select)

    async def _remove(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        removed = [int(value) for value in self.select.values]
        for member_id in removed:
            await self.bot.community.exclusions.unavoid(interaction.guild_id, self.owner_id, member_id)
        self.stop()
        fields = await self.rebuild(interaction)
        fields.setdefault("view", None)
        await interaction.response.edit_message(**fields)
        names = ", ".join(mention(member_id) for member_id in removed)
        await interaction.followup.send(
            tr(interaction, "separation.avoid.removed", members=names, count=len(removed)),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
