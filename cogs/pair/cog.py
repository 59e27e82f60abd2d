from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.client.translator import cmd
from bot.domain.slots import REMINDER_CHOICES
from cogs.meetings import slot as meeting_slot
from cogs.pair import charter, checkins, ending, weekly
from cogs.pair.context import pair_here

if TYPE_CHECKING:
    from bot.client.bot import Binome

MAX_NOTE = 500
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@app_commands.guild_only()
class PairCommands(commands.GroupCog, group_name=cmd("pair.name"), group_description=cmd("pair.description")):
    """The `/pair` commands; each feature module does the work."""

    def __init__(self, bot: Binome) -> None:
        self.bot = bot

    @app_commands.command(name=cmd("pair.charter.name"), description=cmd("pair.charter.description"))
    async def charter(self, interaction: discord.Interaction) -> None:
        await charter.open_charter(interaction, await pair_here(interaction))

    @app_commands.command(name=cmd("pair.goal.name"), description=cmd("pair.goal.description"))
    @app_commands.rename(progress=cmd("pair.goal.progress.name"), note=cmd("pair.goal.note.name"))
    @app_commands.describe(progress=cmd("pair.goal.progress.description"), note=cmd("pair.goal.note.description"))
    async def goal(
        self,
        interaction: discord.Interaction,
        progress: app_commands.Range[int, 0, 100] | None = None,
        note: app_commands.Range[str, 1, MAX_NOTE] | None = None,
    ) -> None:
        await charter.show_or_update_goal(interaction, await pair_here(interaction), progress, note)

    @app_commands.command(name=cmd("pair.week.name"), description=cmd("pair.week.description"))
    async def week(self, interaction: discord.Interaction) -> None:
        await weekly.show_week(interaction, await pair_here(interaction))

    @app_commands.command(name=cmd("pair.swap.name"), description=cmd("pair.swap.description"))
    async def swap(self, interaction: discord.Interaction) -> None:
        await weekly.propose_swap(interaction, await pair_here(interaction))

    @app_commands.command(name=cmd("pair.log.name"), description=cmd("pair.log.description"))
    @app_commands.rename(
        held=cmd("pair.log.held.name"),
        mode=cmd("pair.log.mode.name"),
        minutes=cmd("pair.log.minutes.name"),
        led_by=cmd("pair.log.led_by.name"),
        date=cmd("pair.log.date.name"),
        note=cmd("pair.log.note.name"),
    )
    @app_commands.describe(
        held=cmd("pair.log.held.description"),
        mode=cmd("pair.log.mode.description"),
        minutes=cmd("pair.log.minutes.description"),
        led_by=cmd("pair.log.led_by.description"),
        date=cmd("pair.log.date.description"),
        note=cmd("pair.log.note.description"),
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name=cmd("pair.log.mode.in_person"), value="in_person"),
            app_commands.Choice(name=cmd("pair.log.mode.video"), value="video"),
        ]
    )
    async def log(
        self,
        interaction: discord.Interaction,
        held: bool,
        mode: app_commands.Choice[str] | None = None,
        minutes: app_commands.Range[int, 5, 600] | None = None,
        led_by: discord.Member | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
        note: app_commands.Range[str, 1, MAX_NOTE] | None = None,
    ) -> None:
        pair = await pair_here(interaction)
        await checkins.log_session(
            interaction,
            pair,
            held=held,
            mode=mode.value if mode else None,
            minutes=minutes,
            led_by=led_by.id if led_by else None,
            date_text=date,
            note=note or "",
        )

    @log.autocomplete("date")
    async def log_date(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await checkins.date_choices(interaction, current)

    @app_commands.command(name=cmd("pair.slot.name"), description=cmd("pair.slot.description"))
    @app_commands.rename(
        day=cmd("pair.slot.day.name"),
        time=cmd("pair.slot.time.name"),
        length=cmd("pair.slot.length.name"),
        reminder=cmd("pair.slot.reminder.name"),
    )
    @app_commands.describe(
        day=cmd("pair.slot.day.description"),
        time=cmd("pair.slot.time.description"),
        length=cmd("pair.slot.length.description"),
        reminder=cmd("pair.slot.reminder.description"),
    )
    @app_commands.choices(
        day=[app_commands.Choice(name=cmd(f"admin.setup.weekday.{d}"), value=n) for n, d in enumerate(WEEKDAYS)],
        reminder=[app_commands.Choice(name=cmd(f"pair.slot.reminder.{k}"), value=k) for k in REMINDER_CHOICES],
    )
    @app_commands.autocomplete(time=meeting_slot.time_autocomplete)
    async def slot(
        self,
        interaction: discord.Interaction,
        day: app_commands.Choice[int] | None = None,
        time: app_commands.Range[str, 1, 5] | None = None,
        length: int | None = None,
        reminder: app_commands.Choice[str] | None = None,
    ) -> None:
        await meeting_slot.slot_command(
            interaction,
            await pair_here(interaction),
            day=day.value if day else None,
            time_text=time,
            length=length,
            reminder=reminder.value if reminder else None,
        )

    @app_commands.command(name=cmd("pair.end.name"), description=cmd("pair.end.description"))
    async def end(self, interaction: discord.Interaction) -> None:
        await ending.propose_end(interaction, await pair_here(interaction, moderators_too=True))
