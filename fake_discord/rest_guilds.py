"""Guild routes: guild, channel creation, members, roles."""

from __future__ import annotations

from aiohttp import web

from . import payloads
from .checks import (
    check_channel_limits,
    check_overwrite_grants,
    guild_or_404,
    parse_overwrites,
    require_in_guild,
)
from .errors import APIError, invalid_form, json_response, no_content, read_body, unknown
from .models import CATEGORY, TEXT, VOICE, Guild, Overwrite
from .permissions import Perm
from .rest import fake_of

SUPPORTED_CHANNEL_TYPES = {TEXT, CATEGORY, 2, 5, 13, 15}


def add_routes(routes: web.RouteTableDef) -> None:
    routes.get("/guilds/{guild_id}")(get_guild)
    routes.get("/guilds/{guild_id}/channels")(get_channels)
    routes.post("/guilds/{guild_id}/channels")(create_channel)
    routes.patch("/guilds/{guild_id}/channels")(move_channels)
    routes.get("/guilds/{guild_id}/members")(list_members)
    routes.get("/guilds/{guild_id}/members/search")(search_members)
    routes.get("/guilds/{guild_id}/members/{user_id}")(get_member)
    routes.put("/guilds/{guild_id}/members/{user_id}/roles/{role_id}")(add_member_role)
    routes.delete("/guilds/{guild_id}/members/{user_id}/roles/{role_id}")(remove_member_role)
    routes.get("/guilds/{guild_id}/roles")(get_roles)
    routes.post("/guilds/{guild_id}/roles")(create_role)


def _guild(request: web.Request) -> Guild:
    return guild_or_404(fake_of(request).world, request.match_info["guild_id"])


