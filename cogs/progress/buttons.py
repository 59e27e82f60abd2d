"""The progress buttons, persistent (`binome:progress:<pair>:<cycle>:<stage>:<action>`): "Where I
stand" (rate), "Our progress" (show), and the answers to "who led most?". The signed charter carries
the first two for the charter's stage, each cycle check-in for its own stage. The button names its
cycle, so one of an earlier cycle is recognised as such."""

from __future__ import annotations

import re

import discord

from bot.client.ui import GuardedItem
from bot.domain.progress import LedMost, ProgressStage
from bot.i18n import t

PROGRESS_ID = "binome:progress:{pair_id}:{cycle}:{stage}:{action}"
PROGRESS_PATTERN = (
    r"binome:progress:(?P<pair_id>\d+):(?P<cycle>\d+):(?P<stage>start|mid|end):(?P<action>rate|show|led-[a-z]+)"
)
LED = {f"led-{answer.value}": answer for answer in LedMost}


class ProgressButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=PROGRESS_PATTERN):
    def __init__(self, pair_id: int, cycle: int, stage: ProgressStage, action: str, **button: object) -> None:
        custom_id = PROGRESS_ID.format(pair_id=pair_id, cycle=cycle, stage=stage.value, action=action)
        super().__init__(discord.ui.Button(custom_id=custom_id, **button))  # type: ignore[arg-type]
        self.pair_id, self.cycle, self.stage, self.action = pair_id, cycle, stage, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ProgressButton:
        return cls(int(match["pair_id"]), int(match["cycle"]), ProgressStage(match["stage"]), match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.progress import rating  # the flows need the pair cogs, which import these buttons

        if self.action == "rate":
            await rating.open_form(interaction, self.pair_id, self.cycle, self.stage)
        elif self.action == "show":
            await rating.show(interaction, self.pair_id, self.cycle)
        elif self.action in LED:
            await rating.led_most(interaction, self.pair_id, self.cycle, self.stage, LED[self.action])
        else:  # a forged id ("led-nobody")
            await rating.unknown(interaction)


def progress_buttons(pair_id: int, cycle: int, stage: ProgressStage, locale: str) -> list[ProgressButton]:
    """ "Where I stand" and "Our progress", for a message of the pair channel (charter, check-in)."""
    return [
        ProgressButton(
            pair_id, cycle, stage, "rate", label=t(f"progress.buttons.rate_{stage.value}", locale), emoji="📈"
        ),
        ProgressButton(pair_id, cycle, stage, "show", label=t("progress.buttons.show", locale)),
    ]


def led_view(pair_id: int, cycle: int, stage: ProgressStage, locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action, answer in LED.items():
        label = t(f"progress.led.{answer.value}", locale)
        view.add_item(ProgressButton(pair_id, cycle, stage, action, label=label, style=discord.ButtonStyle.secondary))
    return view
