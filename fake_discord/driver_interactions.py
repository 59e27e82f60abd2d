"""Test-driver API for interactions: slash commands, buttons, selects, modals, autocomplete.

Payloads are built as Discord sends them (see discord/types/interactions.py). What a real Discord
client would refuse (unknown option, disabled button, missing required modal field...) raises
``AssertionError`` here instead of being sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import payloads
from .interactions import APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL, MODAL_SUBMIT, Interaction
from .models import DM, TEXT, Channel, Guild, Member, Message, Role, User
from .permissions import Perm, names

if TYPE_CHECKING:
    from .server import FakeDiscord

_TYPE_NAMES = {
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}


def _id(value: Any) -> int:
    return value if isinstance(value, int) else int(value.id)


class InteractionDriver:
    # -- sending -----------------------------------------------------------------------------

    def _send(self: FakeDiscord, payload: dict[str, Any], **kwargs: Any) -> Interaction:
        if not self.gateway.sessions:
            raise RuntimeError("no bot is connected to the fake gateway (await fake.wait_until_ready() first)")
        interaction = Interaction(self, payload, **kwargs)
        self.interactions[interaction.id] = interaction
        self.interactions_by_token[interaction.token] = interaction
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _payload(
        self: FakeDiscord,
        itype: int,
        guild: Guild | None,
        channel: Channel,
        user: User,
        data: dict[str, Any],
        *,
        locale: str | None = None,
        message: Message | None = None,
    ) -> dict[str, Any]:
        world = self.world
        user_perms = world.permissions_in(channel, user.id)
        channel_data = payloads.channel_json(channel)
        channel_data["permissions"] = str(user_perms)
        payload: dict[str, Any] = {
            "id": str(world.snowflake()),
            "application_id": str(world.application_id),
            "type": itype,
            "data": data,
            "token": "fake-itoken-" + secrets.token_urlsafe(48),
            "version": 1,
            "locale": locale or user.locale,
            "app_permissions": str(world.permissions_in(channel, world.bot_user.id)),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
            "channel": channel_data,
            "context": 0 if guild is not None else 1,
        }
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise AssertionError(f"user {user.id} ({user.username}) is not a member of guild {guild.id}")
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)},
                guild_locale=guild.preferred_locale,
                member=payloads.member_json(member, permissions=user_perms),
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(user=payloads.user_json(user), authorizing_integration_owners={"0": "0"})
        if message is not None:
            payload["message"] = payloads.message_json(message, world)
        return payload

    def _where(
        self: FakeDiscord, guild_id: int | None, user: User, channel_id: Channel | int | None
    ) -> tuple[Guild | None, Channel]:
        world = self.world
        if guild_id is None:
            if channel_id is not None:
                return None, world.channels[_id(channel_id)]
            return None, world.dm_channel(user)
        guild = world.guilds[guild_id]
        if channel_id is not None:
            channel = world.channels[_id(channel_id)]
            if channel.guild_id != guild.id:
                raise AssertionError(f"channel {channel.id} is not in guild {guild.id}")
            return guild, channel
        texts = [c for c in guild.channels.values() if c.type == TEXT]
        visible = [c for c in texts if world.permissions_in(c, user.id) & Perm.VIEW_CHANNEL]
        if not (visible or texts):
            raise AssertionError(f"guild {guild.id} has no text channel: add one or pass channel_id")
        return guild, (visible or texts)[0]

    # -- slash commands ----------------------------------------------------------------------

    async def slash_command(
        self: FakeDiscord,
        guild_id: int | None,
        user_id: User | Member | int,
        name: str,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel_id: Channel | int | None = None,
    ) -> Interaction:
        """A member runs ``/name [group] [subcommand] options...``. ``guild_id=None`` runs it in the
        user's DM with the bot. Option values: str/int/float/bool, or User/Member/Channel/Role records
        or ids for user/channel/role options (typed from the registered command when known).
        ``subcommand="group sub"`` is accepted too."""
        return self._command(
            APPLICATION_COMMAND,
            guild_id,
            user_id,
            name,
            subcommand=subcommand,
            group=group,
            options=options or {},
            locale=locale,
            channel_id=channel_id,
        )

    async def autocomplete(
        self: FakeDiscord,
        guild_id: int | None,
        user_id: User | Member | int,
        name: str,
        focused: str,
        value: str,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel_id: Channel | int | None = None,
    ) -> Interaction:
        """The user is typing ``value`` in option ``focused``; the bot answers with callback type 8."""
        return self._command(
            AUTOCOMPLETE,
            guild_id,
            user_id,
            name,
            subcommand=subcommand,
            group=group,
            options={**(options or {}), focused: value},
            locale=locale,
            channel_id=channel_id,
            focused=focused,
        )

    def _command(
        self: FakeDiscord,
        itype: int,
        guild_id: int | None,
        user_id: Any,
        name: str,
        *,
        subcommand: str | None,
        group: str | None,
        options: dict[str, Any],
        locale: str | None,
        channel_id: Any,
        focused: str | None = None,
    ) -> Interaction:
        world = self.world
        user = world.users[_id(user_id)]
        guild, channel = self._where(guild_id, user, channel_id)
        if subcommand and " " in subcommand and group is None:
            group, subcommand = subcommand.split(" ", 1)
        command = self.command(name, guild.id if guild else None)
        if command is not None and self.rules.enforce_command_permissions:
            self._check_command_allowed(command, guild, user)
        schema: list[dict[str, Any]] | None = command.get("options") or [] if command else None
        path = [p for p in (group, subcommand) if p]
        for part in path:
            if schema is not None:
                found = next((o for o in schema if o["name"] == part and o.get("type") in (1, 2)), None)
                if found is None:
                    raise AssertionError(
                        f"/{name} has no subcommand (group) {part!r}; it has "
                        f"{[o['name'] for o in schema if o.get('type') in (1, 2)]}"
                    )
                schema = found.get("options") or []
        resolved: dict[str, dict[str, Any]] = {}
        built = self._options(guild, channel, schema, options, resolved, focused, autocomplete=itype == AUTOCOMPLETE)
        for part, kind in reversed(list(zip(path, (2, 1) if group else (1,), strict=False))):
            built = [{"name": part, "type": kind, "options": built}]
        data: dict[str, Any] = {"id": command["id"] if command else str(world.snowflake()), "name": name, "type": 1}
        if built:
            data["options"] = built
        if resolved:
            data["resolved"] = resolved
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return self._send(self._payload(itype, guild, channel, user, data, locale=locale))

    def _check_command_allowed(self: FakeDiscord, command: dict[str, Any], guild: Guild | None, user: User) -> None:
        name = command["name"]
        contexts = command.get("contexts")
        context = 0 if guild is not None else 1
        no_dm = guild is None and command.get("dm_permission") is False
        if (contexts is not None and context not in contexts) or no_dm:
            raise AssertionError(
                f"/{name} cannot be used {'in a server' if guild else 'in DMs'} "
                f"(contexts={contexts}, dm_permission={command.get('dm_permission')})"
            )
        required = command.get("default_member_permissions")
        if guild is None or required is None:
            return
        have = self.world.guild_permissions(guild.id, user.id)
        if have & Perm.ADMINISTRATOR or (int(required) != 0 and have & int(required) == int(required)):
            return
        raise AssertionError(
            f"Discord would not let {user.username} ({user.id}) run /{name}: it needs default_member_permissions="
            f"{required} {names(int(required)) or '(administrators only)'}, the member has {names(have)}. Give the "
            "member the permission, or set fake.rules.enforce_command_permissions = False (server admins can "
            "override command permissions in Server Settings > Integrations)."
        )

    def _options(
        self: FakeDiscord,
        guild: Guild | None,
        channel: Channel,
        schema: list[dict[str, Any]] | None,
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        *,
        autocomplete: bool,
    ) -> list[dict[str, Any]]:
        result = []
        for name, value in values.items():
            declared = next((o for o in schema or [] if o["name"] == name), None)
            if schema is not None and declared is None:
                raise AssertionError(f"the command has no option {name!r}; options: {[o['name'] for o in schema]}")
            otype = declared["type"] if declared else self._infer_type(value)
            option: dict[str, Any] = {"name": name, "type": otype}
            if name == focused:
                option.update(value=str(value), focused=True)
            else:
                option["value"] = self._option_value(guild, channel, declared or {}, otype, value, resolved)
            result.append(option)
        if schema is not None and not autocomplete:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
            if missing:
                raise AssertionError(f"required option(s) missing: {missing}")
        return result

    @staticmethod
    def _infer_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        if isinstance(value, User | Member):
            return 6
        if isinstance(value, Channel):
            return 7
        if isinstance(value, Role):
            return 8
        return 3

    def _option_value(
        self: FakeDiscord,
        guild: Guild | None,
        channel: Channel,
        declared: dict[str, Any],
        otype: int,
        value: Any,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        world = self.world
        if otype in (3, 4, 10):
            value = {3: str, 4: int, 10: float}[otype](value)
            choices = declared.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise AssertionError(
                    f"{value!r} is not a choice of option {declared['name']!r}: {[c['value'] for c in choices]}"
                )
            low, high = declared.get("min_value"), declared.get("max_value")
            if otype != 3 and ((low is not None and value < low) or (high is not None and value > high)):
                raise AssertionError(f"{value} is out of range [{low}, {high}] for option {declared['name']!r}")
            if otype == 3 and len(value) > int(declared.get("max_length") or 6000):
                raise AssertionError(f"value too long for option {declared['name']!r}")
            return value
        if otype == 5:
            return bool(value)
        target = _id(value)
        if otype in (6, 9) and target in world.users:
            user = world.users[target]
            resolved.setdefault("users", {})[str(target)] = payloads.user_json(user)
            member = guild.members.get(target) if guild else None
            if member is not None:
                resolved.setdefault("members", {})[str(target)] = payloads.member_json(
                    member, with_user=False, permissions=world.permissions_in(channel, target)
                )
            return str(target)
        if otype in (8, 9) and guild is not None and target in guild.roles:
            resolved.setdefault("roles", {})[str(target)] = payloads.role_json(guild.roles[target])
            return str(target)
        if otype == 7 and target in world.channels:
            target_channel = world.channels[target]
            data = payloads.channel_json(target_channel)
            data["permissions"] = str(world.permissions_in(target_channel, world.bot_user.id))
            resolved.setdefault("channels", {})[str(target)] = data
            return str(target)
        raise AssertionError(f"cannot resolve {value!r} as a {_TYPE_NAMES.get(otype, otype)} option")

    # -- components --------------------------------------------------------------------------

    def _message_target(self: FakeDiscord, target: Message | Interaction | int) -> Message:
        if isinstance(target, Interaction):
            message = target.original_message or target.source_message
            if message is None:
                raise AssertionError(f"{target!r} has no response message to click on")
            return message
        message = target if isinstance(target, Message) else self.world.messages.get(target)
        if message is None:
            raise AssertionError(f"no message {target}")
        return message

    def _component_context(
        self: FakeDiscord, message: Message, user_id: Any, custom_id: str, types: Iterable[int]
    ) -> tuple[Guild | None, Channel, User, dict[str, Any]]:
        world = self.world
        if message.deleted:
            raise AssertionError(f"message {message.id} was deleted")
        user = world.users[_id(user_id)]
        if message.ephemeral and message.interaction_metadata:
            owner = int(message.interaction_metadata["user"]["id"])
            if owner != user.id:
                raise AssertionError(f"message {message.id} is ephemeral: only user {owner} can see it")
        channel = world.channels.get(message.channel_id)
        if channel is None:
            raise AssertionError(f"the channel of message {message.id} was deleted")
        if channel.type == DM and user not in channel.recipients:
            raise AssertionError(f"user {user.id} cannot see the DM channel {channel.id}")
        guild = world.guilds.get(channel.guild_id) if channel.guild_id else None
        if guild is not None and not world.permissions_in(channel, user.id) & Perm.VIEW_CHANNEL:
            raise AssertionError(f"user {user.id} cannot view channel {channel.id}")
        component = message.component(custom_id)
        if component is None:
            raise AssertionError(f"message {message.id} has no component {custom_id!r}; it has {message.custom_ids()}")
        if component.get("type") not in types:
            raise AssertionError(f"component {custom_id!r} has type {component.get('type')}, expected {list(types)}")
        if component.get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled")
        return guild, channel, user, component

    async def click(
        self: FakeDiscord,
        message: Message | Interaction | int,
        custom_id: str,
        user_id: User | Member | int,
        *,
        locale: str | None = None,
    ) -> Interaction:
        """Press the button ``custom_id`` on a message (or on an interaction's response message)."""
        msg = self._message_target(message)
        guild, channel, user, component = self._component_context(msg, user_id, custom_id, (2,))
        if component.get("style") in (5, 6):
            raise AssertionError(f"button {custom_id!r} is a link/premium button: it sends no interaction")
        data = {"custom_id": custom_id, "component_type": 2}
        if component.get("id") is not None:
            data["id"] = component["id"]
        payload = self._payload(MESSAGE_COMPONENT, guild, channel, user, data, locale=locale, message=msg)
        return self._send(payload, source_message_id=msg.id)

    async def select(
        self: FakeDiscord,
        message: Message | Interaction | int,
        custom_id: str,
        values: Iterable[Any],
        user_id: User | Member | int,
        *,
        locale: str | None = None,
    ) -> Interaction:
        """Choose ``values`` in a select menu: string select (3) option values, or users/roles/
        channels (records or ids) for user (5), role (6), mentionable (7) and channel (8) selects."""
        msg = self._message_target(message)
        guild, channel, user, component = self._component_context(msg, user_id, custom_id, (3, 5, 6, 7, 8))
        values = list(values)
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise AssertionError(f"select {custom_id!r} takes {low}..{high} values, got {len(values)}")
        ctype = component["type"]
        resolved: dict[str, dict[str, Any]] = {}
        if ctype == 3:
            allowed = [o["value"] for o in component.get("options") or []]
            wrong = [v for v in values if v not in allowed]
            if wrong:
                raise AssertionError(f"{wrong} are not options of select {custom_id!r}: {allowed}")
            raw = [str(v) for v in values]
        else:
            otype = {5: 6, 6: 8, 7: 9, 8: 7}[ctype]
            raw = [self._option_value(guild, channel, {}, otype, v, resolved) for v in values]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype, "values": raw}
        if resolved:
            data["resolved"] = resolved
        payload = self._payload(MESSAGE_COMPONENT, guild, channel, user, data, locale=locale, message=msg)
        return self._send(payload, source_message_id=msg.id)

    async def submit_modal(
        self: FakeDiscord,
        opener: Interaction,
        values: dict[str, Any],
        user_id: User | Member | int | None = None,
        *,
        locale: str | None = None,
        timeout: float = 5.0,
    ) -> Interaction:
        """Fill in and submit the modal the bot opened in answer to ``opener`` (callback type 9).
        ``values``: ``{text_input_custom_id: text}`` (lists of option values for selects in labels).
        Pre-filled values are kept for inputs not given."""
        callback = await opener.response(timeout)
        if callback.type != MODAL:
            raise AssertionError(f"{opener!r} was not answered with a modal but with {callback.name}")
        modal = callback.data
        user = self.world.users[_id(user_id) if user_id is not None else opener.user_id]
        known: list[str] = []
        components = []
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                row = [self._modal_value(c, values, known) for c in top.get("components") or []]
                components.append({"type": 1, "components": [c for c in row if c]})
            elif top.get("type") == 18 and isinstance(top.get("component"), dict):
                item = self._modal_value(top["component"], values, known)
                if item:
                    components.append({"type": 18, "id": top.get("id"), "component": item})
        unknown = set(values) - set(known)
        if unknown:
            raise AssertionError(f"modal {modal.get('custom_id')!r} has no input(s) {sorted(unknown)}; it has {known}")
        data = {"custom_id": modal.get("custom_id"), "components": components}
        source = opener.source_message if opener.type == MESSAGE_COMPONENT else None
        guild = self.world.guilds.get(opener.guild_id) if opener.guild_id else None
        channel = self.world.channels[opener.channel_id]
        payload = self._payload(MODAL_SUBMIT, guild, channel, user, data, locale=locale, message=source)
        return self._send(payload, source_message_id=source.id if source else None, parent=opener)

    @staticmethod
    def _modal_value(component: dict[str, Any], values: dict[str, Any], known: list[str]) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        if not custom_id:
            return None
        known.append(custom_id)
        ctype = component.get("type")
        if ctype == 4:
            value = str(values.get(custom_id, component.get("value") or ""))
            if component.get("required", True) and not value:
                raise AssertionError(f"text input {custom_id!r} is required")
            low, high = component.get("min_length"), component.get("max_length")
            if value and ((low is not None and len(value) < low) or (high is not None and len(value) > high)):
                raise AssertionError(f"text input {custom_id!r} takes {low}..{high} characters, got {len(value)}")
            return {"type": 4, "custom_id": custom_id, "value": value, "id": component.get("id")}
        chosen = values.get(custom_id, [])
        chosen = [
            str(_id(v)) if not isinstance(v, str) else v for v in (chosen if isinstance(chosen, list) else [chosen])
        ]
        return {"type": ctype, "custom_id": custom_id, "values": chosen, "id": component.get("id")}

    @property
    def interaction_log(self: FakeDiscord) -> list[Interaction]:
        """Every interaction sent, oldest first."""
        return list(self.interactions.values())

    def interaction_latencies(self: FakeDiscord) -> list[float]:
        """Seconds from INTERACTION_CREATE to the callback, for every acknowledged interaction."""
        return [i.latency for i in self.interactions.values() if i.latency is not None]
