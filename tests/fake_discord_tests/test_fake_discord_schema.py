"""Request bodies are checked against Discord's OpenAPI spec (then Discord's stricter limits) and
refused with Discord's 400 50035 error tree; the fake's responses conform to the spec's schemas."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import aiohttp
import pytest

from fake_discord import APIError, FakeDiscord, openapi, validate

from .conftest import ProbeBot

MESSAGES = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
ROW = {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "ok", "label": "OK"}]}


def refusal(route: str, body: Any) -> dict[str, Any]:
    with pytest.raises(APIError) as refused:
        validate.request(route, body)
    assert (refused.value.status, refused.value.code, refused.value.message) == (400, 50035, "Invalid Form Body")
    assert refused.value.invalid_body
    return refused.value.errors or {}


def test_the_spec_and_its_licence_ship_with_the_package() -> None:
    folder = resources.files("fake_discord") / "spec"
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert openapi.spec()["openapi"].startswith("3.1") and openapi.spec()["info"]["license"]["name"] == "MIT"
    assert openapi.operation(MESSAGES)["operationId"] == "create_message"
    assert openapi.operation("GET /no/such/route") is None


def test_a_button_style_9_gets_discords_error_tree() -> None:
    body = {"content": "hi", "components": [{"type": 1, "components": [{**ROW["components"][0], "style": 9}]}]}
    choices = [{"code": "BASE_TYPE_CHOICES", "message": "Value must be one of {1, 2, 3, 4, 5, 6}."}]
    assert refusal(MESSAGES, body) == {"components": {"0": {"components": {"0": {"style": {"_errors": choices}}}}}}
    validate.request(MESSAGES, {"content": "hi", "components": [ROW]})  # the same with a real style passes


def test_unions_are_resolved_to_the_branch_the_payload_meant() -> None:
    text_input = {"type": 4, "custom_id": "t", "style": 1, "label": "Text"}
    errors = refusal(MESSAGES, {"components": [{"type": 1, "components": [text_input]}]})
    [entry] = errors["components"]["0"]["components"]["0"]["_errors"]
    assert entry == {
        "code": "UNION_TYPE_CHOICES",
        "message": 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
    }
    assert refusal(CALLBACK, {"data": {"content": "hi"}}) == {
        "type": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}
    }
    modal = {
        "type": 9,
        "data": {"custom_id": "m", "title": "x" * 46, "components": [{"type": 1, "components": [text_input]}]},
    }
    assert list(refusal(CALLBACK, modal)["data"]) == ["title"]


def test_what_discord_accepts_beyond_the_spec_is_accepted() -> None:
    # Permission bit sets as strings (discord.py's overwrite edit), snowflakes as integers (its DM channel).
    validate.request("PUT /channels/{channel_id}/permissions/{overwrite_id}", {"allow": "1024", "deny": "0", "type": 1})
    validate.request("POST /users/@me/channels", {"recipient_id": 1234567890123456789})
    command = {"name": "ping", "description": "Ping", "default_member_permissions": "32"}
    validate.request("POST /applications/{application_id}/commands", command)
    # ...but not what Discord refuses.
    assert "allow" in refusal("PUT /channels/{channel_id}/permissions/{overwrite_id}", {"allow": "all"})
    assert "recipient_id" in refusal("POST /users/@me/channels", {"recipient_id": -1})
    assert "default_member_permissions" in refusal(
        "POST /applications/{application_id}/commands", {**command, "default_member_permissions": "-1"}
    )


def test_discords_limits_where_the_spec_is_looser() -> None:
    too_long = refusal(MESSAGES, {"content": "x" * 2001})  # the spec allows 4,000
    assert too_long["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    twice = {"type": 1, "components": [ROW["components"][0], ROW["components"][0]]}
    assert "custom_id" in refusal(MESSAGES, {"components": [twice]})["components"]["0"]["components"]["1"]
    topic = refusal("POST /guilds/{guild_id}/channels", {"name": "pair", "type": 0, "topic": "x" * 1025})
    assert list(topic) == ["topic"]
    command = {"name": "ping", "description": "Ping", "name_localizations": {"fr-FR": "ping"}}
    assert refusal("POST /applications/{application_id}/commands", command) == {
        "0": {"name_localizations": {"fr-FR": {"_errors": [{"code": "LOCALE_INVALID", "message": _LOCALE}]}}}
    }
    assert "fr" in validate.discord_locales() and "fr-FR" not in validate.discord_locales()


_LOCALE = "Invalid locale 'fr-FR': not one of Discord's locales"


async def test_invalid_bodies_are_answered_and_recorded(fake: FakeDiscord, world: dict[str, Any]) -> None:
    url = f"{fake.api_base_url}/channels/{world['general'].id}/messages"
    headers = {"Authorization": f"Bot {fake.token}"}
    body = {"content": "hello", "embeds": [{"description": "x", "color": 0x1000000}]}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(url, json=body) as response:
            assert response.status == 400
            answer = await response.json(content_type=None)
        assert answer["code"] == 50035 and "color" in answer["errors"]["embeds"]["0"]
        [record] = fake.invalid_requests
        assert record.invalid_body and record.errors == answer["errors"] and record.payload == body
        assert fake.messages(world["general"].id) == []
        fake.rules.validate_payloads = False  # a test may switch it off to see what the bot does
        async with http.post(url, json=body) as response:
            assert response.status == 200
    assert len(fake.messages(world["general"].id)) == 1


async def test_autocomplete_results_are_validated(fake: FakeDiscord, world: dict[str, Any], bot: ProbeBot) -> None:
    await bot.tree.sync()
    interaction = await fake.autocomplete(
        world["guild"].id, world["alice"].id, "mentoring", "skill", "", subcommand="join"
    )
    await interaction.response()
    [record] = fake.find_requests("POST", "/interactions/*/callback")
    assert record.ok and record.payload["type"] == 8
    choice = {"name": "python", "value": "python"}
    variants = {
        "26 choices": ({"choices": [choice] * 26}, ("data", "choices")),
        "a choice name of 101 characters": ({"choices": [{**choice, "name": "x" * 101}]}, ("data", "choices", "0")),
        "a choice value of 101 characters": ({"choices": [{**choice, "value": "x" * 101}]}, ("data", "choices", "0")),
        "a choice without a name": ({"choices": [{"value": "python"}]}, ("data", "choices", "0")),
        "choices not a list": ({"choices": "python"}, ("data", "choices")),
    }
    async with aiohttp.ClientSession() as http:
        for name, (data, where) in variants.items():
            body = copy.deepcopy(record.payload)
            body["data"] = data
            async with http.post(fake.api_base_url + record.path, json=body) as response:
                answer = await response.json(content_type=None)
            node = answer.get("errors") or {}
            for key in where:
                node = node.get(key) or {}
            assert response.status == 400 and answer["code"] == 50035 and node, name
    assert interaction.rejected == [(400, 50035)] * len(variants)


def test_the_response_check_finds_what_does_not_conform() -> None:
    interaction = {"id": "1", "type": 2, "response_message_id": "2"}
    assert openapi.response_problems(CALLBACK, 200, {"interaction": interaction}) == []
    deferred = openapi.response_problems(CALLBACK, 200, {"interaction": interaction, "resource": {"type": 5}})
    assert deferred and "resource" in deferred[0]
    bare = {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "ok", "id": 2}]}
    problems = openapi.response_problems("GET /channels/{channel_id}/messages/{message_id}", 200, _message([bare]))
    assert any("components.0.id" in p for p in problems), problems
    numbered = {**bare, "id": 1}
    assert (
        openapi.response_problems("GET /channels/{channel_id}/messages/{message_id}", 200, _message([numbered])) == []
    )


def _message(components: list[dict[str, Any]]) -> dict[str, Any]:
    author = {
        "id": "1",
        "username": "bot",
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "global_name": None,
        "primary_guild": None,
    }
    return {
        "id": "3",
        "channel_id": "4",
        "type": 0,
        "content": "",
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "timestamp": "2026-01-05T09:00:00+00:00",
        "edited_timestamp": None,
        "flags": 0,
        "components": components,
        "author": author,
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
    }
