"""Channel routes: messages, pins, DMs, channel edit/delete and permission overwrites."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import payloads
from .checks import (
    channel_or_404,
    check_channel_limits,
    check_overwrite_grants,
    parse_overwrites,
    require_in_channel,
)
from .errors import APIError, invalid_form, json_response, no_content, read_body, unknown
from .models import CATEGORY, DM, Channel, Message, Overwrite
from .permissions import Perm
from .rest import fake_of


def add_routes(routes: web.RouteTableDef) -> None:
    routes.post("/users/@me/channels")(create_dm)
    routes.get("/channels/{channel_id}")(get_channel)
    routes.patch("/channels/{channel_id}")(edit_channel)
    routes.delete("/channels/{channel_id}")(delete_channel)
    routes.put("/channels/{channel_id}/permissions/{overwrite_id}")(put_permission)
    routes.delete("/channels/{channel_id}/permissions/{overwrite_id}")(delete_permission)
    routes.get("/channels/{channel_id}/messages/pins")(get_pins)
    routes.put("/channels/{channel_id}/messages/pins/{message_id}")(pin)
    routes.delete("/channels/{channel_id}/messages/pins/{message_id}")(unpin)
    routes.get("/channels/{channel_id}/pins")(get_pins_legacy)
    routes.put("/channels/{channel_id}/pins/{message_id}")(pin)
    routes.delete("/channels/{channel_id}/pins/{message_id}")(unpin)
    routes.post("/channels/{channel_id}/messages")(create_message)
    routes.get("/channels/{channel_id}/messages")(list_messages)
    routes.get("/channels/{channel_id}/messages/{message_id}")(get_message)
    routes.patch("/channels/{channel_id}/messages/{message_id}")(edit_message)
    routes.delete("/channels/{channel_id}/messages/{message_id}")(delete_message)
    routes.post("/channels/{channel_id}/typing")(typing)


# -- DMs ---------------------------------------------------------------------------------------


async def create_dm(request: web.Request) -> web.Response:
    world = fake_of(request).world
    body, _ = await read_body(request)
    try:
        user = world.users.get(int(body.get("recipient_id")))
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise APIError(400, 50033, "Invalid Recipient(s)")
    return json_response(payloads.channel_json(world.dm_channel(user)))


# -- channels ----------------------------------------------------------------------------------


def _guild_channel(request: web.Request) -> Channel:
    world = fake_of(request).world
    channel = channel_or_404(world, request.match_info["channel_id"])
    if channel.guild_id is None:
        raise APIError(403, 50003, "Cannot execute action on a DM channel")
    return channel


async def get_channel(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = channel_or_404(world, request.match_info["channel_id"])
    require_in_channel(world, channel)
    return json_response(payloads.channel_json(channel))


async def edit_channel(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _guild_channel(request)
    body, _ = await read_body(request)
    guild = world.guilds[channel.guild_id]  # type: ignore[index]
    require_in_channel(world, channel, Perm.MANAGE_CHANNELS)
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = body["name"]
    if "topic" in body:
        changes["topic"] = body["topic"]
    for key in ("position", "nsfw", "rate_limit_per_user"):
        if key in body and body[key] is not None:
            changes[key] = body[key]
    if "parent_id" in body:
        parent_id = int(body["parent_id"]) if body["parent_id"] else None
        check_channel_limits(
            world, guild, creating=False, channel_type=channel.type, parent_id=parent_id, moving=channel
        )
        changes["parent_id"] = parent_id
    if "permission_overwrites" in body:
        overwrites = parse_overwrites(body["permission_overwrites"])
        check_overwrite_grants(world, guild, overwrites, channel)
        changes["overwrites"] = {o.id: o for o in overwrites}
    world.update_channel(channel, **changes)
    return json_response(payloads.channel_json(channel))


async def delete_channel(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = channel_or_404(world, request.match_info["channel_id"])
    if channel.type == DM:
        return json_response(payloads.channel_json(channel))
    require_in_channel(world, channel, Perm.MANAGE_CHANNELS)
    world.delete_channel(channel)
    return json_response(payloads.channel_json(channel))


async def put_permission(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _guild_channel(request)
    body, _ = await read_body(request)
    guild = world.guilds[channel.guild_id]  # type: ignore[index]
    require_in_channel(world, channel)
    overwrite = Overwrite(
        id=int(request.match_info["overwrite_id"]),
        type=int(body.get("type", 0)),
        allow=int(body.get("allow") or 0),
        deny=int(body.get("deny") or 0),
    )
    check_overwrite_grants(world, guild, [overwrite], channel)
    world.set_overwrite(channel, overwrite)
    return no_content()


async def delete_permission(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _guild_channel(request)
    guild = world.guilds[channel.guild_id]  # type: ignore[index]
    require_in_channel(world, channel)
    check_overwrite_grants(world, guild, [], channel)
    world.remove_overwrite(channel, int(request.match_info["overwrite_id"]))
    return no_content()


# -- messages ----------------------------------------------------------------------------------


def _message_or_404(request: web.Request, channel: Channel) -> Message:
    world = fake_of(request).world
    try:
        message = world.messages.get(int(request.match_info["message_id"]))
    except ValueError:
        message = None
    if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
        raise unknown("Message")
    return message


def _messageable(request: web.Request) -> Channel:
    world = fake_of(request).world
    channel = channel_or_404(world, request.match_info["channel_id"])
    if channel.type == CATEGORY:
        raise APIError(400, 50008, "Cannot send messages in a non-text channel")
    return channel


async def create_message(request: web.Request) -> web.Response:
    fake = fake_of(request)
    world = fake.world
    channel = _messageable(request)
    body, files = await read_body(request)
    if channel.type == DM:
        recipient = channel.recipients[0]
        shares_guild = any(recipient.id in g.members for g in world.guilds.values())
        if recipient.dms_closed or not shares_guild or recipient.bot:
            raise APIError(403, 50007, "Cannot send messages to this user")
    else:
        require_in_channel(world, channel, Perm.SEND_MESSAGES)
        if files:
            require_in_channel(world, channel, Perm.ATTACH_FILES)
        if body.get("message_reference"):
            require_in_channel(world, channel, Perm.READ_MESSAGE_HISTORY)
    flags = int(body.get("flags") or 0)
    if flags & 64:
        raise invalid_form(("flags",), "MESSAGE_FLAGS_INVALID", "Ephemeral messages need an interaction")
    message = world.create_message(
        channel, world.bot_user, body, files, type=19 if body.get("message_reference") else 0
    )
    return json_response(payloads.message_json(message, world))


async def list_messages(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.READ_MESSAGE_HISTORY)
    limit = max(1, min(int(request.query.get("limit", 50)), 100))
    messages = world.visible_messages(channel.id, system=True)
    if "before" in request.query:
        messages = [m for m in messages if m.id < int(request.query["before"])]
    if "after" in request.query:
        after = int(request.query["after"])
        messages = [m for m in messages if m.id > after][:limit]
    newest_first = list(reversed(messages))[:limit]
    return json_response([payloads.message_json(m, world) for m in newest_first])


async def get_message(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.READ_MESSAGE_HISTORY)
    return json_response(payloads.message_json(_message_or_404(request, channel), world))


async def edit_message(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel)
    message = _message_or_404(request, channel)
    body, files = await read_body(request)
    if message.author.id != world.bot_user.id:
        if set(body) - {"flags"}:
            raise APIError(403, 50005, "Cannot edit a message authored by another user")
        require_in_channel(world, channel, Perm.MANAGE_MESSAGES)
    world.edit_message(message, body, files)
    return json_response(payloads.message_json(message, world))


async def delete_message(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel)
    message = _message_or_404(request, channel)
    if message.author.id != world.bot_user.id and channel.guild_id is not None:
        require_in_channel(world, channel, Perm.MANAGE_MESSAGES)
    world.delete_message(message)
    return no_content()


async def typing(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.SEND_MESSAGES)
    return no_content()


# -- pins --------------------------------------------------------------------------------------


async def pin(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.MANAGE_MESSAGES, Perm.PIN_MESSAGES, any_of=True)
    message = _message_or_404(request, channel)
    if not message.pinned and len(channel.pins) >= world.rules.max_pins:
        raise APIError(400, 30003, f"Maximum number of pins reached ({world.rules.max_pins})")
    world.pin(channel, message)
    return no_content()


async def unpin(request: web.Request) -> web.Response:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.MANAGE_MESSAGES, Perm.PIN_MESSAGES, any_of=True)
    message = _message_or_404(request, channel)
    world.unpin(channel, message)
    return no_content()


def _pinned(request: web.Request) -> tuple[Channel, list[tuple[Message, str]]]:
    world = fake_of(request).world
    channel = _messageable(request)
    require_in_channel(world, channel, Perm.READ_MESSAGE_HISTORY)
    return channel, [(world.messages[mid], at) for mid, at in channel.pins if mid in world.messages]


async def get_pins(request: web.Request) -> web.Response:
    world = fake_of(request).world
    _, pinned = _pinned(request)
    limit = int(request.query.get("limit", 50))
    items = [{"pinned_at": at, "message": payloads.message_json(m, world)} for m, at in pinned]
    return json_response({"items": items[:limit], "has_more": len(items) > limit})


async def get_pins_legacy(request: web.Request) -> web.Response:
    world = fake_of(request).world
    _, pinned = _pinned(request)
    return json_response([payloads.message_json(m, world) for m, _ in pinned])
