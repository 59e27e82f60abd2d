"""Spec-invalid variants of the bot's real request bodies (``real_payloads``): each changes one thing
that Discord refuses with 400 50035 Invalid Form Body, and names where Discord reports it.

A variant is built from a body the bot really sent (captured from the fake's request log): ``mutate``
changes a deep copy and returns the path (a prefix of it is enough) where the ``errors`` tree must
report the refusal, so a variant refused for some other reason does not count.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.payload_edits import (
    Path,
    Variant,
    add_button_beside_select,
    command_field,
    components_of,
    drop_in,
    duplicate_custom_id,
    find,
    in_components,
    in_embed,
    is_button,
    is_choice,
    is_option,
    is_overwrite,
    is_row,
    is_select,
    is_subcommand,
    is_text_input,
    localization,
    new_button,
    new_text_input,
    replace_first,
    set_in,
    set_message,
    with_embed,
)

# -- the catalogue -----------------------------------------------------------------------------


def _min_above_max(body: Any) -> Path:
    path, select = find(body, lambda d: is_select(d) and len(d["options"]) >= 2)
    select["min_values"], select["max_values"] = 2, 1
    return (*path, "min_values")


def _max_above_options(body: Any) -> Path:
    path, select = find(body, lambda d: is_select(d) and len(d["options"]) < 25)
    select["max_values"] = len(select["options"]) + 1
    return (*path, "options")


def _same_option_values(body: Any) -> Path:
    path, select = find(body, lambda d: is_select(d) and len(d["options"]) >= 2)
    select["options"][1]["value"] = select["options"][0]["value"]
    return (*path, "options")


def _is_option_of_select(d: dict[str, Any]) -> bool:
    return "label" in d and "value" in d and "type" not in d


def _many_rows(components: list[dict[str, Any]]) -> None:
    components.extend({"type": 1, "components": [new_button(custom_id=f"binome:test:{i}")]} for i in range(6))


def _link_without_url(body: Any) -> Path:
    path, button = find(body, is_button)
    button["style"] = 5
    return (*path, "url")


def _duplicate_text_input(body: Any) -> Path:
    path, components = components_of(body)
    _, first = find(components, is_text_input)
    components.append({"type": 1, "components": [new_text_input(custom_id=first["custom_id"])]})
    return path


def _min_length_above_max(body: Any) -> Path:
    path, text_input = find(body, is_text_input)
    text_input["min_length"], text_input["max_length"] = 10, 5
    return (*path, "min_length")


def _duplicate_option(body: Any) -> Path:
    path, parent = find(body, lambda d: len([o for o in d.get("options") or [] if is_option(o)]) >= 2)
    options = [o for o in parent["options"] if is_option(o)]
    options[1]["name"] = options[0]["name"]
    return (*path, "options")


def _required_after_optional(body: Any) -> Path:
    path, parent = find(body, lambda d: any(is_option(o) for o in d.get("options") or []))
    for option in parent["options"]:
        option["required"] = False
    parent["options"].append({"type": 3, "name": "last", "description": "A required option", "required": True})
    return (*path, "options")


def _duplicate_command(body: list[dict[str, Any]]) -> Path:
    body.append({**body[0], "description": "Another"})
    return (len(body) - 1, "name")


BUTTONS = [
    Variant("button style 9", "message", set_in(is_button, "style", 9)),
    Variant("button style 0", "message", set_in(is_button, "style", 0)),
    Variant("button style as a string", "message", set_in(is_button, "style", "1")),
    Variant("button without a style", "message", drop_in(is_button, "style")),
    Variant("button label of 81 characters", "message", set_in(is_button, "label", "x" * 81)),
    Variant("button custom_id of 101 characters", "message", set_in(is_button, "custom_id", "x" * 101)),
    Variant("button with an empty custom_id", "message", set_in(is_button, "custom_id", "")),
    Variant("button without a custom_id", "message", drop_in(is_button, "custom_id")),
    Variant("link button without a url", "message", _link_without_url),
    Variant("button with a url", "message", set_in(is_button, "url", "https://example.org")),
    Variant("button url that is not a URL", "message", set_in(is_button, "url", "not a url")),
    Variant("button emoji as a string", "message", set_in(is_button, "emoji", "⭐")),
    Variant("button disabled as a string", "message", set_in(is_button, "disabled", "yes")),
    Variant("component id as a string", "message", set_in(is_button, "id", "abc")),
    Variant("component id above int32", "message", set_in(is_button, "id", 2**31)),
    Variant("component id below 0", "message", set_in(is_button, "id", -1)),
    Variant("duplicated custom_id", "message", in_components(duplicate_custom_id)),
    Variant("a text input in a message row", "message", replace_first(is_button, lambda _: new_text_input())),
    Variant("component of unknown type 99", "message", set_in(is_button, "type", 99)),
    Variant(
        "six buttons in one row", "message", in_components(lambda c: c[0]["components"].extend([new_button()] * 6))
    ),
    Variant("an empty action row", "message", in_components(lambda c: c.append({"type": 1, "components": []}))),
    Variant("six action rows", "message", in_components(_many_rows)),
    Variant("a button outside an action row", "message", in_components(lambda c: c.append(new_button()))),
    Variant("action row components not a list", "message", set_in(is_row, "components", "buttons")),
    Variant("components not a list", "message", set_message("components", {"type": 1})),
]

SELECTS = [
    Variant("select max_values 26", "select", set_in(is_select, "max_values", 26)),
    Variant("select max_values 0", "select", set_in(is_select, "max_values", 0)),
    Variant("select min_values 26", "select", set_in(is_select, "min_values", 26)),
    Variant("select min_values -1", "select", set_in(is_select, "min_values", -1)),
    Variant("select min_values above max_values", "select", _min_above_max),
    Variant("select max_values above its options", "select", _max_above_options),
    Variant("select without options", "select", set_in(is_select, "options", [])),
    Variant(
        "select with 26 options",
        "select",
        set_in(is_select, "options", [{"label": f"o{i}", "value": f"o{i}"} for i in range(26)]),
    ),
    Variant("select option label of 101 characters", "select", set_in(_is_option_of_select, "label", "x" * 101)),
    Variant("select option with an empty label", "select", set_in(_is_option_of_select, "label", "")),
    Variant("select option without a value", "select", drop_in(_is_option_of_select, "value")),
    Variant("select option description of 101", "select", set_in(_is_option_of_select, "description", "x" * 101)),
    Variant("select option default as a string", "select", set_in(_is_option_of_select, "default", "no")),
    Variant("select options with the same value", "select", _same_option_values),
    Variant("select placeholder of 151 characters", "select", set_in(is_select, "placeholder", "x" * 151)),
    Variant("select without a custom_id", "select", drop_in(is_select, "custom_id")),
    Variant("select options not a list", "select", set_in(is_select, "options", "a,b")),
    Variant("a button beside a select", "select", in_components(add_button_beside_select)),
]

_FIELD = {"name": "Field", "value": "Value"}

EMBEDS = [
    Variant("embed colour above 0xFFFFFF", "embed", in_embed("color", 0x1000000)),
    Variant("embed colour below 0", "embed", in_embed("color", -1)),
    Variant("embed colour as a string", "embed", in_embed("color", "#ff0000")),
    Variant("embed title of 257 characters", "embed", in_embed("title", "x" * 257)),
    Variant("embed description of 4097 characters", "embed", in_embed("description", "x" * 4097)),
    Variant("embed with 26 fields", "embed", in_embed("fields", [_FIELD] * 26)),
    Variant("embed field name of 257", "embed", in_embed("fields", [{"name": "x" * 257, "value": "v"}])),
    Variant("embed field value of 1025", "embed", in_embed("fields", [{"name": "n", "value": "x" * 1025}])),
    Variant("embed field without a value", "embed", in_embed("fields", [{"name": "n"}])),
    Variant("embed field with an empty name", "embed", in_embed("fields", [{"name": "", "value": "v"}])),
    Variant("embed fields not a list", "embed", in_embed("fields", "a")),
    Variant("embed footer text of 2049", "embed", in_embed("footer", {"text": "x" * 2049})),
    Variant("embed author name of 257", "embed", in_embed("author", {"name": "x" * 257})),
    Variant("embed url that is not a URL", "embed", in_embed("url", "binome.example")),
    Variant("embed timestamp that is not ISO 8601", "embed", in_embed("timestamp", "yesterday")),
    Variant("embed image without a url object", "embed", in_embed("image", "https://example.org/a.png")),
    Variant("embeds above 6000 characters", "embed", set_message("embeds", [{"description": "x" * 3500}] * 2)),
    Variant("eleven embeds", "embed", set_message("embeds", [{"description": "x"}] * 11)),
    Variant("embeds not a list", "embed", set_message("embeds", {"description": "x"})),
    Variant(
        "an embed added with colour 2**24", "message", with_embed({"description": "x", "color": 2**24}, ("color",))
    ),
]

MESSAGES = [
    Variant("content of 2001 characters", "message", set_message("content", "x" * 2001)),
    Variant("content of 4001 characters", "message", set_message("content", "x" * 4001)),
    Variant("content as a number", "message", set_message("content", 5)),
    Variant(
        "allowed_mentions parse of an unknown kind", "message", set_message("allowed_mentions", {"parse": ["bogus"]})
    ),
    Variant(
        "allowed_mentions parse users and a users list",
        "message",
        set_message("allowed_mentions", {"parse": ["users"], "users": ["1"]}),
    ),
    Variant("allowed_mentions users not a list", "message", set_message("allowed_mentions", {"users": "1"})),
    Variant(
        "allowed_mentions user id that is not a snowflake",
        "message",
        set_message("allowed_mentions", {"users": ["me"]}),
    ),
    Variant("flags as a string", "message", set_message("flags", "ephemeral")),
    Variant("tts as a string", "message", set_message("tts", "no")),
    Variant("nonce of 26 characters", "message", set_message("nonce", "x" * 26)),
    Variant("message_reference to a non-snowflake", "message", set_message("message_reference", {"message_id": "x"})),
    Variant("sticker_ids with four stickers", "message", set_message("sticker_ids", ["1", "2", "3", "4"])),
    Variant("edited message content of 2001", "message_edit", set_message("content", "x" * 2001)),
    Variant("edited message button style 9", "message_edit", set_in(is_button, "style", 9)),
    Variant("followup content of 2001", "followup", set_message("content", "x" * 2001)),
    Variant(
        "followup with a text input",
        "followup",
        set_message("components", [{"type": 1, "components": [new_text_input()]}]),
    ),
    Variant("webhook edit content of 2001", "webhook_edit", set_message("content", "x" * 2001)),
    Variant("webhook edit button style 9", "webhook_edit", set_in(is_button, "style", 9)),
]

CALLBACKS = [
    Variant("callback of unknown type 99", "select", command_field("type", 99, where=lambda d: "data" in d)),
    Variant("callback type as a string", "select", command_field("type", "4", where=lambda d: "data" in d)),
    Variant("callback without a type", "select", drop_in(lambda d: "data" in d, "type")),
    Variant("callback data as a list", "select", set_in(lambda d: "data" in d, "data", [])),
    Variant("callback content of 2001", "select", set_message("content", "x" * 2001)),
    Variant(
        "update callback button style 9",
        "update",
        set_message("components", [{"type": 1, "components": [new_button(style=9)]}]),
    ),
    Variant("update callback content of 2001", "update", set_message("content", "x" * 2001)),
    Variant("deferred callback flags as a string", "deferred", set_message("flags", "64")),
]

MODALS = [
    Variant("a button inside a modal", "modal", replace_first(is_text_input, lambda _: new_button())),
    Variant(
        "a select inside a modal row",
        "modal",
        replace_first(
            is_text_input, lambda _: {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]}
        ),
    ),
    Variant("modal title of 46 characters", "modal", set_message("title", "x" * 46)),
    Variant("modal without a title", "modal", drop_in(lambda d: "title" in d and "custom_id" in d, "title")),
    Variant("modal without a custom_id", "modal", drop_in(lambda d: "title" in d and "custom_id" in d, "custom_id")),
    Variant("modal without components", "modal", set_message("components", [])),
    Variant(
        "modal with six rows",
        "modal",
        in_components(
            lambda c: c.extend({"type": 1, "components": [new_text_input(custom_id=f"x{i}")]} for i in range(6))
        ),
    ),
    Variant("text input style 3", "modal", set_in(is_text_input, "style", 3)),
    Variant("text input label of 46 characters", "modal", set_in(is_text_input, "label", "x" * 46)),
    Variant("text input value of 4001 characters", "modal", set_in(is_text_input, "value", "x" * 4001)),
    Variant("text input max_length 4001", "modal", set_in(is_text_input, "max_length", 4001)),
    Variant("text input min_length -1", "modal", set_in(is_text_input, "min_length", -1)),
    Variant("text input placeholder of 101", "modal", set_in(is_text_input, "placeholder", "x" * 101)),
    Variant("text input without a custom_id", "modal", drop_in(is_text_input, "custom_id")),
    Variant("text input required as a string", "modal", set_in(is_text_input, "required", "false")),
    Variant(
        "two text inputs in one modal row",
        "modal",
        in_components(lambda c: c[0]["components"].append(new_text_input())),
    ),
    Variant("modal custom_ids duplicated", "modal", _duplicate_text_input),
    Variant("text input min_length above max_length", "modal", _min_length_above_max),
]

CHANNELS = [
    Variant("overwrite type 2", "channel", set_in(is_overwrite, "type", 2)),
    Variant("overwrite type as a word", "channel", set_in(is_overwrite, "type", "role")),
    Variant("overwrite id that is not a snowflake", "channel", set_in(is_overwrite, "id", "everyone")),
    Variant("overwrite without an id", "channel", drop_in(is_overwrite, "id")),
    Variant("overwrite allow as a word", "channel", set_in(is_overwrite, "allow", "all")),
    Variant("overwrite deny as a fraction", "channel", set_in(is_overwrite, "deny", 1.5)),
    Variant("overwrites not a list", "channel", set_message("permission_overwrites", {"id": "1"})),
    Variant(
        "101 overwrites",
        "channel",
        set_message("permission_overwrites", [{"id": str(i), "type": 1} for i in range(1, 102)]),
    ),
    Variant("channel name empty", "channel", set_message("name", "")),
    Variant("channel name of 101 characters", "channel", set_message("name", "x" * 101)),
    Variant("channel topic of 1025 characters", "channel", set_message("topic", "x" * 1025)),
    Variant("channel type 99", "channel", set_message("type", 99)),
    Variant("channel parent_id that is not a snowflake", "channel", set_message("parent_id", "pairs")),
    Variant("channel slowmode of 21601 seconds", "channel", set_message("rate_limit_per_user", 21601)),
    Variant("channel position -1", "channel", set_message("position", -1)),
    Variant("channel nsfw as a string", "channel", set_message("nsfw", "no")),
    Variant("edited overwrite type 2", "channel_edit", set_in(is_overwrite, "type", 2)),
    Variant("edited overwrite allow that is not a number", "channel_edit", set_in(is_overwrite, "allow", "all")),
    Variant("edited channel name of 101", "channel_edit", set_message("name", "x" * 101)),
    Variant("edited channel topic of 1025", "channel_edit", set_message("topic", "x" * 1025)),
    Variant("DM recipient that is not a snowflake", "dm", set_message("recipient_id", "alice")),
    Variant("DM recipient -5", "dm", set_message("recipient_id", -5)),
]

COMMANDS = [
    Variant("command name localization key fr-FR", "commands", localization("name_localizations", "fr-FR", "mentorat")),
    Variant(
        "command description localization key en",
        "commands",
        localization("description_localizations", "en", "Mentoring"),
    ),
    Variant(
        "subcommand name localization key fr-FR",
        "commands",
        localization("name_localizations", "fr-FR", "x", where=is_subcommand),
    ),
    Variant(
        "option name localization key fr_FR",
        "commands",
        localization("name_localizations", "fr_FR", "x", where=is_option),
    ),
    Variant("name localization of 33 characters", "commands", localization("name_localizations", "fr", "x" * 33)),
    Variant("description localization of 101", "commands", localization("description_localizations", "fr", "x" * 101)),
    Variant("default_member_permissions -1", "commands", command_field("default_member_permissions", -1)),
    Variant('default_member_permissions "-1"', "commands", command_field("default_member_permissions", "-1")),
    Variant(
        "default_member_permissions not a number", "commands", command_field("default_member_permissions", "admins")
    ),
    Variant(
        "default_member_permissions above every permission",
        "commands",
        command_field("default_member_permissions", 2**60),
    ),
    Variant("command name with capitals", "commands", command_field("name", "Mentoring-Admin")),
    Variant("command name with a space", "commands", command_field("name", "mentoring admin")),
    Variant("command name of 33 characters", "commands", command_field("name", "x" * 33)),
    Variant("command without a name", "commands", drop_in(lambda d: "description" in d, "name")),
    Variant("command description of 101", "commands", command_field("description", "x" * 101)),
    Variant("slash command without a description", "commands", command_field("description", "")),
    Variant("command type 9", "commands", command_field("type", 9)),
    Variant("command contexts [5]", "commands", command_field("contexts", [5])),
    Variant("command contexts []", "commands", command_field("contexts", [])),
    Variant("command integration_types [3]", "commands", command_field("integration_types", [3])),
    Variant("command dm_permission as a string", "commands", command_field("dm_permission", "no")),
    Variant(
        "command with 26 options",
        "commands",
        command_field("options", [{"type": 5, "name": f"o{i}", "description": "d"} for i in range(26)]),
    ),
    Variant("option of unknown type 99", "commands", command_field("type", 99, where=is_option)),
    Variant("option name with capitals", "commands", command_field("name", "Role", where=is_option)),
    Variant("option with an empty description", "commands", command_field("description", "", where=is_option)),
    Variant("option names duplicated", "commands", _duplicate_option),
    Variant("required option after an optional one", "commands", _required_after_optional),
    Variant("choice name of 101 characters", "commands", command_field("name", "x" * 101, where=is_choice)),
    Variant(
        "choice name localization key fr-CA",
        "commands",
        localization("name_localizations", "fr-CA", "x", where=is_choice),
    ),
    Variant("two commands with the same name", "commands", _duplicate_command),
]

VARIANTS = [*BUTTONS, *SELECTS, *EMBEDS, *MESSAGES, *CALLBACKS, *MODALS, *CHANNELS, *COMMANDS]
