"""Finding parts of a Discord request body and building variants of it (see ``invalid_payloads``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Variant:
    """A change Discord refuses: ``mutate`` changes a copy of a real body and returns where Discord reports it."""

    name: str
    kind: str  # which of the bot's real bodies it changes: a key of real_payloads.KINDS
    mutate: Callable[[Any], Path]


def find(node: Any, predicate: Callable[[dict[str, Any]], bool], path: Path = ()) -> tuple[Path, dict[str, Any]]:
    """(path, dict) of the first dict under ``node`` (depth first) matching ``predicate``."""
    for found in _walk(node, path):
        if predicate(found[1]):
            return found
    raise LookupError("the bot's payload has no such part")


def _walk(node: Any, path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def is_button(d: dict[str, Any]) -> bool:
    return d.get("type") == 2 and "style" in d


def is_select(d: dict[str, Any]) -> bool:
    return d.get("type") == 3 and "options" in d


def is_row(d: dict[str, Any]) -> bool:
    return d.get("type") == 1 and isinstance(d.get("components"), list)


def is_text_input(d: dict[str, Any]) -> bool:
    return d.get("type") == 4 and "style" in d and "custom_id" in d


def is_embed(d: dict[str, Any]) -> bool:
    return "description" in d and ("title" in d or "fields" in d or "color" in d)


def is_overwrite(d: dict[str, Any]) -> bool:
    return {"id", "allow", "deny"} <= d.keys()


def is_option(d: dict[str, Any]) -> bool:
    return "description" in d and d.get("type") in range(3, 12) and "name" in d


def is_subcommand(d: dict[str, Any]) -> bool:
    return d.get("type") == 1 and "description" in d and "options" in d and "components" not in d


def is_choice(d: dict[str, Any]) -> bool:
    return {"name", "value"} <= d.keys() and "type" not in d


def components_of(body: dict[str, Any]) -> tuple[Path, list[dict[str, Any]]]:
    if "data" in body:
        return ("data", "components"), body["data"]["components"]
    return ("components",), body["components"]


def message_part(body: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    """The message fields of a body: the body itself, or the ``data`` of an interaction callback."""
    return (("data",), body["data"]) if "data" in body else ((), body)


# -- building variants -------------------------------------------------------------------------


def set_in(predicate: Callable[[dict[str, Any]], bool], key: str, value: Any) -> Callable[[Any], Path]:
    """Set ``key`` of the first part matching ``predicate``; the error is expected at that key."""

    def mutate(body: Any) -> Path:
        path, part = find(body, predicate)
        part[key] = value
        return (*path, key)

    return mutate


def drop_in(predicate: Callable[[dict[str, Any]], bool], key: str) -> Callable[[Any], Path]:
    def mutate(body: Any) -> Path:
        path, part = find(body, predicate)
        part.pop(key, None)
        return (*path, key)

    return mutate


def set_message(key: str, value: Any) -> Callable[[Any], Path]:
    def mutate(body: Any) -> Path:
        path, message = message_part(body)
        message[key] = value
        return (*path, key)

    return mutate


def replace_first(predicate: Callable[[dict[str, Any]], bool], new: Callable[[dict[str, Any]], Any]) -> Callable:
    """Replace the first part matching ``predicate`` by ``new(part)``; the error is expected there."""

    def mutate(body: Any) -> Path:
        path, part = find(body, predicate)
        parent = body
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = new(part)
        return path

    return mutate


def in_components(change: Callable[[list[dict[str, Any]]], None]) -> Callable[[Any], Path]:
    """Change the top-level component list; the error is expected somewhere in it."""

    def mutate(body: Any) -> Path:
        path, components = components_of(body)
        change(components)
        return path

    return mutate


def in_embed(key: str, value: Any) -> Callable[[Any], Path]:
    return set_in(is_embed, key, value)


def with_embed(embed: dict[str, Any], expect: Path) -> Callable[[Any], Path]:
    """Give the message one more embed (the bot's messages do not all carry one)."""

    def mutate(body: Any) -> Path:
        path, message = message_part(body)
        embeds = message.setdefault("embeds", []) or []
        message["embeds"] = [*embeds, embed]
        return (*path, "embeds", len(embeds), *expect)

    return mutate


def command_field(key: str, value: Any, *, where: Callable[[dict[str, Any]], bool] | None = None) -> Callable:
    """Set ``key`` on the first command (or on the first part matching ``where``)."""

    def mutate(body: list[dict[str, Any]]) -> Path:
        path, part = ((0,), body[0]) if where is None else find(body, where)
        part[key] = value
        return (*path, key)

    return mutate


def localization(field: str, locale: str, text: str, *, where: Callable[[dict[str, Any]], bool] | None = None):
    def mutate(body: list[dict[str, Any]]) -> Path:
        path, part = ((0,), body[0]) if where is None else find(body, where)
        part[field] = {**(part.get(field) or {}), locale: text}
        return (*path, field)

    return mutate


def new_text_input(**fields: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "extra", "style": 1, "label": "Extra", **fields}


def new_button(**fields: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": "binome:test:extra", "label": "Extra", **fields}


def duplicate_custom_id(components: list[dict[str, Any]]) -> None:
    _, first = find(components, lambda d: "custom_id" in d and d.get("type") != 1)
    components.append({"type": 1, "components": [new_button(custom_id=first["custom_id"])]})


def add_button_beside_select(components: list[dict[str, Any]]) -> None:
    _, row = find(components, lambda d: is_row(d) and any(is_select(c) for c in d["components"]))
    row["components"].append(new_button())