async def get_guild(request: web.Request) -> web.Response:
    fake = fake_of(request)
    guild = _guild(request)
    data = payloads.guild_json(guild, fake.world)
    if request.query.get("with_counts") in ("true", "True", "1"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return json_response(data)


async def get_channels(request: web.Request) -> web.Response:
    guild = _guild(request)
    return json_response([payloads.channel_json(c) for c in guild.channels.values()])


async def create_channel(request: web.Request) -> web.Response:
    world = fake_of(request).world
    guild = _guild(request)
    body, _ = await read_body(request)
    require_in_guild(world, guild, Perm.MANAGE_CHANNELS)
    channel_type = int(body.get("type") or 0)
    if channel_type not in SUPPORTED_CHANNEL_TYPES:
        raise invalid_form(("type",), "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5, 13, 15}.")
    name = body.get("name") or ""
    topic = body.get("topic")
    if channel_type == VOICE:
        _check_voice_limits(body)
    parent_id = int(body["parent_id"]) if body.get("parent_id") else None
    check_channel_limits(world, guild, creating=True, channel_type=channel_type, parent_id=parent_id)
    overwrites = parse_overwrites(body.get("permission_overwrites"))
    parent = guild.channels.get(parent_id) if parent_id else None
    if overwrites:
        check_overwrite_grants(world, guild, overwrites, parent=parent)
    elif parent is not None:
        # Discord syncs a channel created in a category without overwrites (absent or []) with the category.
        overwrites = [Overwrite(o.id, o.type, o.allow, o.deny) for o in parent.overwrites.values()]
    channel = world.create_channel(
        guild.id,
        channel_type,
        name,
        parent_id=parent_id,
        position=body.get("position"),
        topic=topic,
        nsfw=bool(body.get("nsfw")),
        overwrites=overwrites,
        rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        bitrate=body.get("bitrate"),
        user_limit=body.get("user_limit"),
    )
    return json_response(payloads.channel_json(channel), status=201)


#: Discord's bounds for a voice channel of a server without boosts (the spec only says int32).
MIN_BITRATE, MAX_BITRATE, MAX_USER_LIMIT = 8000, 96000, 99


def _check_voice_limits(body: dict) -> None:
    bitrate, user_limit = body.get("bitrate"), body.get("user_limit")
    if bitrate is not None and bitrate < MIN_BITRATE:
        raise invalid_form(
            ("bitrate",), "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {MIN_BITRATE}."
        )
    if bitrate is not None and bitrate > MAX_BITRATE:
        raise invalid_form(("bitrate",), "NUMBER_TYPE_MAX", f"int value should be less than or equal to {MAX_BITRATE}.")
    if user_limit is not None and not 0 <= user_limit <= MAX_USER_LIMIT:
        code = "NUMBER_TYPE_MIN" if user_limit < 0 else "NUMBER_TYPE_MAX"
        raise invalid_form(("user_limit",), code, f"int value should be between 0 and {MAX_USER_LIMIT}.")


async def move_channels(request: web.Request) -> web.Response:
    """Bulk position / parent update (what discord.py's ``channel.edit(position=...)`` / ``move`` send)."""
    world = fake_of(request).world
    guild = _guild(request)
    body, _ = await read_body(request)
    require_in_guild(world, guild, Perm.MANAGE_CHANNELS)
    for i, item in enumerate(body.get("__list__") or []):
        channel = guild.channels.get(int(item.get("id") or 0))
        if channel is None:
            raise invalid_form((i, "id"), "CHANNEL_INVALID", "Unknown channel")
        changes = {}
        if item.get("position") is not None:
            changes["position"] = int(item["position"])
        if "parent_id" in item:
            parent_id = int(item["parent_id"]) if item["parent_id"] else None
            check_channel_limits(
                world, guild, creating=False, channel_type=channel.type, parent_id=parent_id, moving=channel
            )
            changes["parent_id"] = parent_id
            if item.get("lock_permissions") and parent_id:
                parent = guild.channels[parent_id]
                changes["overwrites"] = {
                    o.id: Overwrite(o.id, o.type, o.allow, o.deny) for o in parent.overwrites.values()
                }
        if changes:
            world.update_channel(channel, **changes)
    return no_content()


async def list_members(request: web.Request) -> web.Response:
    fake = fake_of(request)
    guild = _guild(request)
    if "members" not in fake.privileged_intents:
        raise APIError(403, 50001, "Missing Access")
    limit = max(1, min(int(request.query.get("limit", 1)), 1000))
    after = int(request.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[:limit]
    return json_response([payloads.member_json(m) for m in members])


async def search_members(request: web.Request) -> web.Response:
    guild = _guild(request)
    query = request.query.get("query", "").lower()
    limit = max(1, min(int(request.query.get("limit", 1)), 1000))
    found = [
        m
        for m in guild.members.values()
        if m.user.username.lower().startswith(query) or (m.nick or "").lower().startswith(query)
    ]
    return json_response([payloads.member_json(m) for m in found[:limit]])


async def get_member(request: web.Request) -> web.Response:
    guild = _guild(request)
    member = guild.members.get(int(request.match_info["user_id"]))
    if member is None:
        raise unknown("Member")
    return json_response(payloads.member_json(member))


def _role_change(request: web.Request) -> tuple[Guild, int, int]:
    world = fake_of(request).world
    guild = _guild(request)
    user_id = int(request.match_info["user_id"])
    role_id = int(request.match_info["role_id"])
    if user_id not in guild.members:
        raise unknown("Member")
    role = guild.roles.get(role_id)
    if role is None:
        raise unknown("Role")
    require_in_guild(world, guild, Perm.MANAGE_ROLES)
    is_admin = world.guild_permissions(guild.id, world.bot_user.id) & Perm.ADMINISTRATOR
    if world.rules.enforce_permissions and not is_admin:
        bot_member = guild.members[world.bot_user.id]
        top = max((guild.roles[r].position for r in bot_member.roles if r in guild.roles), default=0)
        if role.position >= top or role.managed:
            raise APIError(403, 50013, "Missing Permissions")
    return guild, user_id, role_id


async def add_member_role(request: web.Request) -> web.Response:
    world = fake_of(request).world
    guild, user_id, role_id = _role_change(request)
    member = guild.members[user_id]
    if role_id not in member.roles:
        world.update_member(guild.id, user_id, roles=[*member.roles, role_id])
    return no_content()


async def remove_member_role(request: web.Request) -> web.Response:
    world = fake_of(request).world
    guild, user_id, role_id = _role_change(request)
    member = guild.members[user_id]
    if role_id in member.roles:
        world.update_member(guild.id, user_id, roles=[r for r in member.roles if r != role_id])
    return no_content()


async def get_roles(request: web.Request) -> web.Response:
    guild = _guild(request)
    return json_response([payloads.role_json(r) for r in guild.roles.values()])


async def create_role(request: web.Request) -> web.Response:
    world = fake_of(request).world
    guild = _guild(request)
    body, _ = await read_body(request)
    require_in_guild(world, guild, Perm.MANAGE_ROLES)
    permissions = int(body.get("permissions") or 0)
    bot_perms = world.guild_permissions(guild.id, world.bot_user.id)
    if world.rules.enforce_permissions and permissions & ~bot_perms:
        raise APIError(403, 50013, "Missing Permissions")
    role = world.add_role(
        guild.id,
        body.get("name") or "new role",
        permissions,
        position=1,
        mentionable=bool(body.get("mentionable")),
        hoist=bool(body.get("hoist")),
        color=int(body.get("color") or 0),
    )
    return json_response(payloads.role_json(role))
