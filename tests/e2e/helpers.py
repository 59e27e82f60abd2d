"""Small helpers for driving the bot's menus through the fake Discord."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.clock import SystemClock
from bot.db.engine import Database
from bot.services.membership import Membership
from demo.stage import component_id
from fake_discord.interactions import Interaction
from tests.helpers import BUSINESS_DRAFT, WEB_DRAFT

T = TypeVar("T")


async def fill_join_menus(
    fake, interaction: Interaction, user_id: int, *, teach, learn, languages=("fr",), in_person="yes"
) -> None:
    """Answer the four menus of `/mentoring join` step 1."""
    await interaction.response()
    for suffix, values in (
        (":join:teach", teach),
        (":join:learn", learn),
        (":join:languages", languages),
        (":join:in_person", [in_person]),
    ):
        selected = await fake.select(interaction, component_id(interaction, suffix), list(values), user_id)
        assert (await selected.response()).type == 6  # deferred update: the menus stay as they are


PROFILE_TEXT = {
    "timezone": "europe/paris",
    "city": "Lyon",
    "availability": "Mardi soir",
    "bio": "Community manager, 24 ans",
    "objectives": "Comprendre la finance d'une PME",
}


async def choose_zone(fake, command: Interaction, user_id: int, zone: str) -> Interaction:
    """Step 2 of `/mentoring join`: pick a zone in the menu (or "other"); the profile form opens."""
    opened = await fake.select(command, component_id(command, ":join:timezone"), [zone], user_id)
    assert (await opened.response()).type == 9, "choosing a zone opens the profile form"
    return opened


async def join(
    fake,
    guild_id: int,
    user_id: int,
    *,
    teach=("seo", "social-media"),
    learn=("finance",),
    languages=("fr",),
    text=PROFILE_TEXT,
    locale="fr",
    zone: str | None = None,
):
    """Run `/mentoring join` to the end; returns the slash-command interaction and the modal submission.
    The time zone is picked in the menu (`zone`), or typed after "other" when `text` holds one."""
    command = await fake.slash_command(guild_id, user_id, "mentoring", subcommand="join", locale=locale)
    await fill_join_menus(fake, command, user_id, teach=teach, learn=learn, languages=languages)
    step = await fake.click(command, component_id(command, ":join:continue"), user_id)
    assert (await step.response()).type == 7, "Continue should show the time-zone step"
    typed = dict(text)
    choice = zone or ("other" if "timezone" in typed else "Europe/Paris")
    if choice != "other":
        typed.pop("timezone", None)
    opened = await choose_zone(fake, command, user_id, choice)
    submitted = await fake.submit_modal(opened, typed, user_id)
    await submitted.response()
    return command, submitted


async def seed_profiles(
    database_url: str, guild_id: int, user_ids: list[int], *, languages: tuple[str, ...] | None = None
) -> None:
    """Onboard many members at once, straight through the membership service (alternating web and
    business profiles, French-speaking unless `languages` says otherwise), for tests about what
    happens after onboarding."""
    db = Database(database_url)
    membership = Membership(db, SystemClock())
    try:
        for index, user_id in enumerate(user_ids):
            draft = WEB_DRAFT if index % 2 == 0 else BUSINESS_DRAFT
            if languages is not None:
                draft = dataclasses.replace(draft, languages=set(languages))
            outcome = await membership.save(guild_id, user_id, draft)
            assert outcome.saved, outcome.issues
    finally:
        await db.close()


async def eventually(check: Callable[[], Awaitable[T]], *, timeout: float = 10, what: str = "the condition") -> T:
    """Poll the async `check()` (e.g. a database read) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := await check()):
        assert loop.time() < deadline, f"timed out after {timeout} s waiting for {what}"
        await asyncio.sleep(0.05)
    return result


async def forged_click(fake, message, custom_id: str, user_id: int):
    """A button click that no Discord client would send: `user_id` cannot see the (ephemeral) message.

    A modified client or a replayed payload can still send it; the bot must refuse it on its side.
    """
    from fake_discord.interactions import MESSAGE_COMPONENT

    msg = fake._message_target(message)  # a message, or an interaction's response message
    channel = fake.channel(msg.channel_id)
    guild = fake.guild(channel.guild_id) if channel.guild_id else None  # (None: a DM)
    payload = fake._payload(
        MESSAGE_COMPONENT,
        guild,
        channel,
        fake.user(user_id),
        {"custom_id": custom_id, "component_type": 2},
        message=msg,
    )
    return fake._send(payload, source_message_id=msg.id)


async def unpair(fake, guild, owner, member_id: int) -> None:
    """`/mentoring-admin unpair @member`, confirmed."""
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="unpair", options={"member": member_id}, locale="fr"
    )
    await command.response()
    clicked = await fake.click(command, component_id(command, ":confirm"), owner.id)
    await clicked.wait_for_edit()
