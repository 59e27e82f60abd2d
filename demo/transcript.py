"""What the demo shows, as plain data: every channel the community could see (and each member's DMs),
each message as the bot left it, and each interaction a member sent with the private ("only you can
see this") answers it got. Captured from the local Discord at the end of the run; the page is drawn
from this data (`render.py`) and the demo's test reads it (`transcript.json` beside the page)."""

from __future__ import annotations

import bisect
from datetime import datetime
from pathlib import Path
from typing import Any

from demo.stage import Action, Stage
from fake_discord import FakeDiscord
from fake_discord.models import CATEGORY, DM, LOADING, TEXT, Message

PAIR_TOPIC = "[binome:"


def capture(stage: Stage, *, moderators_channel: int | None, files_dir: Path) -> dict[str, Any]:
    fake = stage.fake
    guild = fake.guild(stage.guild_id)
    clock = _Clock(stage.timeline)
    files_dir.mkdir(parents=True, exist_ok=True)
    actions_by_channel: dict[int, list[Action]] = {}
    for action in stage.actions:
        actions_by_channel.setdefault(action.interaction.channel_id, []).append(action)

    def message(m: Message, version: dict[str, Any] | None = None) -> dict[str, Any]:
        """A message as it is now, or as it was (`version`: one of its earlier snapshots)."""
        attachments = []
        for attachment in m.attachments:
            name = f"{m.id}-{attachment.filename}"
            (files_dir / name).write_bytes(attachment.data)
            attachments.append({"filename": attachment.filename, "file": f"{files_dir.name}/{name}"})
        first = m.history[0].get("content") if m.history else None
        shown = version or {"content": m.content, "embeds": m.embeds, "components": m.components}
        return {
            "type": "system" if m.type == 6 else "message",
            "id": str(m.id),
            "author": str(m.author.id),
            "at": clock.at(datetime.fromisoformat(m.timestamp).timestamp()).isoformat(),
            "content": shown.get("content") or "",
            "first_content": first if first is not None else (m.content or ""),
            # (a deferred answer replacing its "thinking…" is not an edit for Discord either)
            "edited": any(not int(v.get("flags") or 0) & LOADING for v in m.history) and version is None,
            "embeds": shown.get("embeds") or [],
            "components": shown.get("components") or [],
            "attachments": attachments,
            "pinned": m.pinned,
            "ephemeral": m.ephemeral,
            "real": datetime.fromisoformat(m.timestamp).timestamp(),
        }

    # The last interaction that changed each private answer (a click on its buttons): the answer's
    # final version is drawn under it, its first version under the command that opened it.
    last_update = {}
    for a in stage.actions:
        callback = a.interaction.callback
        if a.interaction.source_message_id and callback is not None and callback.type in (6, 7):
            last_update[a.interaction.source_message_id] = a.interaction.id

    def first_version(m: Message) -> dict[str, Any] | None:
        shown = [v for v in m.history if not int(v.get("flags") or 0) & LOADING]
        return shown[0] if shown else None

    def action(a: Action) -> dict[str, Any]:
        interaction = a.interaction
        answers = {m.id: m for m in [interaction.original_message, *interaction.followups] if m is not None}
        replies = [
            message(m, first_version(m) if last_update.get(m.id) else None)
            for m in answers.values()
            if m.interaction_id == interaction.id and m.ephemeral and not m.deleted
        ]
        source = interaction.source_message
        if source is not None and source.ephemeral and last_update.get(source.id) == interaction.id and source.history:
            replies.append({**message(source), "updated": True})
        callback = interaction.callback
        return {
            "type": "action",
            "id": str(interaction.id),
            "kind": a.kind,
            "user": str(a.user_id),
            "label": a.label,
            "values": a.values,
            "at": a.sim_at.isoformat(),
            "replies": replies,
            "modal": callback.title if callback is not None and callback.type == 9 else None,
            "updated": bool(callback is not None and callback.type == 7),
            "rejected": [list(r) for r in interaction.rejected],
            "real": a.real_at,
        }

    def entries(channel_id: int) -> list[dict[str, Any]]:
        shown = [message(m) for m in fake.messages(channel_id, system=True)]
        shown += [action(a) for a in actions_by_channel.get(channel_id, [])]
        return sorted(shown, key=lambda e: e["real"])

    categories = {c.id: c.name for c in guild.channels.values() if c.type == CATEGORY}
    channels = []

    def order(channel) -> tuple:  # the server's channels as created, then the pair channels by name
        pair = PAIR_TOPIC in (channel.topic or "")
        return (pair, channel.name if pair else "", channel.id)

    for channel in sorted(guild.channels.values(), key=order):
        if channel.type != TEXT:
            continue
        kind = "pair" if PAIR_TOPIC in (channel.topic or "") else "text"
        if channel.id == moderators_channel:
            kind = "moderators"
        members = [str(i) for i, o in channel.overwrites.items() if o.type == 1 and i != fake.bot_user.id]
        channels.append(
            {
                "id": str(channel.id),
                "name": channel.name,
                "kind": kind,
                "category": categories.get(channel.parent_id),
                "topic": channel.topic,
                "members": members if kind == "pair" else [],
                "entries": entries(channel.id),
            }
        )
    dms = {c.id: c for c in [*fake.world.channels.values(), *fake.world.dm_channels.values()] if c.type == DM}
    for channel in sorted(dms.values(), key=lambda c: c.id):
        if fake.messages(channel.id) or actions_by_channel.get(channel.id):
            recipient = next((u for u in channel.recipients if not u.bot), None)
            channels.append(
                {
                    "id": str(channel.id),
                    "name": recipient.name if recipient else "DM",
                    "kind": "dm",
                    "category": None,
                    "topic": None,
                    "members": [str(recipient.id)] if recipient else [],
                    "entries": entries(channel.id),
                }
            )
    return {
        "server": guild.name,
        "people": _people(fake, guild),
        "roles": {str(r.id): r.name for r in guild.roles.values()},
        "channel_names": {str(c.id): c.name for c in guild.channels.values()},
        "channels": channels,
    }


def _people(fake: FakeDiscord, guild) -> dict[str, dict[str, Any]]:
    people = {str(fake.bot_user.id): {"name": fake.bot_user.name, "bot": True}}
    for user in fake.world.users.values():
        member = guild.members.get(user.id)
        people[str(user.id)] = {"name": member.name if member else user.name, "bot": user.bot}
    return people


class _Clock:
    """The bot's simulated time at a real instant: the last value the demo wrote to its clock file."""

    def __init__(self, timeline: list[tuple[float, datetime]]) -> None:
        self._real = [real for real, _ in timeline]
        self._sim = [sim for _, sim in timeline]

    def at(self, real: float) -> datetime:
        index = max(0, bisect.bisect_right(self._real, real) - 1)
        return self._sim[index]
