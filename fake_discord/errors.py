"""Discord's JSON error responses, and helpers shared by the REST handlers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .models import Attachment

PAYLOAD_KEY: web.RequestKey[Any] = web.RequestKey("payload", object)
FILES_KEY: web.RequestKey[list[Attachment]] = web.RequestKey("files", list)
_BODY_KEY: web.RequestKey[tuple[Any, list[Attachment]]] = web.RequestKey("body", tuple)


class APIError(Exception):
    """Raised by a handler; the middleware turns it into Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        #: refused for what the body says (Discord's schema and limits), not for the state of things
        self.invalid_body = False

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (no charset), as discord.py needs."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def no_content() -> web.Response:
    return web.Response(status=204)


def nested_error(path: tuple[str | int, ...], code: str, message: str) -> dict[str, Any]:
    """``("0", "options", "name")`` -> ``{"0": {"options": {"name": {"_errors": [...]}}}}``."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        errors = {str(key): errors}
    return errors


def invalid_form(path: tuple[str | int, ...], code: str, message: str) -> APIError:
    return APIError(400, 50035, "Invalid Form Body", nested_error(path, code, message))


def missing_access() -> APIError:
    return APIError(403, 50001, "Missing Access")


def missing_permissions() -> APIError:
    return APIError(403, 50013, "Missing Permissions")


def unknown(kind: str) -> APIError:
    codes = {
        "Channel": 10003,
        "Guild": 10004,
        "Member": 10007,
        "Message": 10008,
        "Overwrite": 10009,
        "Role": 10011,
        "User": 10013,
        "Webhook": 10015,
        "Interaction": 10062,
        "Application": 10002,
        "Application Command": 10063,
    }
    return APIError(404, codes[kind], f"Unknown {kind}")


def snowflake(value: Any, kind: str = "Channel") -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid_form(("id",), "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.') from None


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Attachment]]:
    """JSON or multipart (``payload_json`` + ``files[n]``) body -> (payload, files); read once per
    request (the middleware validates it before the handler reads it again)."""
    if _BODY_KEY not in request:
        request[_BODY_KEY] = await _read_body(request)
    return request[_BODY_KEY]


async def _read_body(request: web.Request) -> tuple[dict[str, Any], list[Attachment]]:
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[Attachment] = []
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = json.loads(data)
            elif part.filename:  # type: ignore[union-attr]
                files.append(
                    Attachment(
                        id=0,
                        filename=part.filename,
                        data=bytes(data),  # type: ignore[union-attr]
                        content_type=part.headers.get("Content-Type"),
                    )
                )  # type: ignore[union-attr]
        request[PAYLOAD_KEY], request[FILES_KEY] = payload, files
        return payload, files
    raw = await request.read()
    if not raw:
        request[PAYLOAD_KEY] = None
        return {}, []
    try:
        value = json.loads(raw)
    except ValueError:
        raise APIError(400, 50109, "The request body contains invalid JSON.") from None
    request[PAYLOAD_KEY] = value
    if isinstance(value, list):
        return {"__list__": value}, []
    return value, []
