"""Interaction callbacks and the interaction webhook (followups, @original)."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from . import payloads
from .errors import APIError, invalid_form, json_response, no_content, read_body, unknown
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    PING,
    PONG,
    UPDATE_MESSAGE,
    Callback,
    Interaction,
)
from .models import EPHEMERAL, LOADING, Message
from .rest import fake_of

_TRUE = ("1", "true", "True")


def add_routes(routes: web.RouteTableDef) -> None:
    routes.post("/interactions/{interaction_id}/{interaction_token}/callback")(callback)
    routes.post("/webhooks/{webhook_id}/{webhook_token}")(followup)
    routes.get("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")(get_webhook_message)
    routes.patch("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")(edit_webhook_message)
    routes.delete("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")(delete_webhook_message)


def _allowed_types(interaction: Interaction) -> set[int]:
    from_component = interaction.type == MESSAGE_COMPONENT or (
        interaction.type == MODAL_SUBMIT and interaction.source_message_id is not None
    )
    if interaction.type == PING:
        return {PONG}
    if interaction.type == AUTOCOMPLETE:
        return {AUTOCOMPLETE_RESULT}
    allowed = {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE}
    if from_component:
        allowed |= {DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
    if interaction.type in (APPLICATION_COMMAND, MESSAGE_COMPONENT):
        allowed.add(MODAL)
    return allowed


async def callback(request: web.Request) -> web.Response:
    fake = fake_of(request)
    world = fake.world
    try:
        interaction = fake.interactions.get(int(request.match_info["interaction_id"]))
    except ValueError:
        interaction = None
    body, files = await read_body(request)
    if interaction is None or interaction.token != request.match_info["interaction_token"]:
        raise APIError(404, 10062, "Unknown interaction")
    if interaction.callback is not None:
        interaction.rejected.append((400, 40060))
        raise APIError(400, 40060, "Interaction has already been acknowledged.")
    if time.monotonic() - interaction.sent_at > world.rules.interaction_deadline:
        interaction.rejected.append((404, 10062))
        raise APIError(404, 10062, "Unknown interaction")
    ctype = body.get("type")
    data = body.get("data") or {}
    if ctype not in _allowed_types(interaction):
        raise invalid_form(
            ("type",),
            "INTERACTION_RESPONSE_TYPE_INVALID",
            f"Interaction response type {ctype} is not valid for interaction type {interaction.type}",
        )
    interaction.callback = Callback(type=ctype, data=data, at=time.monotonic(), files=files)
    message = _apply_callback(fake, interaction, ctype, data, files)
    if message is not None:
        interaction.history_base = len(message.history)
    fake._notify()
    if request.query.get("with_response") not in _TRUE:
        return no_content()
    result: dict[str, Any] = {
        "interaction": {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_id": str(message.id) if message is not None else None,
            "response_message_loading": bool(message is not None and message.loading),
            "response_message_ephemeral": bool(message is not None and message.ephemeral),
        },
    }
    # InteractionCallbackResponse: a ``resource`` only for a message sent (4) or updated (7).
    if message is not None and ctype in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
        result["resource"] = {"type": ctype, "message": payloads.message_json(message, world)}
    if message is None:
        del result["interaction"]["response_message_id"]
    return json_response(result)


def _metadata(fake: Any, interaction: Interaction, **extra: Any) -> dict[str, Any]:
    user = fake.world.users[interaction.user_id]
    meta = {
        "id": str(interaction.id),
        "type": interaction.type,
        "user": payloads.user_json(user),
        "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
    }
    if interaction.type == APPLICATION_COMMAND:
        meta["name"] = interaction.data.get("name")
        meta["command_type"] = interaction.data.get("type", 1)
    if interaction.type == MESSAGE_COMPONENT and interaction.source_message_id is not None:
        meta["interacted_message_id"] = str(interaction.source_message_id)
    if interaction.type == MODAL_SUBMIT and interaction.parent is not None:
        meta["triggering_interaction_metadata"] = _metadata(fake, interaction.parent)
    meta.update(extra)
    return meta


def _channel(fake: Any, interaction: Interaction) -> Any:
    channel = fake.world.channels.get(interaction.channel_id)
    if channel is None:
        raise APIError(404, 10003, "Unknown Channel")
    return channel


def _apply_callback(
    fake: Any, interaction: Interaction, ctype: int, data: dict[str, Any], files: list[Any]
) -> Message | None:
    world = fake.world
    common = dict(
        interaction_id=interaction.id,
        application_id=world.application_id,
        webhook_id=world.application_id,
        interaction_metadata=_metadata(fake, interaction),
    )
    msg_type = 20 if interaction.type == APPLICATION_COMMAND else 0
    if ctype == CHANNEL_MESSAGE:
        message = world.create_message(
            _channel(fake, interaction), world.bot_user, data, files, type=msg_type, **common
        )
        interaction.original_message_id = message.id
        return message
    if ctype == DEFERRED_CHANNEL_MESSAGE:
        flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
        message = world.create_message(
            _channel(fake, interaction), world.bot_user, {"content": "", "flags": flags}, type=msg_type, **common
        )
        interaction.original_message_id = message.id
        return message
    if ctype in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE):
        message = interaction.source_message
        interaction.original_message_id = interaction.source_message_id
        if message is not None and ctype == UPDATE_MESSAGE:
            world.edit_message(message, data, files)
        return message
    return None


# -- interaction webhook -----------------------------------------------------------------------


def _webhook_interaction(request: web.Request) -> Interaction:
    fake = fake_of(request)
    token = request.match_info["webhook_token"]
    interaction = fake.interactions_by_token.get(token)
    if interaction is None or request.match_info["webhook_id"] != str(fake.world.application_id):
        raise unknown("Webhook")
    if time.monotonic() - interaction.sent_at > fake.rules.interaction_token_lifetime:
        raise APIError(401, 50027, "Invalid Webhook Token")
    if interaction.callback is None:
        raise unknown("Webhook")
    return interaction


def _webhook_message(request: web.Request, interaction: Interaction) -> Message:
    world = fake_of(request).world
    raw = request.match_info["message_id"]
    if raw == "@original":
        message_id = interaction.original_message_id
    else:
        try:
            message_id = int(raw)
        except ValueError:
            raise unknown("Message") from None
        if message_id != interaction.original_message_id and message_id not in interaction.followup_ids:
            raise unknown("Message")
    message = world.messages.get(message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise unknown("Message")
    return message


async def followup(request: web.Request) -> web.Response:
    fake = fake_of(request)
    world = fake.world
    interaction = _webhook_interaction(request)
    body, files = await read_body(request)
    original = interaction.original_message
    if original is not None and original.loading and not interaction.followup_ids:
        # After a deferred reply the first followup replaces the "thinking" message.
        payload = dict(body)
        payload["flags"] = int(body.get("flags") or 0) & ~EPHEMERAL
        message = world.edit_message(original, payload, files, mark_edited=False)
    else:
        message = world.create_message(
            _channel(fake, interaction),
            world.bot_user,
            body,
            files,
            type=0,
            interaction_id=interaction.id,
            application_id=world.application_id,
            webhook_id=world.application_id,
            interaction_metadata=_metadata(
                fake, interaction, original_response_message_id=str(interaction.original_message_id or "")
            ),
        )
    interaction.followup_ids.append(message.id)
    fake._notify()
    if request.query.get("wait") in _TRUE:
        return json_response(payloads.message_json(message, world))
    return no_content()


async def get_webhook_message(request: web.Request) -> web.Response:
    interaction = _webhook_interaction(request)
    message = _webhook_message(request, interaction)
    return json_response(payloads.message_json(message, fake_of(request).world))


async def edit_webhook_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    interaction = _webhook_interaction(request)
    message = _webhook_message(request, interaction)
    body, files = await read_body(request)
    was_loading = message.loading
    fake.world.edit_message(message, body, files, mark_edited=not was_loading)
    return json_response(payloads.message_json(message, fake.world))


async def delete_webhook_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    interaction = _webhook_interaction(request)
    message = _webhook_message(request, interaction)
    fake.world.delete_message(message)
    return no_content()
