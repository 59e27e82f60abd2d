"""Discord's own OpenAPI description (``spec/discord-openapi.json``, MIT, from Discord's public
discord-api-spec repository), used as data: a request body is validated against its operation's
request schema (Discord answers 400 ``50035 Invalid Form Body`` with an ``errors`` tree), and the
fake's responses can be checked against the response schemas (``Rules.validate_responses``).

The spec is loaded once per process; one validator per operation is compiled on first use and cached.
Where the spec is wrong about what Discord accepts, the loaded copy is corrected narrowly (``_patch``);
where it is looser than Discord, ``validate.py`` adds Discord's own limits.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import APIError

SPEC_FILE = "spec/discord-openapi.json"
_SCHEMAS = "#/components/schemas/"
_URI = "urn:discord:schema:"
_METHODS = ("get", "put", "post", "patch", "delete")
#: permission bit sets: Discord documents and sends them as strings; the spec types them ``integer``
_BITFIELDS = frozenset({"allow", "deny", "permissions", "default_member_permissions"})
_INTEGER = re.compile(r"-?[0-9]+")
#: at most this many leaf errors in one 50035 answer
_MAX_ERRORS = 10


@functools.cache
def spec() -> dict[str, Any]:
    """The spec as published."""
    return json.loads((resources.files(__package__) / SPEC_FILE).read_text(encoding="utf-8"))


# -- the validator class -----------------------------------------------------------------------


def _integer_string(validator: Any, schema: Any, instance: Any, _parent: Any) -> Iterator[ValidationError]:
    """``x-fake-integer-string``: a string holding a decimal integer that is valid under ``schema``."""
    if not isinstance(instance, str):
        return
    if not _INTEGER.fullmatch(instance):
        yield ValidationError(f"{instance!r} is not int", validator="type", validator_value="integer")
        return
    yield from validator.descend(int(instance), schema)


_ANY_OF = Draft202012Validator.VALIDATORS["anyOf"]
_UNION = "x-fake-union"


def _union(validator: Any, union: dict[str, Any], instance: Any, _parent: Any) -> Iterator[ValidationError]:
    """``x-fake-union``: an ``anyOf`` whose branches each take one ``type`` value (components, options,
    callbacks). The payload's ``type`` picks its branch, as Discord does: only that branch is checked,
    instead of every branch in turn (a command's options nest unions of eleven option types)."""
    branch = union["by_type"].get(instance.get("type")) if isinstance(instance, dict) else None
    if branch is not None and not isinstance(instance.get("type"), bool):
        yield from validator.descend(instance, branch)
    else:  # no or an unknown discriminator: the plain union, refused with every branch's errors
        yield from _ANY_OF(validator, union["anyOf"], instance, _parent)


_Validator = validators.extend(Draft202012Validator, {"x-fake-integer-string": _integer_string, _UNION: _union})

#: The formats Discord asserts (jsonschema only annotates ``format`` unless given a checker).
FORMATS = FormatChecker(formats=())


@FORMATS.checks("int32")
def _int32(value: Any) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


@FORMATS.checks("int64")
def _int64(value: Any) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


@FORMATS.checks("uri")
def _uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https", "attachment") and bool(parts.netloc)


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: Any) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value)
    return True


# -- the patched spec --------------------------------------------------------------------------


