"""The `/mentoring join` form: menus (skills, languages, in person), then the time zone (a menu, see
`timezone_step`), then a modal (text).

Nothing is stored until the modal passes validation: the draft lives in the view meanwhile. A
catalogue of more than 25 skills (one menu's worth) is chosen in the skill picker instead: menus per
side, with pages (`cogs.onboarding.skill_picker`). When the server keeps organizations apart, a button
asks for the member's organization or team.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import discord

from bot.client.interactions import binome, reply
from bot.client.ui import OwnedModal, OwnedView, temporary_id
from bot.domain.profiles import (
    LANGUAGES,
    MAX_AVAILABILITY,
    MAX_BIO,
    MAX_CITY,
    MAX_OBJECTIVES,
    MAX_TIMEZONE,
    Issue,
    ProfileDraft,
)
from bot.domain.skills import SkillSpec
from bot.i18n import t
from bot.services.membership import Membership
from cogs.catalogue.render import skill_side
from cogs.onboarding.organization import organization_button
from cogs.onboarding.skill_picker import SkillPicker, chosen_summary
from cogs.onboarding.timezone_step import TimezoneStep, join_zones
from cogs.pair_language.notices import after_profile_edit

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_SELECT_OPTIONS = 25  # Discord's limit per select menu


def render_issues(issues: list[Issue], locale: str, skill_name: Callable[[str], str]) -> str:
    lines = [t("onboarding.join.not_saved", locale)]
    for issue in issues:
        lines.append(
            "• "
            + t(
                f"onboarding.problems.{issue.problem.value}",
                locale,
                skills=", ".join(skill_name(v) for v in issue.values),
                value=issue.values[0] if issue.values else "",
                field=t(f"onboarding.fields.{issue.field}", locale) if issue.field else "",
                limit=issue.limit,
                count=len(issue.values),
            )
        )
    return "\n".join(lines)


class JoinView(OwnedView):
    def __init__(
        self,
        membership: Membership,
        guild_id: int,
        owner_id: int,
        locale: str,
        catalogue: list[SkillSpec],
        draft: ProfileDraft,
        is_update: bool,
        *,
        ask_organization: bool = False,
    ) -> None:
        super().__init__(owner_id)
        self.membership = membership
        self.guild_id = guild_id
        self.locale = locale
        self.catalogue = catalogue  # every skill (removed ones name what the profile had)
        self.offered = [skill for skill in catalogue if not skill.removed]
        self.paged = len(self.offered) > MAX_SELECT_OPTIONS  # the skill picker, never a cut
        self.draft = draft
        self.draft.teaches &= {skill.key for skill in self.offered}
        self.draft.learns &= {skill.key for skill in self.offered}
        self.is_update = is_update
        self.ask_organization = ask_organization
        self.step: TimezoneStep | None = None
        self.languages_before = frozenset(draft.languages) if is_update else frozenset()
        self._build()

    def reopened(self) -> JoinView:
        """The same form, fresh (after the skill picker took its place in the message)."""
        view = JoinView(
            self.membership,
            self.guild_id,
            self.owner_id,
            self.locale,
            self.catalogue,
            self.draft,
            self.is_update,
            ask_organization=self.ask_organization,
        )
        view.message = self.message
        view.languages_before = self.languages_before  # what the profile had, not the draft's edits
        return view

    def content(self) -> str:
        lines = [t("onboarding.join.intro", self.locale)]
        if self.paged:
            for direction, keys in (("teach", self.draft.teaches), ("learn", self.draft.learns)):
                summary = chosen_summary(keys, self)
                lines.append(t(f"catalogue.picker.summary_{direction}", self.locale, skills=summary))
        if self.ask_organization and self.draft.organization:
            lines.append(t("separation.organization.summary", self.locale, organization=self.draft.organization))
        return "\n".join(lines)

    def skill_name(self, key: str) -> str:
        for skill in self.catalogue:
            if skill.key == key:
                return skill.name(self.locale)
        return key

    def _skill_select(self, name: str, chosen: set[str], row: int) -> discord.ui.Select:
        options = [
            discord.SelectOption(
                label=skill.name(self.locale),
                value=skill.key,
                description=skill_side(skill, self.locale)[:100],
                default=skill.key in chosen,
            )
            for skill in self.offered
        ]
        return discord.ui.Select(
            custom_id=temporary_id(f"join:{name}"),
            placeholder=t(f"onboarding.join.{name}_placeholder", self.locale),
            min_values=0,
            max_values=len(options),
            options=options,
            row=row,
        )

    def _picker_button(self, direction: str) -> discord.ui.Button:
        button = discord.ui.Button(
            custom_id=temporary_id(f"join:pick:{direction}"),
            label=t(f"catalogue.picker.open_{direction}", self.locale),
            style=discord.ButtonStyle.secondary,
            row=0,
        )

        async def open_picker(interaction: discord.Interaction) -> None:
            self.stop()  # the picker takes this form's place; "Done" brings a fresh one back
            picker = SkillPicker(self, direction)
            await interaction.response.edit_message(content=picker.content(), view=picker)

        button.callback = open_picker
        return button

    def _build(self) -> None:
        loc = self.locale
        if self.paged:
            self.add_item(self._picker_button("teach"))
            self.add_item(self._picker_button("learn"))
        else:
            teach = self._skill_select("teach", self.draft.teaches, 0)
            learn = self._skill_select("learn", self.draft.learns, 1)

            async def on_teach(interaction: discord.Interaction) -> None:
                self.draft.teaches = set(teach.values)
                await interaction.response.defer()

            async def on_learn(interaction: discord.Interaction) -> None:
                self.draft.learns = set(learn.values)
                await interaction.response.defer()

            teach.callback, learn.callback = on_teach, on_learn
            self.add_item(teach)
            self.add_item(learn)
        languages = discord.ui.Select(
            custom_id=temporary_id("join:languages"),
            placeholder=t("onboarding.join.languages_placeholder", loc),
            min_values=0,
            max_values=len(LANGUAGES),
            options=[
                discord.SelectOption(
                    label=t(f"common.languages.{code}", loc), value=code, default=code in self.draft.languages
                )
                for code in LANGUAGES
            ],
            row=2,
        )
        in_person = discord.ui.Select(
            custom_id=temporary_id("join:in_person"),
            placeholder=t("onboarding.join.in_person_placeholder", loc),
            options=[
                discord.SelectOption(
                    label=t("onboarding.join.in_person_yes", loc),
                    value="yes",
                    default=self.is_update and self.draft.in_person_ok,
                ),
                discord.SelectOption(
                    label=t("onboarding.join.in_person_no", loc),
                    value="no",
                    default=self.is_update and not self.draft.in_person_ok,
                ),
            ],
            row=3,
        )
        proceed = discord.ui.Button(
            custom_id=temporary_id("join:continue"),
            label=t("onboarding.join.continue", loc),
            style=discord.ButtonStyle.primary,
            row=4,
        )
        cancel = discord.ui.Button(
            custom_id=temporary_id("join:cancel"),
            label=t("common.buttons.cancel", loc),
            style=discord.ButtonStyle.secondary,
            row=4,
        )

        async def on_languages(interaction: discord.Interaction) -> None:
            self.draft.languages = set(languages.values)
            await interaction.response.defer()

        async def on_in_person(interaction: discord.Interaction) -> None:
            self.draft.in_person_ok = in_person.values == ["yes"]
            await interaction.response.defer()

        languages.callback, in_person.callback = on_languages, on_in_person
        proceed.callback, cancel.callback = self.on_continue, self.on_cancel
        for item in (languages, in_person, proceed, cancel):
            self.add_item(item)
        if self.ask_organization:
            self.add_item(organization_button(self, row=4))

    async def on_continue(self, interaction: discord.Interaction) -> None:
        issues = Membership.first_step_issues(self.draft, self.catalogue)
        if issues:
            await reply(interaction, render_issues(issues, self.locale, self.skill_name))
            return
        # The time-zone step takes over the message (its menu opens the form).
        bot = binome(interaction)
        config = await bot.guild_configs.get(self.guild_id)
        program = bot.moderators_locale(interaction.guild) if interaction.guild else self.locale
        zones = join_zones(program, [self.draft.timezone, config.timezone])

        async def open_form(form_interaction: discord.Interaction, ask_zone: bool) -> None:
            await form_interaction.response.send_modal(ProfileModal(self, with_timezone=ask_zone))

        self.stop()
        self.step = TimezoneStep(
            self.owner_id, self.locale, self.draft, zones, bot.clock.now(), open_form, timeout=self.timeout
        )
        self.step.message = self.message
        await interaction.response.edit_message(content=t("onboarding.timezone.intro", self.locale), view=self.step)

    async def on_cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=t("onboarding.join.cancelled", self.locale), view=None)

    async def finish(self, interaction: discord.Interaction) -> None:
        outcome = await self.membership.save(
            self.guild_id, self.owner_id, self.draft, discord_locale=str(interaction.locale)
        )
        if not outcome.saved:
            # The menus stay open: the member fixes the text and presses Continue again.
            await reply(interaction, render_issues(outcome.issues, self.locale, self.skill_name))
            return
        self.stop()
        if self.step is not None:
            self.step.stop()
        key = "onboarding.join.saved_new" if outcome.created else "onboarding.join.saved_updated"
        lines = [t(key, self.locale)]
        if not outcome.created:  # their pair's language may no longer be one both speak
            lines += await after_profile_edit(interaction, self.locale, before=self.languages_before)
        await interaction.response.edit_message(content="\n".join(lines), view=None)


class ProfileModal(OwnedModal):
    def __init__(self, view: JoinView, *, with_timezone: bool = True) -> None:
        """`with_timezone`: the zone is typed here ("Other…" in the time-zone menu), else it was picked."""
        loc, draft = view.locale, view.draft
        # Modal custom ids must be unique per open modal: discord.py keys open modals by it.
        super().__init__(
            title=t("onboarding.join.modal_title", loc),
            custom_id=temporary_id(f"join:modal:{view.owner_id}:{secrets.token_hex(4)}"),
            timeout=view.timeout,
        )
        self.join_view = view

        def field(name: str, value: str, max_length: int, **kwargs: object) -> discord.ui.TextInput:
            text = discord.ui.TextInput(
                label=t(f"onboarding.join.field_{name}", loc),
                custom_id=name,
                default=value or None,
                max_length=max_length,
                **kwargs,  # type: ignore[arg-type]
            )
            self.add_item(text)
            return text

        self.timezone = (
            field("timezone", draft.timezone, MAX_TIMEZONE, placeholder="Europe/Paris") if with_timezone else None
        )
        self.city = field("city", draft.city, MAX_CITY, required=False)
        self.availability = field(
            "availability",
            draft.availability,
            MAX_AVAILABILITY,
            required=False,
            placeholder=t("onboarding.join.placeholder_availability", loc),
        )
        self.bio = field("bio", draft.bio, MAX_BIO, required=False, style=discord.TextStyle.paragraph)
        self.objectives = field(
            "objectives",
            draft.objectives,
            MAX_OBJECTIVES,
            required=False,
            style=discord.TextStyle.paragraph,
            placeholder=t("onboarding.join.placeholder_objectives", loc),
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.join_view.interaction_check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        draft = self.join_view.draft
        if self.timezone is not None:
            draft.timezone = self.timezone.value
        draft.city = self.city.value
        draft.availability = self.availability.value
        draft.bio = self.bio.value
        draft.objectives = self.objectives.value
        await self.join_view.finish(interaction)
