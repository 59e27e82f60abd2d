"""Paginated console lists (`pairs`, `audit`, and the lists others register in `RENDERERS`: `skills`,
`exclusions`): ◀ ▶ buttons that rebuild the page they point to.

The buttons are persistent (`binome:console:<list>:<state>:<page>:<issued>`), so they answer after
a restart too; a list older than `LIST_LIFETIME` (on the bot's clock) is "expired": its moderator is
asked to run the command again rather than paging through stale facts. Only moderators may page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import discord

from bot.client.checks import moderator_or_refuse
from bot.client.interactions import binome, reply_key
from bot.client.ui import GuardedItem

PAGE_PATTERN = r"binome:console:(?P<list>[a-z]{1,16}):(?P<state>[a-z_.]+):(?P<page>\d+):(?P<issued>\d+)"
LIST_LIFETIME = timedelta(minutes=15)

# list name → renders (interaction, state, page, issued) into message fields (embeds, view...).
Renderer = Callable[[discord.Interaction, str, int, int], Awaitable[dict]]
RENDERERS: dict[str, Renderer] = {}


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def clamp(page: int, pages: int) -> int:
    return min(max(page, 0), pages - 1)


def issued_now(interaction: discord.Interaction) -> int:
    return int(binome(interaction).clock.now().timestamp())


def nav_view(name: str, state: str, page: int, pages: int, issued: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(name, state, max(page - 1, 0), issued, label="◀", disabled=page == 0))
    view.add_item(PageButton(name, state, min(page + 1, pages - 1), issued, label="▶", disabled=page >= pages - 1))
    return view


class PageButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=PAGE_PATTERN):
    def __init__(self, name: str, state: str, page: int, issued: int, **button: object) -> None:
        super().__init__(
            discord.ui.Button(custom_id=f"binome:console:{name}:{state}:{page}:{issued}", **button)  # type: ignore[arg-type]
        )
        self.name, self.state, self.page, self.issued = name, state, page, issued

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PageButton:
        return cls(match["list"], match["state"], int(match["page"]), int(match["issued"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await moderator_or_refuse(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        age = issued_now(interaction) - self.issued
        if age > LIST_LIFETIME.total_seconds() or age < 0 or self.name not in RENDERERS:
            await reply_key(interaction, "console.pages.expired")
            return
        await interaction.response.defer()  # a large server's list takes a moment to rebuild
        fields = await RENDERERS[self.name](interaction, self.state, self.page, self.issued)
        await interaction.edit_original_response(**fields)
