"""The REST API: the aiohttp application, its middleware (auth, rate limits, faults, logging) and
the users / gateway / application / application-command routes. Other routes live in
``rest_channels``, ``rest_guilds`` and ``rest_interactions``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import openapi, payloads, validate
from .errors import FILES_KEY, PAYLOAD_KEY, APIError, json_response, no_content, read_body, unknown
from .records import RequestRecord

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger(__name__)

PREFIX = "/api/v10"
FAKE_KEY: web.AppKey[Any] = web.AppKey("fake", object)


def fake_of(request: web.Request) -> FakeDiscord:
    return request.app[FAKE_KEY]


def _unauthenticated(template: str) -> bool:
    # Interaction callbacks and interaction webhooks are authenticated by their token in the URL.
    return "/interactions/{interaction_id}" in template or "/webhooks/{webhook_id}/{webhook_token}" in template


def _interaction_route(template: str) -> bool:
    """Not subject to the global rate limit, as on Discord."""
    return _unauthenticated(template)


@web.middleware
async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path == "/gateway":
        return await handler(request)
    fake = fake_of(request)
    started = time.perf_counter()
    arrived = time.time()
    path = request.path[len(PREFIX) :] if request.path.startswith(PREFIX) else request.path
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else None
    template = f"{request.method} {canonical[len(PREFIX) :]}" if canonical and canonical.startswith(PREFIX) else None
    record = RequestRecord(request.method, path, template, 0, arrived, 0.0, query=dict(request.query))
    response: web.StreamResponse
    try:
        response = await _handle(fake, request, handler, template, record)
    finally:
        record.duration = time.perf_counter() - started
    record.status = response.status
    fake._record_request(record)
    return response


async def _handle(
    fake: FakeDiscord, request: web.Request, handler: Any, template: str | None, record: RequestRecord
) -> web.StreamResponse:
    if template is None:
        record.code = 0
        return json_response({"message": "404: Not Found", "code": 0}, status=404)
    auth = request.headers.get("Authorization", "")
    token = auth[4:] if auth.startswith("Bot ") else None
    if not _unauthenticated(template) and token != fake.token:
        record.code = 0
        return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
    decision = fake.ratelimiter.check(
        template,
        dict(request.match_info),
        token if not _unauthenticated(template) else None,
        exempt_global=_interaction_route(template),
    )
    if not decision.allowed:
        record.rate_limit_scope = decision.scope
        return json_response(decision.body, status=429, headers=decision.headers)
    fault = fake._take_fault(request.method, record.path)
    held = fault if fault is not None and fault.hold else None
    if held is not None:
        fault = None
        if not held.after:
            await asyncio.sleep(held.hold)
    try:
        if fault is not None:
            record.injected = True
            if fault.status == 429:
                body = {"message": "You are being rate limited.", "retry_after": fault.retry_after, "global": False}
                headers = {
                    "Retry-After": str(fault.retry_after),
                    "X-RateLimit-Scope": "user",
                    "X-RateLimit-Global": "false",
                    "Via": "1.1 google",
                }
                record.rate_limit_scope = "user"
                return json_response(body, status=429, headers=headers)
            raise APIError(fault.status, fault.code, fault.message, fault.errors)
        if fake.rules.validate_payloads and request.method in _BODY_METHODS:
            await _validate_body(fake, request, template)
        response = await handler(request)
    except APIError as exc:
        record.code, record.errors, record.invalid_body = exc.code, exc.errors, exc.invalid_body
        response = json_response(exc.body(), status=exc.status)
    except Exception as exc:
        fake._internal_error(f"{request.method} {record.path}", exc, traceback.format_exc())
        record.code = 0
        response = json_response({"message": f"500: fake Discord crashed: {exc!r}", "code": 0}, status=500)
    finally:
        record.payload = request.get(PAYLOAD_KEY)
        record.files = len(request.get(FILES_KEY) or [])
    for key, value in decision.headers.items():
        response.headers[key] = value
    if fake.rules.validate_responses:
        _check_response(fake, template, response)
    if held is not None and held.after:
        await asyncio.sleep(held.hold)
    return response


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def _validate_body(fake: FakeDiscord, request: web.Request, template: str) -> None:
    """Discord checks the body before anything else: its operation's schema, then Discord's limits."""
    _, files = await read_body(request)
    payload = request.get(PAYLOAD_KEY)
    if payload is None:
        return
    try:
        validate.request(template, payload, bool(files))
    except APIError as exc:
        interaction = fake.interactions.get(_int(request.match_info.get("interaction_id")))
        if interaction is not None:
            interaction.rejected.append((exc.status, exc.code))
        raise


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _check_response(fake: FakeDiscord, template: str, response: web.StreamResponse) -> None:
    """Rules.validate_responses: the fake's own JSON bodies against the spec's response schemas."""
    body = getattr(response, "body", None)
    if not isinstance(body, bytes) or response.content_type != "application/json":
        return
    problems = openapi.response_problems(template, response.status, json.loads(body))
    if problems:
        fake.response_problems.extend(problems)


def build_app(fake: FakeDiscord) -> web.Application:
    from . import rest_channels, rest_guilds, rest_interactions

    app = web.Application(middlewares=[middleware], client_max_size=64 * 1024 * 1024)
    app[FAKE_KEY] = fake
    app.router.add_get("/gateway", fake.gateway.handle)
    routes = web.RouteTableDef()
    _core_routes(routes)
    for module in (rest_interactions, rest_channels, rest_guilds):
        module.add_routes(routes)
    for route in routes:
        assert isinstance(route, web.RouteDef)
        app.router.add_route(route.method, PREFIX + route.path, route.handler)
    return app


# -- core routes -------------------------------------------------------------------------------


def _core_routes(routes: web.RouteTableDef) -> None:
    routes.get("/users/@me")(get_me)
    routes.get("/users/{user_id}")(get_user)
    routes.get("/oauth2/applications/@me")(get_application)
    routes.get("/applications/@me")(get_application)
    routes.get("/gateway")(get_gateway)
    routes.get("/gateway/bot")(get_gateway_bot)
    for prefix in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
        routes.get(prefix + "/commands")(get_commands)
        routes.put(prefix + "/commands")(put_commands)
        routes.post(prefix + "/commands")(post_command)
        routes.get(prefix + "/commands/{command_id}")(get_command)
        routes.patch(prefix + "/commands/{command_id}")(patch_command)
        routes.delete(prefix + "/commands/{command_id}")(delete_command)


async def get_me(request: web.Request) -> web.Response:
    return json_response(payloads.client_user_json(fake_of(request).world.bot_user))


async def get_user(request: web.Request) -> web.Response:
    world = fake_of(request).world
    user = world.users.get(int(request.match_info["user_id"]))
    if user is None:
        raise unknown("User")
    return json_response(payloads.user_json(user))


async def get_application(request: web.Request) -> web.Response:
    return json_response(payloads.application_json(fake_of(request).world))


async def get_gateway(request: web.Request) -> web.Response:
    return json_response({"url": fake_of(request).gateway_url})


async def get_gateway_bot(request: web.Request) -> web.Response:
    fake = fake_of(request)
    total = 1000
    return json_response(
        {
            "url": fake.gateway_url,
            "shards": fake.shard_count,
            "session_start_limit": {
                "total": total,
                "remaining": max(total - fake.gateway.identify_count, 0),
                "reset_after": 86400000,
                "max_concurrency": fake.max_concurrency,
            },
        }
    )


def _scope(request: web.Request) -> Any:
    fake = fake_of(request)
    if int(request.match_info["application_id"]) != fake.world.application_id:
        raise APIError(403, 50001, "Missing Access")
    guild_id = request.match_info.get("guild_id")
    if guild_id is None:
        return "global"
    if int(guild_id) not in fake.world.guilds:
        raise APIError(403, 50001, "Missing Access")
    return int(guild_id)


def _store_command(fake: FakeDiscord, scope: Any, data: dict[str, Any]) -> dict[str, Any]:
    existing = {(c.get("type", 1), c["name"]): c for c in fake.command_store.get(scope, [])}
    previous = existing.get((data.get("type", 1), data.get("name")))
    # As Discord returns it: nulls dropped, defaults filled in, the permission bit set as a string.
    command = {k: v for k, v in data.items() if v is not None}
    command.setdefault("type", 1)
    command.setdefault("description", "")
    permissions = data.get("default_member_permissions")
    command["default_member_permissions"] = None if permissions is None else str(int(permissions))
    command.setdefault("contexts", None)
    command.setdefault("integration_types", [0])
    command.setdefault("nsfw", False)
    command["id"] = previous["id"] if previous else str(fake.world.snowflake())
    command["application_id"] = str(fake.world.application_id)
    command["version"] = str(fake.world.snowflake())
    if scope != "global":
        command["guild_id"] = str(scope)
    return command


async def get_commands(request: web.Request) -> web.Response:
    fake = fake_of(request)
    return json_response(fake.command_store.get(_scope(request), []))


async def put_commands(request: web.Request) -> web.Response:
    fake = fake_of(request)
    scope = _scope(request)
    body, _ = await read_body(request)
    items = body.get("__list__")
    if not isinstance(items, list):
        raise APIError(400, 50035, "Invalid Form Body")
    request[PAYLOAD_KEY] = items
    if len(items) > 100:
        raise APIError(400, 30032, "Maximum number of application commands reached (100)")
    stored = [_store_command(fake, scope, c) for c in items]
    fake.command_store[scope] = stored
    fake.command_put_count[scope] += 1
    fake._notify()
    return json_response(stored)


async def post_command(request: web.Request) -> web.Response:
    fake = fake_of(request)
    scope = _scope(request)
    body, _ = await read_body(request)
    command = _store_command(fake, scope, body)
    current = [c for c in fake.command_store.get(scope, []) if c["id"] != command["id"]]
    fake.command_store[scope] = [*current, command]
    fake._notify()
    return json_response(command, status=201)


def _find_command(request: web.Request) -> tuple[Any, dict[str, Any]]:
    fake = fake_of(request)
    scope = _scope(request)
    for command in fake.command_store.get(scope, []):
        if command["id"] == request.match_info["command_id"]:
            return scope, command
    raise unknown("Application Command")


async def get_command(request: web.Request) -> web.Response:
    return json_response(_find_command(request)[1])


async def patch_command(request: web.Request) -> web.Response:
    fake = fake_of(request)
    _, command = _find_command(request)
    body, _ = await read_body(request)
    command.update(body)
    fake._notify()
    return json_response(command)


async def delete_command(request: web.Request) -> web.Response:
    fake = fake_of(request)
    scope, command = _find_command(request)
    fake.command_store[scope] = [c for c in fake.command_store[scope] if c is not command]
    fake._notify()
    return no_content()
