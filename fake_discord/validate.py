"""Request bodies as Discord checks them (400 50035 Invalid Form Body): first the operation's schema
from Discord's OpenAPI spec (``openapi.check_request``), then the limits Discord enforces where the
spec is looser (2,000-character content, 1,024-character topic, unique custom_ids, five action rows,
one select per row, lowercase command names, known locales...).

``request(route, body, files)`` is called by the REST middleware for every body the bot sends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from . import openapi
from .errors import APIError, invalid_form
from .models import IS_COMPONENTS_V2

_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")
Path = tuple[str | int, ...]

# Interaction callback types
_CHANNEL_MESSAGE, _UPDATE_MESSAGE, _AUTOCOMPLETE_RESULT, _MODAL = 4, 7, 8, 9
# Button styles
_LINK, _PREMIUM = 5, 6


def request(route: str, body: Any, has_files: bool = False) -> None:
    """Refuse ``body`` (the decoded JSON, or ``payload_json`` of a multipart request) as Discord would."""
    try:
        openapi.check_request(route, body)
        stricter = _STRICTER.get(route)
        if stricter is not None:
            stricter(body, has_files)
    except APIError as exc:
        exc.invalid_body = True
        raise


@functools.cache
def discord_locales() -> frozenset[str]:
    """The locales Discord knows (``AvailableLocalesEnum`` of the spec): the keys of localizations."""
    enum = openapi.spec()["components"]["schemas"]["AvailableLocalesEnum"]
    return frozenset(choice["const"] for choice in enum["oneOf"])


def _max_len(path: Path, value: Any, limit: int) -> None:
    if value is not None and len(str(value)) > limit:
        raise invalid_form(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _required(path: Path, value: Any) -> None:
    if value is None or value == "":
        raise invalid_form(path, "BASE_TYPE_REQUIRED", "This field is required")


# -- messages ----------------------------------------------------------------------------------


def message(payload: dict[str, Any], *, creating: bool, has_files: bool = False, prefix: Path = ()) -> None:
    """A message create/edit payload; ``prefix`` locates it in the request (e.g. ``("data",)``)."""
    content = payload.get("content")
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    flags = int(payload.get("flags") or 0)
    if flags & IS_COMPONENTS_V2:
        for key, value in (("content", content), ("embeds", embeds)):
            if value:
                raise invalid_form(
                    (*prefix, key),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    f"The '{key}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
    _max_len((*prefix, "content"), content, 2000)
    total = sum(_embed(embed, (*prefix, "embeds", i)) for i, embed in enumerate(embeds))
    if total > 6000:
        raise invalid_form((*prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    _components(components, (*prefix, "components"), v2=bool(flags & IS_COMPONENTS_V2))
    _allowed_mentions(payload.get("allowed_mentions") or {}, (*prefix, "allowed_mentions"))
    if creating and not (
        content or embeds or components or has_files or payload.get("sticker_ids") or payload.get("poll")
    ):
        raise APIError(400, 50006, "Cannot send an empty message")


def _embed(embed: dict[str, Any], path: Path) -> int:
    """The embed's size in characters (Discord counts title, description, fields, footer, author)."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    for i, fld in enumerate(embed.get("fields") or []):
        _required((*path, "fields", i, "name"), fld.get("name"))
        _required((*path, "fields", i, "value"), fld.get("value"))
        size += len(fld.get("name") or "") + len(fld.get("value") or "")
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    return size + len(footer.get("text") or "") + len(author.get("name") or "")


