"""`/mentoring-admin skills` [`competences`]: `list`, `add`, `rename`, `remove` — the server's own skill
catalogue, with a French and an English label and a side for each skill. The group is added to the
`/mentoring-admin` group (defined by the Admin cog); every command is checked server-side and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client.checks import moderator_only
from bot.client.groups import GroupExtension
from bot.client.interactions import UserError, binome, locale_of, reply, tr
from bot.client.moderators import record_action
from bot.client.translator import cmd
from bot.client.ui import ConfirmView
from bot.domain.catalogue import BUILT_IN_SIDES, MAX_LABEL, MAX_SKILLS, normalized, side_order
from bot.domain.skills import SkillSpec
from bot.i18n import SUPPORTED, t
from bot.services.audit import Action
from bot.services.catalogue import CatalogueError
from cogs.catalogue.render import LINES_PER_PAGE, list_lines, side_label, skill_side
from cogs.console.pages import RENDERERS, clamp, issued_now, nav_view, page_count

if TYPE_CHECKING:
    from bot.client.bot import Binome

MAX_CHOICES = 25  # Discord's limit of autocomplete suggestions
MAX_CHOICE_NAME = 100


def refused(error: CatalogueError, locale: str) -> UserError:
    """The service's refusal as the member's localized reply (the language and side named)."""
    params = dict(error.params)
    if "language" in params:
        params["language"] = t(f"catalogue.label_in.{params['language']}", locale)
    if "side" in params:
        params["side"] = side_label(str(params["side"]), None, locale)
    params.setdefault("limit", MAX_LABEL)
    return UserError(f"catalogue.errors.{error.key}", **params)


def built_in_side(text: str) -> str:
    """ "web" or "business" when `text` names one of them in either language; else `text` itself."""
    wanted = normalized(text)
    for side in BUILT_IN_SIDES:
        if wanted == side or any(wanted == normalized(t(f"catalogue.sides.{side}", lang)) for lang in SUPPORTED):
            return side
    return text


# --- the list (paginated with the console's persistent buttons) -------------------------------


async def render_list(interaction: discord.Interaction, state: str, page: int, issued: int) -> dict:
    bot = binome(interaction)
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    catalogue = await bot.community.skills.all(interaction.guild_id)
    lines = list_lines(catalogue, locale)
    pages = page_count(len(lines), LINES_PER_PAGE)
    page = clamp(page, pages)
    live = sum(not skill.removed for skill in catalogue)
    removed = len(catalogue) - live
    footer = [t("catalogue.list.footer", locale, count=live, limit=MAX_SKILLS)]
    if removed:
        footer.append(t("catalogue.list.removed", locale, count=removed))
    embed = discord.Embed(
        title=t("catalogue.list.title", locale),
        description="\n".join(lines[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]),
        colour=discord.Colour.teal(),
    )
    embed.set_footer(text=" · ".join([t("console.pages.footer", locale, page=page + 1, pages=pages), *footer]))
    return {"content": None, "embeds": [embed], "view": nav_view("skills", state, page, pages, issued)}


RENDERERS["skills"] = render_list


@moderator_only
async def list_skills(interaction: discord.Interaction) -> None:
    fields = await render_list(interaction, "all", 0, issued_now(interaction))
    await reply(interaction, embeds=fields["embeds"], **({"view": fields["view"]} if fields["view"] else {}))


# --- add, rename, remove ------------------------------------------------------------------------


async def skill_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Live skills whose label (in either language) contains what is typed, in the reader's language."""
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    wanted = normalized(current)
    choices = []
    for skill in await binome(interaction).community.skills.all(interaction.guild_id):
        if skill.removed or (wanted and wanted not in normalized(f"{skill.name_fr} {skill.name_en}")):
            continue
        name = f"{skill.name(locale)} · {skill_side(skill, locale)}"[:MAX_CHOICE_NAME]
        choices.append(app_commands.Choice(name=name, value=skill.key))
        if len(choices) == MAX_CHOICES:
            break
    return choices


