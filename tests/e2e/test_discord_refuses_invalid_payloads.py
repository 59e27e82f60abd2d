"""The local fake Discord refuses what Discord refuses: spec-invalid variants of the bot's real request
bodies (captured from the fake's request log during a short run of the real bot) are each answered
400 ``50035 Invalid Form Body`` with Discord's ``errors`` tree pointing at what was changed."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import aiohttp

from fake_discord import FakeDiscord, RequestRecord, validate
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, join
from tests.e2e.invalid_payloads import VARIANTS, Variant, is_button, is_select

WEB = {"teach": ("seo", "social-media"), "learn": ("finance", "sales")}
BUSINESS = {"teach": ("finance", "sales"), "learn": ("seo", "social-media")}
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


async def _real_traffic(fake: FakeDiscord, bot: BotProcess) -> None:
    """Setup, two members joining, a round confirmed (channel, kickoff), this week's messages, a
    charter form, an unpair cancelled then confirmed, a welcome DM."""
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mods_channel = fake.add_text_channel(guild.id, "moderation")
    mod_role = fake.add_role(guild.id, "Mentors")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=name, locale="fr") for name in ("alice", "bruno")]
    await bot.start()
    setup = await fake.slash_command(
        guild.id,
        owner.id,
        "mentoring-admin",
        subcommand="setup",
        options={"moderator-role": mod_role, "moderators-channel": mods_channel},
        locale="fr",
    )
    await setup.response()
    for person, profile in zip(people, (WEB, BUSINESS), strict=True):
        await join(fake, guild.id, person.id, **profile)
    preview = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id, locale="fr"
    )
    message = await preview.final_message()
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "1/1 pair(s) created" in fake.message(message.id).text, description="the summary")
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


def _error_paths(tree: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(tree, dict):
        return []
    found = [path] if "_errors" in tree else []
    for key, value in tree.items():
        if key != "_errors":
            found += _error_paths(value, (*path, key))
    return found


def _points_at(errors: Any, expected: tuple[Any, ...]) -> bool:
    """An error is reported where the variant changed the body: at or under ``expected``, or on the
    object holding the changed field (a ``type`` Discord cannot dispatch, a missing field)."""
    want = tuple(str(part) for part in expected)
    return any(p[: len(want)] == want or p == want[:-1] for p in _error_paths(errors))


async def _send(http: aiohttp.ClientSession, fake: FakeDiscord, record: RequestRecord, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with http.request(record.method, fake.api_base_url + record.path, json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_each_spec_invalid_variant_of_the_bots_payloads_is_refused_with_50035(tmp_path):
    async with FakeDiscord() as fake:
        fake.rules.validate_responses = True
        bot = BotProcess.for_fake(fake, await fresh_database_url("sqlite", tmp_path), tmp_path)
        await bot.migrate()
        try:
            await _real_traffic(fake, bot)
        finally:
            await bot.stop()
        assert fake.invalid_requests == [], "the bot itself sent bodies Discord refuses"

        real = {
            kind: next((r for r in fake.requests if r.ok and not r.files and r.payload and pick(r)), None)
            for kind, pick in KINDS.items()
        }
        assert not [kind for kind, record in real.items() if record is None], "the run did not send every kind of body"
        for record in real.values():
            validate.request(record.route, record.payload)  # the unchanged body passes

        accepted: list[str] = []
        async with aiohttp.ClientSession() as http:
            for variant in VARIANTS:
                record = real[variant.kind]
                body = copy.deepcopy(record.payload)
                expected = variant.mutate(body)
                status, answer = await _send(http, fake, record, body)
                refused = status == 400 and answer.get("code") == 50035
                if not (refused and _points_at(answer.get("errors"), expected)):
                    accepted.append(f"{variant.name} ({variant.kind}): {status} {answer}, expected at {expected}")
        assert len(VARIANTS) >= 73 and {v.kind for v in VARIANTS} == set(KINDS)
        assert accepted == [], f"{len(accepted)} of {len(VARIANTS)} invalid variants were not refused:\n" + "\n".join(
            accepted
        )


def test_every_variant_has_a_distinct_name():
    names = [v.name for v in VARIANTS]
    assert len(set(names)) == len(names) and all(isinstance(v, Variant) for v in VARIANTS)