def _patch(node: Any, *, request: bool) -> Any:
    """A corrected deep copy of the spec (the published one stays as it is):

    * ``$ref: #/components/schemas/X`` becomes ``urn:discord:schema:X``, one registry resource per
      schema: resolving it is a dictionary look-up rather than a JSON-pointer walk (cheaper).
    * ``oneOf`` becomes ``anyOf``. Discord's unions are discriminated (a component's or a callback's
      ``type``) or nullable (``[null, X]``), and the spec already writes some as ``anyOf`` marked
      ``x-discord-union: oneOf``: a payload matching two branches is no error on Discord (branches
      overlap only where the spec is vague), and ``anyOf`` stops at the first match.
    * Requests only — what Discord accepts and the spec types too narrowly:
      - permission bit sets (``allow``, ``deny``, ``permissions``, ``default_member_permissions``):
        Discord documents them as strings and accepts both; discord.py sends ``str(allow.value)``
        when it edits one overwrite. A decimal string valid under the integer schema is accepted
        (``"-1"`` is still refused);
      - snowflakes (``SnowflakeType``, a decimal string): Discord also accepts them as JSON integers,
        which is what discord.py sends for overwrite ids, ``recipient_id``, allowed-mention users and
        attachment ids (``{"id": 0}`` for the first file of a multipart request).
    * Responses only: see ``_patched`` (the codes inside an ``errors`` tree are strings; the gateway's
      URL is a ``wss://`` one).
    """
    if isinstance(node, list):
        return [_patch(item, request=request) for item in node]
    if not isinstance(node, dict):
        return node
    patched = {("anyOf" if key == "oneOf" else key): _patch(value, request=request) for key, value in node.items()}
    ref = patched.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SCHEMAS):
        patched["$ref"] = _URI + ref[len(_SCHEMAS) :]
    properties = patched.get("properties")
    if request and isinstance(properties, dict):
        for name in _BITFIELDS & properties.keys():
            schema = properties[name]
            kinds = schema.get("type") if isinstance(schema, dict) else None
            if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
                properties[name] = {"anyOf": [schema, {"type": "string", "x-fake-integer-string": schema}]}
    return patched


