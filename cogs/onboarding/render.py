from __future__ import annotations

import discord

from bot.db.models import MemberProfile
from bot.domain.skills import SkillSpec
from bot.i18n import t
from cogs.catalogue.render import names_of

BRAND_COLOUR = discord.Colour(0x3B82F6)


def profile_embed(
    profile: MemberProfile,
    display_name: str,
    catalogue: list[SkillSpec],
    locale: str,
    *,
    full: bool,
    avoided: list[str] | None = None,
) -> discord.Embed:
    """The member's profile; `full` adds the private part (only ever shown to the member), with the
    names of the members they asked never to be paired with (`avoided`). Skills moderators removed
    since the member chose them are still shown, marked as removed."""
    none = t("onboarding.profile.none", locale)

    def skills(direction: str) -> str:
        chosen = [*profile.skill_keys(direction), *profile.removed_skill_keys(direction)]
        return ", ".join(names_of(chosen, catalogue, locale)) or none  # catalogue order

    embed = discord.Embed(title=t("onboarding.profile.title", locale, name=display_name), colour=BRAND_COLOUR)
    embed.add_field(name=t("onboarding.profile.teaches", locale), value=skills("teach"), inline=False)
    embed.add_field(name=t("onboarding.profile.learns", locale), value=skills("learn"), inline=False)
    languages = ", ".join(t(f"common.languages.{code}", locale) for code in profile.languages) or none
    embed.add_field(name=t("onboarding.profile.languages", locale), value=languages)
    embed.add_field(
        name=t("onboarding.profile.status", locale), value=t(f"onboarding.profile.status_{profile.status}", locale)
    )
    if full:
        in_person = t("common.yes_no.yes" if profile.in_person_ok else "common.yes_no.no", locale)
        embed.add_field(name=t("onboarding.fields.timezone", locale), value=profile.timezone)
        embed.add_field(name=t("onboarding.fields.city", locale), value=profile.city or none)
        embed.add_field(name=t("onboarding.profile.in_person", locale), value=in_person)
        embed.add_field(
            name=t("onboarding.fields.availability", locale), value=profile.availability or none, inline=False
        )
        embed.add_field(name=t("onboarding.fields.objectives", locale), value=profile.objectives or none, inline=False)
        if profile.organization:
            embed.add_field(name=t("onboarding.fields.organization", locale), value=profile.organization)
        if avoided:
            embed.add_field(name=t("separation.avoid.field", locale), value=", ".join(avoided), inline=False)
    if profile.bio:
        embed.description = profile.bio
    return embed
