"""Discord's payload limits (400 50035 Invalid Form Body), for messages, modals and commands."""

from __future__ import annotations

import re
from typing import Any

from .errors import APIError, invalid_form
from .models import IS_COMPONENTS_V2, walk_components

_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


def _max_len(path: tuple[str | int, ...], value: Any, limit: int) -> None:
    if value is not None and len(str(value)) > limit:
        raise invalid_form(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _required(path: tuple[str | int, ...], value: Any) -> None:
    if value is None or value == "":
        raise invalid_form(path, "BASE_TYPE_REQUIRED", "This field is required")


def message(payload: dict[str, Any], *, creating: bool, has_files: bool = False, prefix: tuple = ()) -> None:
    """Validate a message create/edit payload; ``prefix`` locates it in the request (e.g. ``("data",)``)."""
    content = payload.get("content")
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    flags = int(payload.get("flags") or 0)
    if flags & IS_COMPONENTS_V2:
        if content:
            raise invalid_form(
                (*prefix, "content"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        if embeds:
            raise invalid_form(
                (*prefix, "embeds"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
    _max_len((*prefix, "content"), content, 2000)
    if len(embeds) > 10:
        raise invalid_form((*prefix, "embeds"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        total += _embed(embed, (*prefix, "embeds", i))
    if total > 6000:
        raise invalid_form((*prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    _components(components, (*prefix, "components"), v2=bool(flags & IS_COMPONENTS_V2))
    if creating and not (
        content or embeds or components or has_files or payload.get("sticker_ids") or payload.get("poll")
    ):
        raise APIError(400, 50006, "Cannot send an empty message")


def _embed(embed: dict[str, Any], path: tuple) -> int:
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        _max_len((*path, key), embed.get(key), limit)
        size += len(embed.get(key) or "")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise invalid_form((*path, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, fld in enumerate(fields):
        _required((*path, "fields", i, "name"), fld.get("name"))
        _required((*path, "fields", i, "value"), fld.get("value"))
        _max_len((*path, "fields", i, "name"), fld.get("name"), 256)
        _max_len((*path, "fields", i, "value"), fld.get("value"), 1024)
        size += len(fld.get("name") or "") + len(fld.get("value") or "")
    footer = (embed.get("footer") or {}).get("text")
    _max_len((*path, "footer", "text"), footer, 2048)
    author = (embed.get("author") or {}).get("name")
    _max_len((*path, "author", "name"), author, 256)
    return size + len(footer or "") + len(author or "")


def _components(components: list[dict[str, Any]], path: tuple, *, v2: bool) -> None:
    if not v2 and len(components) > 5:
        raise invalid_form(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            raise invalid_form((*path, i, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
        children = row.get("components") or []
        if row.get("type") == 1:
            if not children or len(children) > 5:
                raise invalid_form(
                    (*path, i, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
                )
            if len(children) > 1 and any(c.get("type") != 2 for c in children):
                raise invalid_form(
                    (*path, i, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        ctype = component.get("type")
        if ctype == 2 and component.get("style") not in (5, 6) and not custom_id:
            raise invalid_form((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
        if custom_id is not None:
            _max_len((*path, "custom_id"), custom_id, 100)
            if custom_id in seen:
                raise invalid_form(
                    (*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
                )
            seen.add(custom_id)
        if ctype == 2:
            _max_len((*path, "label"), component.get("label"), 80)
        if ctype in (3, 5, 6, 7, 8):
            _max_len((*path, "placeholder"), component.get("placeholder"), 150)
        if ctype == 3:
            options = component.get("options") or []
            if not options or len(options) > 25:
                raise invalid_form((*path, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
            for j, option in enumerate(options):
                for key in ("label", "value", "description"):
                    _max_len((*path, "options", j, key), option.get(key), 100)


def modal(data: dict[str, Any]) -> None:
    _required(("data", "title"), data.get("title"))
    _max_len(("data", "title"), data.get("title"), 45)
    _required(("data", "custom_id"), data.get("custom_id"))
    _max_len(("data", "custom_id"), data.get("custom_id"), 100)
    components = data.get("components") or []
    if not components or len(components) > 5:
        raise invalid_form(("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for i, top in enumerate(components):
        path = ("data", "components", i)
        if top.get("type") == 18:
            _max_len((*path, "label"), top.get("label"), 45)
            _max_len((*path, "description"), top.get("description"), 100)
        for component in walk_components([top]):
            if component.get("type") != 4:
                continue
            _required((*path, "custom_id"), component.get("custom_id"))
            _max_len((*path, "custom_id"), component.get("custom_id"), 100)
            _max_len((*path, "label"), component.get("label"), 45)
            _max_len((*path, "placeholder"), component.get("placeholder"), 100)
            _max_len((*path, "value"), component.get("value"), 4000)
            for key in ("min_length", "max_length"):
                value = component.get(key)
                if value is not None and not 0 <= int(value) <= 4000:
                    raise invalid_form(
                        (*path, key), "NUMBER_TYPE_MAX", "int value should be less than or equal to 4000."
                    )


def commands(items: list[dict[str, Any]]) -> None:
    names: set[tuple[int, str]] = set()
    for i, command in enumerate(items):
        ctype = command.get("type", 1)
        key = (ctype, command.get("name", ""))
        if key in names:
            raise invalid_form(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique ({key[1]})",
            )
        names.add(key)
        _command_like(command, (i,), chat_input=ctype == 1)
        if ctype == 1:
            _options(command.get("options") or [], (i, "options"))


def _command_like(item: dict[str, Any], path: tuple, *, chat_input: bool) -> None:
    name = item.get("name") or ""
    localized = [("name", name)] + [
        (f"name_localizations.{loc}", v) for loc, v in (item.get("name_localizations") or {}).items()
    ]
    for field_path, value in localized:
        if chat_input and (not _NAME_RE.match(value) or value != value.lower()):
            raise invalid_form(
                (*path, *field_path.split(".")),
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid: {value!r}",
            )
        _max_len((*path, *field_path.split(".")), value, 32)
    if chat_input:
        descriptions = [("description", item.get("description") or "")] + [
            (f"description_localizations.{loc}", v) for loc, v in (item.get("description_localizations") or {}).items()
        ]
        for field_path, value in descriptions:
            _required((*path, *field_path.split(".")), value)
            _max_len((*path, *field_path.split(".")), value, 100)


def _options(options: list[dict[str, Any]], path: tuple) -> None:
    if len(options) > 25:
        raise invalid_form(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        _command_like(option, (*path, i), chat_input=True)
        if option.get("name") in seen:
            raise invalid_form(
                (*path, i, "name"), "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option names must be unique"
            )
        seen.add(option.get("name"))
        if option.get("type") in (1, 2):
            _options(option.get("options") or [], (*path, i, "options"))
            continue
        if option.get("required"):
            if optional_seen:
                raise invalid_form(
                    (*path, i, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            raise invalid_form((*path, i, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, choice in enumerate(choices):
            _max_len((*path, i, "choices", j, "name"), choice.get("name"), 100)
            for loc, value in (choice.get("name_localizations") or {}).items():
                _max_len((*path, i, "choices", j, "name_localizations", loc), value, 100)
