"""The bot's real request bodies: a short run of the real bot against the fake that sends every kind
of body the fake validates (messages and edits, interaction callbacks with selects, updates, deferrals
and modals, followups and webhook edits, channel creation and edits with overwrites, a DM, the command
list with its localizations), and the first body of each kind taken from the fake's request log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.e2e.helpers import component_id
from tests.e2e.payload_edits import is_button, is_select
from tests.e2e.test_pairing import program

if TYPE_CHECKING:
    from fake_discord import FakeDiscord, RequestRecord
    from tests.e2e.bot_process import BotProcess

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"


def _has(node: Any, predicate: Callable[[dict[str, Any]], bool]) -> bool:
    if isinstance(node, dict):
        return predicate(node) or any(_has(v, predicate) for v in node.values())
    if isinstance(node, list):
        return any(_has(v, predicate) for v in node)
    return False


def _callback(kind: int, predicate: Callable[[Any], bool] = lambda body: True) -> Callable[[RequestRecord], bool]:
    return lambda r: r.route == CALLBACK and r.payload.get("type") == kind and predicate(r.payload)


#: kind -> which of the bot's requests to take the body from
KINDS: dict[str, Callable[[RequestRecord], bool]] = {
    "message": lambda r: r.route == "POST /channels/{channel_id}/messages" and _has(r.payload, is_button),
    "message_edit": lambda r: r.route == "PATCH /channels/{channel_id}/messages/{message_id}",
    "embed": lambda r: r.method != "GET" and "/messages" in r.route and bool(r.payload.get("embeds")),
    "select": _callback(4, lambda body: _has(body, is_select)),
    "update": _callback(7, lambda body: bool(body.get("data"))),
    "deferred": _callback(5, lambda body: bool(body.get("data"))),
    "modal": _callback(9),
    "followup": lambda r: r.route == "POST /webhooks/{webhook_id}/{webhook_token}",
    "webhook_edit": lambda r: r.route.startswith("PATCH /webhooks/") and _has(r.payload, is_button),
    "channel": lambda r: r.route == "POST /guilds/{guild_id}/channels" and r.payload.get("type") == 0,
    "channel_edit": lambda r: r.route == "PATCH /channels/{channel_id}" and "permission_overwrites" in r.payload,
    "dm": lambda r: r.route == "POST /users/@me/channels",
    "commands": lambda r: r.route.startswith("PUT /applications/") and bool(r.payload),
}


async def real_traffic(fake: FakeDiscord, bot: BotProcess) -> None:
    """Setup, two members joining, a round confirmed (channel, kickoff), this week's messages, a
    charter form, an unpair cancelled then confirmed, a welcome DM."""
    guild, general, _, _, owner, people = await program(fake, bot, members=2)
    preview = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id, locale="fr"
    )
    message = await preview.final_message()
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "1/1 pair created" in fake.message(message.id).text, description="the summary")
    remind = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="remind-now", locale="fr")
    await remind.wait_for_followup()
    [channel] = [c for c in fake.channels(guild.id, type=0) if c.topic and "[binome:" in c.topic]
    [kickoff] = [m for m in fake.messages(channel.id) if any(":charter" in c for c in m.custom_ids())]
    await (await fake.click(kickoff, component_id(kickoff, ":charter"), people[0].id)).final_message()
    [panel] = [m for m in fake.messages(channel.id) if any(c.startswith("binome:charter:") for c in m.custom_ids())]
    form = await fake.click(panel, component_id(panel, ":objectives"), people[0].id)
    await form.response()
    await (await fake.submit_modal(form, {"objectives": "Lire un bilan"}, people[0].id)).final_message()
    await fake.wait_for_request("PATCH", "/channels/*/messages/*", status=200)
    for button in (":cancel", ":confirm"):
        unpair = await fake.slash_command(
            guild.id, owner.id, "mentoring-admin", subcommand="unpair", options={"member": people[0].id}, locale="fr"
        )
        await unpair.response()
        clicked = await fake.click(unpair, component_id(unpair, button), owner.id)
        await (clicked.response() if button == ":cancel" else clicked.wait_for_edit())
    await fake.wait_for_request("PATCH", "/channels/*", status=200)
    fake.add_member(guild.id, name="carla", locale="fr")
    await fake.wait_for_request("POST", "/users/@me/channels", status=200)


def real_bodies(fake: FakeDiscord) -> dict[str, RequestRecord]:
    """kind -> the first accepted JSON request of that kind the bot sent."""
    found: dict[str, RequestRecord] = {}
    for record in fake.requests:
        if record.ok and not record.files and record.payload:
            for kind, pick in KINDS.items():
                if kind not in found and pick(record):
                    found[kind] = record
    return found