def _allowed_mentions(mentions: dict[str, Any], path: Path) -> None:
    for kind in ("users", "roles"):
        if kind in (mentions.get("parse") or []) and mentions.get(kind):
            raise invalid_form(
                (*path, kind),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def _components(components: list[dict[str, Any]], path: Path, *, v2: bool) -> None:
    if not v2 and len(components) > 5:
        raise invalid_form(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            raise invalid_form((*path, i), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
        children = row.get("components") or []
        if row.get("type") == 1 and len(children) > 1 and any(c.get("type") != 2 for c in children):
            raise invalid_form(
                (*path, i, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
    _unique_custom_ids(components, path)
    for where, component in _walk(components, path):
        if component.get("type") == 2:
            _button(component, where)
        elif component.get("type") == 3:
            _string_select(component, where)
        if component.get("type") in (3, 5, 6, 7, 8):
            low, high = component.get("min_values"), component.get("max_values")
            if low is not None and high is not None and low > high:
                raise invalid_form(
                    (*where, "min_values"), "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE", "min_values exceeds max_values"
                )


def _walk(components: list[dict[str, Any]], path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """``(path, component)`` for every component of a (nested) component tree, depth first."""
    for i, component in enumerate(components):
        yield (*path, i), component
        yield from _walk(component.get("components") or [], (*path, i, "components"))
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from _walk([component[key]], (*path, i, key))


def _unique_custom_ids(components: list[dict[str, Any]], path: Path) -> None:
    seen: set[str] = set()
    for where, component in _walk(components, path):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            raise invalid_form(
                (*where, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
            )
        seen.add(custom_id)


def _button(button: dict[str, Any], path: Path) -> None:
    style = button.get("style")
    if style == _LINK:
        _required((*path, "url"), button.get("url"))
        forbidden = ("custom_id", "sku_id")
    elif style == _PREMIUM:
        _required((*path, "sku_id"), button.get("sku_id"))
        forbidden = ("custom_id", "url", "label", "emoji")
    else:
        _required((*path, "custom_id"), button.get("custom_id"))
        forbidden = ("url", "sku_id")
    for key in forbidden:
        if button.get(key) is not None:
            raise invalid_form(
                (*path, key), "BUTTON_COMPONENT_INVALID_FIELD", f"A button of style {style} cannot have a {key}"
            )


def _string_select(select: dict[str, Any], path: Path) -> None:
    options = select.get("options") or []
    high = select.get("max_values")
    if high is not None and high > len(options):
        raise invalid_form((*path, "options"), "BASE_TYPE_BAD_LENGTH", f"Must be between {high} and 25 in length.")
    values = [option.get("value") for option in options]
    if len(set(values)) != len(values):
        raise invalid_form(
            (*path, "options"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Select option values must be unique"
        )
    defaults = sum(1 for option in options if option.get("default"))
    if defaults > (1 if high is None else high):
        raise invalid_form(
            (*path, "options"), "SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES", "More default options than max_values"
        )


# -- interaction callbacks and modals ----------------------------------------------------------


def callback(body: dict[str, Any], has_files: bool = False) -> None:
    data = body.get("data") or {}
    ctype = body.get("type")
    if ctype == _CHANNEL_MESSAGE:
        message(data, creating=True, has_files=has_files, prefix=("data",))
    elif ctype == _UPDATE_MESSAGE:
        message(data, creating=False, prefix=("data",))
    elif ctype == _MODAL:
        modal(data)
    elif ctype == _AUTOCOMPLETE_RESULT:
        for i, choice in enumerate(data.get("choices") or []):
            if isinstance(choice, dict) and isinstance(choice.get("value"), str):
                _max_len(("data", "choices", i, "value"), choice["value"], 100)


def modal(data: dict[str, Any]) -> None:
    components = data.get("components") or []
    if len(components) > 5:
        raise invalid_form(("data", "components"), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, top in enumerate(components):
        if top.get("type") == 1 and len(top.get("components") or []) > 1:
            raise invalid_form(
                ("data", "components", i, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
    for where, component in _walk(components, ("data", "components")):
        low, high = component.get("min_length"), component.get("max_length")
        if component.get("type") == 4 and low is not None and high is not None and low > high:
            raise invalid_form((*where, "min_length"), "TEXT_INPUT_MIN_LENGTH_INVALID", "min_length exceeds max_length")
    _unique_custom_ids(components, ("data", "components"))


# -- application commands ----------------------------------------------------------------------


def commands(items: list[dict[str, Any]]) -> None:
    names: set[tuple[int, str]] = set()
    for i, command in enumerate(items):
        ctype = command.get("type") or 1
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


def _localizations(item: dict[str, Any], key: str, path: Path) -> list[tuple[Path, str]]:
    """``(path, text)`` of each localization of ``key``; an unknown locale is refused."""
    found = []
    for locale, text in (item.get(f"{key}_localizations") or {}).items():
        where = (*path, f"{key}_localizations", locale)
        if locale not in discord_locales():
            raise invalid_form(where, "LOCALE_INVALID", f"Invalid locale {locale!r}: not one of Discord's locales")
        found.append((where, text))
    return found


def _command_like(item: dict[str, Any], path: Path, *, chat_input: bool) -> None:
    for where, value in [((*path, "name"), item.get("name") or ""), *_localizations(item, "name", path)]:
        if chat_input and (not _NAME_RE.match(value) or value != value.lower()):
            raise invalid_form(where, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {value!r}")
    descriptions = _localizations(item, "description", path)
    if chat_input:
        _required((*path, "description"), item.get("description"))
        for where, value in descriptions:
            _required(where, value)


def _options(options: list[dict[str, Any]], path: Path) -> None:
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
        if option.get("autocomplete") and option.get("choices"):
            raise invalid_form(
                (*path, i, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_CHOICES_AND_AUTOCOMPLETE",
                "Autocomplete cannot be set on an option with choices",
            )
        for j, choice in enumerate(option.get("choices") or []):
            _localizations(choice, "name", (*path, i, "choices", j))
            if isinstance(choice.get("value"), str):
                _max_len((*path, i, "choices", j, "value"), choice["value"], 100)


# -- channels ----------------------------------------------------------------------------------


def channel(body: dict[str, Any], _has_files: bool = False) -> None:
    """Guild channel creation / edit: the spec allows any channel's 4,096-character topic."""
    if body.get("type") in (None, 0, 5):
        _max_len(("topic",), body.get("topic"), 1024)


def _message_create(body: dict[str, Any], has_files: bool) -> None:
    message(body, creating=True, has_files=has_files)


def _message_edit(body: dict[str, Any], _has_files: bool) -> None:
    message(body, creating=False)


def _command_list(body: list[dict[str, Any]] | None, _has_files: bool) -> None:
    commands(body or [])


def _command(body: dict[str, Any], _has_files: bool) -> None:
    commands([body])


_COMMANDS = ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}")
_STRICTER: dict[str, Callable[[Any, bool], None]] = {
    "POST /channels/{channel_id}/messages": _message_create,
    "PATCH /channels/{channel_id}/messages/{message_id}": _message_edit,
    "POST /webhooks/{webhook_id}/{webhook_token}": _message_create,
    "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": _message_edit,
    "POST /interactions/{interaction_id}/{interaction_token}/callback": callback,
    "POST /guilds/{guild_id}/channels": channel,
    "PATCH /channels/{channel_id}": channel,
    **{f"PUT {prefix}/commands": _command_list for prefix in _COMMANDS},
    **{f"POST {prefix}/commands": _command for prefix in _COMMANDS},
}