@functools.cache
def _patched(request: bool) -> dict[str, Any]:
    patched = _patch(spec(), request=request)
    schemas = patched["components"]["schemas"]
    _discriminate(patched, schemas)
    if request:
        schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    else:
        # The spec gives the entries of an ``errors`` tree (``{"_errors": [{"code", "message"}]}``) the
        # integer ``code`` of the top-level error; Discord sends their codes as strings (BASE_TYPE_REQUIRED).
        entry = {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
        schemas["InnerErrors"]["properties"]["_errors"]["items"] = {**entry, "required": ["code", "message"]}
        # The gateway's address is a websocket URL (Discord answers wss://gateway.discord.gg): the "uri"
        # format, checked as Discord checks the URLs it is sent (http, https, attachment), is not meant.
        for name in ("GatewayResponse", "GatewayBotResponse"):
            schemas[name]["properties"]["url"] = {"type": "string", "pattern": "^wss?://[^/]+"}
    return patched


def _discriminate(node: Any, schemas: dict[str, Any]) -> None:
    """Turn each ``anyOf`` of ``$ref``s that one ``type`` value per branch tells apart into an
    ``x-fake-union`` (in place)."""
    if isinstance(node, list):
        for item in node:
            _discriminate(item, schemas)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _discriminate(value, schemas)
    branches = node.get("anyOf")
    if not isinstance(branches, list) or len(branches) < 2:
        return
    by_type: dict[Any, Any] = {}
    for branch in branches:
        ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
        target = schemas.get(ref[len(_URI) :]) if ref.startswith(_URI) else None
        kind = ((target or {}).get("properties") or {}).get("type") or {}
        values = kind.get("enum") or ([kind["const"]] if "const" in kind else [])
        if not values or any(v in by_type for v in values):
            return
        by_type.update(dict.fromkeys(values, branch))
    node[_UNION] = {"anyOf": node.pop("anyOf"), "by_type": by_type}


@functools.cache
def _registry(request: bool) -> Registry:
    return Registry().with_resources(
        (_URI + name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in _patched(request)["components"]["schemas"].items()
    )


def _compile(schema: Any, *, request: bool) -> Any:
    return _Validator(schema, registry=_registry(request), format_checker=FORMATS)


# -- operations --------------------------------------------------------------------------------


def _template_key(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@functools.cache
def _operations() -> dict[tuple[str, str], str]:
    """("POST", "/channels/{}/messages") -> the spec's path as written."""
    table = {}
    for path, item in spec()["paths"].items():
        for method in _METHODS:
            if method in item:
                table[(method.upper(), _template_key(path))] = path
    return table


def operation(route: str) -> dict[str, Any] | None:
    """The spec's operation for the fake's route (``"POST /channels/{channel_id}/messages"``), if any."""
    method, _, path = route.partition(" ")
    found = _operations().get((method, _template_key(path)))
    return spec()["paths"][found][method.lower()] if found is not None else None


def _patched_operation(route: str, *, request: bool) -> dict[str, Any] | None:
    method, _, path = route.partition(" ")
    found = _operations().get((method, _template_key(path)))
    return _patched(request)["paths"][found][method.lower()] if found is not None else None


#: Unions Discord resolves by the resource rather than by the payload: every branch of PATCH
#: /channels/{id} (DM, group DM, guild channel, thread) accepts any object, and the fake edits
#: guild channels only.
_REQUEST_SCHEMA_OVERRIDES = {"PATCH /channels/{channel_id}": "UpdateGuildChannelRequestPartial"}


@functools.cache
def request_validator(route: str) -> Any | None:
    """The compiled validator of the route's JSON request body (None: the spec has no body there)."""
    if route in _REQUEST_SCHEMA_OVERRIDES:
        return _compile({"$ref": _URI + _REQUEST_SCHEMA_OVERRIDES[route]}, request=True)
    found = _patched_operation(route, request=True)
    content = ((found or {}).get("requestBody") or {}).get("content") or {}
    return _compile(content["application/json"]["schema"], request=True) if "application/json" in content else None


@functools.cache
def response_validator(route: str, status: int) -> Any | None:
    """The compiled validator of the route's JSON response for ``status`` (None: no schema for it)."""
    found = _patched_operation(route, request=False)
    responses = (found or {}).get("responses") or {}
    response = responses.get(str(status)) or (responses.get("4XX") if 400 <= status < 500 else None) or {}
    if "$ref" in response:  # "#/components/responses/ClientErrorResponse"
        response = _patched(False)["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content") or {}
    return _compile(content["application/json"]["schema"], request=False) if "application/json" in content else None


def check_request(route: str, body: Any) -> None:
    """Raise Discord's ``400 50035 Invalid Form Body`` if ``body`` does not match the route's request schema."""
    validator = request_validator(route)
    if validator is None:
        return
    errors = list(validator.iter_errors(body))
    if errors:
        raise APIError(400, 50035, "Invalid Form Body", error_tree(errors))


def response_problems(route: str, status: int, body: Any) -> list[str]:
    """Where the fake's response body does not match the spec's response schema (empty: it conforms)."""
    validator = response_validator(route, status)
    if validator is None:
        return []
    return [
        f"{route} -> {status}: {'.'.join(map(str, path)) or '(body)'}: {code} {message}"
        for error in validator.iter_errors(body)
        for path, code, message in _leaves(error)
    ]


# -- Discord's error tree ----------------------------------------------------------------------

Leaf = tuple[tuple[Any, ...], str, str]


def error_tree(errors: Iterable[ValidationError]) -> dict[str, Any]:
    """Discord's nested ``errors`` object: ``{"components": {"0": {"style": {"_errors": [...]}}}}``."""
    tree: dict[str, Any] = {}
    count = 0
    for error in errors:
        for path, code, message in _leaves(error):
            node = tree
            for key in path:
                node = node.setdefault(str(key), {})
            entries = node.setdefault("_errors", [])
            if {"code": code, "message": message} not in entries:
                entries.append({"code": code, "message": message})
                count += 1
            if count >= _MAX_ERRORS:
                return tree
    return tree


def _leaves(error: ValidationError) -> Iterator[Leaf]:
    """The errors a reader should see: a union is resolved to the branch the payload meant."""
    path = tuple(error.absolute_path)
    if error.validator not in ("anyOf", "oneOf", _UNION) or not error.context:
        yield from _describe(error, path)
        return
    branches: dict[Any, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        branches[sub.relative_schema_path[0]].append(sub)
    # A branch of another JSON type (null for an object) or another discriminator ("type": 2 for a
    # select) is not the one meant.
    live = [errs for errs in branches.values() if not any(_wrong_type(e) or _discriminator(e) for e in errs)]
    missing = set.intersection(*(_missing(errs) for errs in live)) if live else set()
    if missing:  # a field every branch requires (the discriminator ``type`` itself): that is the error
        for name in sorted(missing):
            yield (*path, name), "BASE_TYPE_REQUIRED", "This field is required"
        return
    specific = [errs for errs in live if not all(_root_choice(e) for e in errs)]
    if specific:
        # Several branches fit: the one whose errors go deepest (then the fewest) is the one meant.
        depth = max(_depth(errs) for errs in specific)
        for sub in min((errs for errs in specific if _depth(errs) == depth), key=len):
            yield from _leaves(sub)
        return
    if live:  # every branch is one allowed value: ``anyOf: [{const: 1}, {const: 2}]``
        values = sorted({v for errs in live for e in errs for v in _choices(e)}, key=str)
        yield path, "BASE_TYPE_CHOICES", "Value must be one of {" + ", ".join(map(repr, values)) + "}."
        return
    discriminators = [e for errs in branches.values() for e in errs if _discriminator(e)]
    if discriminators:
        values = sorted({v for e in discriminators for v in _choices(e)}, key=str)
        listed = ", ".join(map(str, values)) + ("," if len(values) == 1 else "")
        yield path, "UNION_TYPE_CHOICES", f'Value of field "type" must be one of ({listed}).'
        return
    kinds = [k for errs in branches.values() for e in errs if _wrong_type(e) for k in _as_list(e.validator_value)]
    yield from _type_error(path, error.instance, [k for k in kinds if k != "null"] or kinds)


def _missing(errors: list[ValidationError]) -> set[str]:
    """The fields a branch requires at its root that the payload lacks."""
    return {
        name
        for e in errors
        if e.validator == "required" and not e.relative_path and isinstance(e.instance, dict)
        for name in e.validator_value
        if name not in e.instance
    }


def _wrong_type(error: ValidationError) -> bool:
    return error.validator == "type" and not error.relative_path


def _discriminator(error: ValidationError) -> bool:
    return list(error.relative_path) == ["type"] and error.validator in ("enum", "const")


def _root_choice(error: ValidationError) -> bool:
    return error.validator in ("enum", "const") and not error.relative_path


def _depth(errors: list[ValidationError]) -> int:
    return max(len(e.absolute_path) for e in errors)


def _choices(error: ValidationError) -> list[Any]:
    return list(error.validator_value) if error.validator == "enum" else [error.validator_value]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_TYPE_ERRORS = {
    "integer": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not int.'),
    "number": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not a number.'),
    "string": ("BASE_TYPE_STRING", "Must be a string."),
    "boolean": ("BOOLEAN_TYPE_CONVERT", "Must be either true or false."),
    "object": ("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"),
    "array": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"),
    "null": ("BASE_TYPE_NULL", "Must be null."),
}


def _type_error(path: tuple[Any, ...], instance: Any, kinds: list[str]) -> Iterator[Leaf]:
    code, message = _TYPE_ERRORS.get(kinds[0] if kinds else "", ("BASE_TYPE_INVALID", "Invalid value."))
    yield path, code, message.format(value=instance)


_FORMAT_ERRORS = {
    "uri": ("URL_TYPE_INVALID_URL", "Not a well formed URL."),
    "date-time": ("DATE_TIME_TYPE_PARSE", 'Could not parse "{value}". Should be ISO8601.'),
    "int32": ("NUMBER_TYPE_MAX", 'Value "{value}" is not int32.'),
    "int64": ("NUMBER_TYPE_MAX", 'Value "{value}" is not int64.'),
}


def _describe(error: ValidationError, path: tuple[Any, ...]) -> Iterator[Leaf]:
    keyword, value, schema, instance = error.validator, error.validator_value, error.schema, error.instance
    if keyword == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                yield (*path, name), "BASE_TYPE_REQUIRED", "This field is required"
    elif keyword == "type":
        yield from _type_error(path, instance, [k for k in _as_list(value) if k != "null"] or _as_list(value))
    elif keyword in ("maxLength", "maxItems", "maxProperties", "minLength", "minItems", "minProperties"):
        low = schema.get("min" + keyword[3:]) if keyword.startswith("max") else value
        high = value if keyword.startswith("max") else schema.get("max" + keyword[3:])
        if low and high is not None:
            yield path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
        elif keyword.startswith("max"):
            yield path, "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
        else:
            yield path, "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."
    elif keyword in ("maximum", "exclusiveMaximum"):
        yield path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {value}."
    elif keyword in ("minimum", "exclusiveMinimum"):
        yield path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {value}."
    elif keyword in ("enum", "const"):
        yield path, "BASE_TYPE_CHOICES", "Value must be one of {" + ", ".join(map(repr, _choices(error))) + "}."
    elif keyword == "pattern":
        yield path, "STRING_TYPE_REGEX", "String value did not match validation regex."
    elif keyword == "uniqueItems":
        yield path, "LIST_ITEM_VALUE_DUPLICATE", "List items must be unique."
    elif keyword == "format" and value in _FORMAT_ERRORS:
        code, message = _FORMAT_ERRORS[value]
        yield path, code, message.format(value=instance)
    else:
        yield path, "BASE_TYPE_INVALID", error.message