async def side_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The sides there are (web, business, moderators' ones); typing a new name makes a new side."""
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    catalogue = [s for s in await binome(interaction).community.skills.all(interaction.guild_id) if not s.removed]
    names = {s.side: s.side_name for s in catalogue}
    wanted = normalized(current)
    choices = []
    for side in side_order(catalogue):
        label = side_label(side, names.get(side), locale)
        if not wanted or wanted in normalized(label):
            value = side if side in BUILT_IN_SIDES else label
            choices.append(app_commands.Choice(name=label[:MAX_CHOICE_NAME], value=value[:MAX_CHOICE_NAME]))
    return choices[:MAX_CHOICES]


async def find_skill(interaction: discord.Interaction, text: str) -> SkillSpec:
    assert interaction.guild_id is not None
    skill = await binome(interaction).community.skills.find(interaction.guild_id, text, locale_of(interaction))
    if skill is None:
        raise UserError("catalogue.errors.unknown", skill=text[:MAX_LABEL])
    return skill


def both_labels(skill: SkillSpec) -> str:
    return f"{skill.name_fr} / {skill.name_en}"


@app_commands.rename(
    french=cmd("admin.skills.add.french.name"),
    english=cmd("admin.skills.add.english.name"),
    side=cmd("admin.skills.add.side.name"),
)
@app_commands.describe(
    french=cmd("admin.skills.add.french.description"),
    english=cmd("admin.skills.add.english.description"),
    side=cmd("admin.skills.add.side.description"),
)
@moderator_only
async def add_skill(interaction: discord.Interaction, french: str, english: str, side: str) -> None:
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    try:
        change = await binome(interaction).community.skills.add(
            interaction.guild_id, french, english, built_in_side(side)
        )
    except CatalogueError as error:
        raise refused(error, locale) from error
    skill = change.skill
    await reply(
        interaction,
        tr(interaction, "catalogue.add.done", fr=skill.name_fr, en=skill.name_en, side=skill_side(skill, locale))
        + "\n"
        + tr(interaction, "catalogue.add.count", count=change.live, limit=MAX_SKILLS),
    )
    await record_action(
        interaction, Action.SKILL_ADDED, skill=both_labels(skill), side=skill_side(skill, locale), key=skill.key
    )


@app_commands.rename(
    skill=cmd("admin.skills.skill.name"),
    french=cmd("admin.skills.rename.french.name"),
    english=cmd("admin.skills.rename.english.name"),
)
@app_commands.describe(
    skill=cmd("admin.skills.skill.description"),
    french=cmd("admin.skills.rename.french.description"),
    english=cmd("admin.skills.rename.english.description"),
)
@moderator_only
async def rename_skill(
    interaction: discord.Interaction, skill: str, french: str | None = None, english: str | None = None
) -> None:
    assert interaction.guild_id is not None
    found = await find_skill(interaction, skill)
    try:
        change = await binome(interaction).community.skills.rename(interaction.guild_id, found.key, french, english)
    except CatalogueError as error:
        raise refused(error, locale_of(interaction)) from error
    assert change.before is not None
    old, new = both_labels(change.before), both_labels(change.skill)
    await reply(interaction, tr(interaction, "catalogue.rename.done", old=old, new=new))
    await record_action(interaction, Action.SKILL_RENAMED, old=old, new=new, key=change.skill.key)


@app_commands.rename(skill=cmd("admin.skills.skill.name"))
@app_commands.describe(skill=cmd("admin.skills.skill.description"))
@moderator_only
async def remove_skill(interaction: discord.Interaction, skill: str) -> None:
    """A skill nobody uses goes at once; one in use asks first, saying how many members and pairs use it."""
    bot = binome(interaction)
    guild_id = interaction.guild_id
    assert guild_id is not None
    locale = locale_of(interaction)
    found = await find_skill(interaction, skill)
    try:
        check = await bot.community.skills.check_removal(guild_id, found.key)
    except CatalogueError as error:
        raise refused(error, locale) from error

    async def remove(answer: discord.Interaction) -> str:
        try:
            change = await bot.community.skills.remove(guild_id, found.key)
        except CatalogueError as error:  # changed meanwhile (another moderator removed it, or its side's other skills)
            problem = refused(error, locale)
            return t(problem.key, locale, **problem.params)
        usage = change.usage
        await record_action(
            answer,
            Action.SKILL_REMOVED,
            skill=both_labels(found),
            key=found.key,
            members=usage.members,
            pairs=usage.pairs,
        )
        return tr(answer, "catalogue.remove.done", skill=found.name(locale), count=change.live)

    if not check.usage.in_use:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content=await remove(interaction))
        return
    text = tr(
        interaction,
        "catalogue.remove.confirm",
        skill=found.name(locale),
        members=tr(interaction, "catalogue.remove.members", count=check.usage.members),
        pairs=tr(interaction, "catalogue.remove.pairs", count=check.usage.pairs),
    )
    view = ConfirmView(interaction.user.id, locale, remove, danger=True)
    await reply(interaction, text, view=view)  # ephemeral: a moderator's screen
    view.message = await interaction.original_response()


def skills_group() -> app_commands.Group:
    """A fresh group (a command belongs to one group, and tests build several bots)."""
    group = app_commands.Group(name=cmd("admin.skills.name"), description=cmd("admin.skills.description"))
    for name, callback in (
        ("list", list_skills),
        ("add", add_skill),
        ("rename", rename_skill),
        ("remove", remove_skill),
    ):
        command = app_commands.Command(
            name=cmd(f"admin.skills.{name}.name"),
            description=cmd(f"admin.skills.{name}.description"),
            callback=callback,
        )
        if name == "add":
            command.autocomplete("side")(side_choices)
        elif name != "list":
            command.autocomplete("skill")(skill_choices)
        group.add_command(command)
    return group


class SkillsAdmin(GroupExtension, commands.Cog):
    """Adds `skills` to `/mentoring-admin`."""

    def __init__(self, bot: Binome) -> None:
        self.bot = bot
        self._extends = {"Admin": [skills_group()]}
