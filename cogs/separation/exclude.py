"""`/mentoring-admin exclude @a @b` [`exclure`]: moderators never want these two paired. Without
members: the list of exclusions (paginated), with a menu to remove some. Audited both ways."""

from __future__ import annotations

import re

import discord
from discord import app_commands

from bot.client.checks import moderator_only, moderator_or_refuse
from bot.client.interactions import UserError, binome, locale_of, mention, reply, reply_key, tr
from bot.client.moderators import record_action
from bot.client.translator import cmd
from bot.client.ui import GuardedItem
from bot.i18n import t
from bot.i18n.dates import discord_timestamp
from bot.services.audit import Action
from bot.services.exclusions import Added, Refusal
from cogs.console.pages import LIST_LIFETIME, RENDERERS, clamp, issued_now, nav_view, page_count
from cogs.separation.avoid import member_name

PER_PAGE = 20
REMOVE_PATTERN = r"binome:exclusion:remove:(?P<page>\d+):(?P<issued>\d+)"


async def render_list(interaction: discord.Interaction, state: str, page: int, issued: int) -> dict:
    bot = binome(interaction)
    guild = interaction.guild
    assert guild is not None
    locale = locale_of(interaction)
    exclusions = await bot.community.exclusions.exclusions(guild.id)
    pages = page_count(len(exclusions), PER_PAGE)
    page = clamp(page, pages)
    shown = exclusions[page * PER_PAGE : (page + 1) * PER_PAGE]
    lines = [
        t("separation.exclude.line", locale, a=mention(e.a), b=mention(e.b), since=discord_timestamp(e.created_at, "D"))
        for e in shown
    ]
    embed = discord.Embed(
        title=t("separation.exclude.title", locale, count=len(exclusions)),
        description="\n".join(lines) or t("separation.exclude.none", locale),
        colour=discord.Colour.dark_red(),
    )
    embed.set_footer(text=t("console.pages.footer", locale, page=page + 1, pages=pages))
    view = nav_view("exclusions", state, page, pages, issued) or discord.ui.View(timeout=None)
    if shown:
        options = [
            discord.SelectOption(
                label=f"{member_name(guild, e.a)} ↔ {member_name(guild, e.b)}"[:100], value=f"{e.a}-{e.b}"
            )
            for e in shown
        ]
        view.add_item(
            RemoveExclusions(
                page,
                issued,
                placeholder=t("separation.exclude.remove_placeholder", locale),
                options=options,
                max_values=len(options),
            )
        )
    return {"content": None, "embeds": [embed], "view": view}


RENDERERS["exclusions"] = render_list


class RemoveExclusions(GuardedItem, discord.ui.DynamicItem[discord.ui.Select], template=REMOVE_PATTERN):
    """The list's menu: remove the chosen exclusions (persistent, moderators only)."""

    def __init__(self, page: int, issued: int, **select: object) -> None:
        super().__init__(
            discord.ui.Select(custom_id=f"binome:exclusion:remove:{page}:{issued}", row=1, **select)  # type: ignore[arg-type]
        )
        self.page, self.issued = page, issued

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]
    ) -> RemoveExclusions:
        return cls(int(match["page"]), int(match["issued"]), options=item.options or [discord.SelectOption(label="-")])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await moderator_or_refuse(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        age = issued_now(interaction) - self.issued
        if age > LIST_LIFETIME.total_seconds() or age < 0:
            await reply_key(interaction, "console.pages.expired")
            return
        assert interaction.guild_id is not None
        await interaction.response.defer()
        exclusions = binome(interaction).community.exclusions
        removed = []
        for value in (interaction.data or {}).get("values", []):  # type: ignore[union-attr]
            a, _, b = str(value).partition("-")
            if a.isdigit() and b.isdigit() and await exclusions.unexclude(interaction.guild_id, int(a), int(b)):
                removed.append((int(a), int(b)))
        for a, b in removed:
            await record_action(interaction, Action.EXCLUSION_REMOVED, targets=(a, b))
        await interaction.edit_original_response(**await render_list(interaction, "all", self.page, self.issued))


def _human(member: discord.Member | None) -> None:
    if member is not None and member.bot:
        raise UserError("separation.exclude.bot")


@app_commands.rename(first=cmd("admin.exclude.first.name"), second=cmd("admin.exclude.second.name"))
@app_commands.describe(first=cmd("admin.exclude.first.description"), second=cmd("admin.exclude.second.description"))
@moderator_only
async def exclude(
    interaction: discord.Interaction, first: discord.Member | None = None, second: discord.Member | None = None
) -> None:
    """Exclude two members from being paired; without members, list the exclusions."""
    bot = binome(interaction)
    assert interaction.guild_id is not None
    if first is None and second is None:
        fields = await render_list(interaction, "all", 0, issued_now(interaction))
        await reply(interaction, embeds=fields["embeds"], view=fields["view"])
        return
    if first is None or second is None:
        raise UserError("separation.exclude.both_or_none")
    _human(first)
    _human(second)
    outcome = await bot.community.exclusions.exclude(interaction.guild_id, first.id, second.id, interaction.user.id)
    if isinstance(outcome, Refusal):
        raise UserError(f"separation.exclude.{outcome.value}", a=first.mention, b=second.mention)
    text = tr(interaction, "separation.exclude.done", a=first.mention, b=second.mention)
    if isinstance(outcome, Added) and outcome.paired_together:
        text += "\n" + tr(interaction, "separation.exclude.paired_now")
    await reply(interaction, text)
    await record_action(interaction, Action.EXCLUSION_ADDED, targets=(first.id, second.id))
