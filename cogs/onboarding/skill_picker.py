"""Choosing skills in a catalogue of any size: menus per side (25 skills each, Discord's limit), four to
a page, with ◀ ▶ between pages. Nothing is cut: every skill of the catalogue is in one of the menus
(`bot.domain.catalogue.menus`). The picker replaces the join form's menus in the same message and
gives it back with "Done"; what is chosen lives in the join form's draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.client.ui import OwnedView, temporary_id
from bot.domain.catalogue import Menu, choose_in_menu, menus, pages
from bot.i18n import t
from cogs.catalogue.render import names_of, skill_side

if TYPE_CHECKING:
    from cogs.onboarding.join_flow import JoinView

SUMMARY_NAMES = 15  # names listed in a summary line; the rest are counted ("and 4 more")


def chosen_summary(keys: set[str], view: JoinView) -> str:
    names = names_of(keys, view.catalogue, view.locale)
    if not names:
        return t("onboarding.profile.none", view.locale)
    shown = ", ".join(names[:SUMMARY_NAMES])
    if len(names) > SUMMARY_NAMES:
        shown = t("catalogue.picker.and_more", view.locale, names=shown, count=len(names) - SUMMARY_NAMES)
    return shown


class SkillPicker(OwnedView):
    def __init__(self, join_view: JoinView, direction: str, page: int = 0) -> None:
        super().__init__(join_view.owner_id)
        self.join_view = join_view
        self.direction = direction  # "teach" or "learn"
        self.menus = menus(join_view.catalogue)
        self.pages = pages(self.menus)
        self.page = min(max(page, 0), len(self.pages) - 1)
        self.message = join_view.message
        self._build()

    @property
    def chosen(self) -> set[str]:
        draft = self.join_view.draft
        return draft.teaches if self.direction == "teach" else draft.learns

    def _choose(self, keys: set[str]) -> None:
        if self.direction == "teach":
            self.join_view.draft.teaches = keys
        else:
            self.join_view.draft.learns = keys

    def content(self) -> str:
        loc = self.join_view.locale
        return t(
            f"catalogue.picker.{self.direction}",
            loc,
            page=self.page + 1,
            pages=len(self.pages),
            chosen=chosen_summary(self.chosen, self.join_view),
        )

    def _menu(self, menu: Menu, number: int, row: int) -> discord.ui.Select:
        loc = self.join_view.locale
        side = skill_side(menu.skills[0], loc)
        placeholder = (
            side if menu.parts == 1 else t("catalogue.picker.part", loc, side=side, part=menu.part, parts=menu.parts)
        )
        select = discord.ui.Select(
            custom_id=temporary_id(f"join:{self.direction}:m{number}"),
            placeholder=placeholder[:150],
            min_values=0,
            max_values=len(menu.skills),
            options=[
                discord.SelectOption(
                    label=skill.name(loc), value=skill.key, description=side[:100], default=skill.key in self.chosen
                )
                for skill in menu.skills
            ],
            row=row,
        )

        async def on_select(interaction: discord.Interaction) -> None:
            self._choose(choose_in_menu(self.chosen, menu, select.values))
            await interaction.response.edit_message(content=self.content())

        select.callback = on_select
        return select

    def _build(self) -> None:
        loc = self.join_view.locale
        first = sum(len(page) for page in self.pages[: self.page])
        for row, menu in enumerate(self.pages[self.page]):
            self.add_item(self._menu(menu, first + row, row))
        if len(self.pages) > 1:
            for name, label, target in (("prev", "◀", self.page - 1), ("next", "▶", self.page + 1)):
                button = discord.ui.Button(
                    custom_id=temporary_id(f"join:pick:{name}"),
                    label=label,
                    disabled=not 0 <= target < len(self.pages),
                    row=4,
                )
                button.callback = self._go(target)
                self.add_item(button)
        done = discord.ui.Button(
            custom_id=temporary_id("join:pick:done"),
            label=t("catalogue.picker.done", loc),
            style=discord.ButtonStyle.primary,
            row=4,
        )
        done.callback = self._done
        self.add_item(done)

    def _go(self, page: int):
        async def go(interaction: discord.Interaction) -> None:
            self.stop()
            picker = SkillPicker(self.join_view, self.direction, page)
            await interaction.response.edit_message(content=picker.content(), view=picker)

        return go

    async def _done(self, interaction: discord.Interaction) -> None:
        self.stop()
        form = self.join_view.reopened()
        await interaction.response.edit_message(content=form.content(), view=form)
