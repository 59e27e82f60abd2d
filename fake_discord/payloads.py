"""JSON builders: the shapes Discord sends and discord.py 2.7 parses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import (
    CATEGORY,
    DM,
    VOICE,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    VoiceState,
    walk_components,
)

if TYPE_CHECKING:
    from .state import World


def user_json(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }
    if user.bot:
        data["bot"] = True
    return data


def client_user_json(user: User) -> dict[str, Any]:
    data = user_json(user)
    data.update(verified=True, mfa_enabled=False, locale="en-US", email=None)
    return data


def role_json(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": role.managed,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
        "description": None,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def member_json(member: Member, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in member.roles],
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "avatar_decoration_data": None,
    }
    if with_user:
        data["user"] = user_json(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel_json(channel: Channel) -> dict[str, Any]:
    if channel.type == DM:
        return {
            "id": str(channel.id),
            "type": DM,
            "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
            "recipients": [user_json(u) for u in channel.recipients],
            "flags": 0,
        }
    data: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.overwrites.values()
        ],
        "nsfw": channel.nsfw,
        "flags": 0,
    }
    if channel.type == VOICE:
        # A voice channel has its text chat too (last_message_id, slowmode), no topic.
        data.update(
            bitrate=channel.bitrate,
            user_limit=channel.user_limit,
            rtc_region=None,
            video_quality_mode=1,
            rate_limit_per_user=channel.rate_limit_per_user,
            last_message_id=str(channel.last_message_id) if channel.last_message_id else None,
        )
    elif channel.type != CATEGORY:
        data.update(
            topic=channel.topic,
            rate_limit_per_user=channel.rate_limit_per_user,
            last_message_id=str(channel.last_message_id) if channel.last_message_id else None,
        )
    return data


def voice_state_json(state: VoiceState | None, member: Member, guild_id: int) -> dict[str, Any]:
    """A VOICE_STATE_UPDATE (``state`` None: the member left voice, ``channel_id`` null)."""
    return {
        "guild_id": str(guild_id),
        "channel_id": str(state.channel_id) if state is not None else None,
        "user_id": str(member.id),
        "member": member_json(member),
        "session_id": state.session_id if state is not None else "",
        "deaf": False,
        "mute": False,
        "self_deaf": state.self_deaf if state is not None else False,
        "self_mute": state.self_mute if state is not None else False,
        "self_video": state.self_video if state is not None else False,
        "self_stream": state.self_stream if state is not None else False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }


def guild_json(guild: Guild, world: World, *, gateway: bool = False, joined: bool = False) -> dict[str, Any]:
    """A guild object; with ``gateway=True`` the full GUILD_CREATE payload. ``joined``: the bot just
    joined the guild (no ``unavailable`` key, so discord.py fires ``on_guild_join``)."""
    data: dict[str, Any] = {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": guild.description,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_json(r) for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": list(guild.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_members": 500000,
        "max_presences": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "incidents_data": None,
    }
    if gateway:
        bot_member = guild.members.get(world.bot_user.id)
        data.update(
            joined_at=guild.joined_at,
            large=False,
            unavailable=False,
            lazy=True,
            member_count=len(guild.members),
            # Without the presences intent Discord only sends the bot's own member here.
            members=[member_json(bot_member)] if bot_member else [],
            channels=[channel_json(c) for c in guild.channels.values()],
            threads=[],
            presences=[],
            # The voice states of everyone connected (GUILD_CREATE has them without ``guild_id``/``member``).
            voice_states=[
                {
                    k: v
                    for k, v in voice_state_json(state, guild.members[user_id], guild.id).items()
                    if k not in ("member", "guild_id")
                }
                for user_id, state in guild.voice_states.items()
                if user_id in guild.members
            ],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        if joined:
            del data["unavailable"]
    return data


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "size": attachment.size,
        "url": attachment.url,
        "proxy_url": attachment.url,
    }
    if attachment.content_type is not None:
        data["content_type"] = attachment.content_type
    if attachment.description is not None:
        data["description"] = attachment.description
    return data


#: What Discord fills in when a component omits it (the response schemas require these fields).
_COMPONENT_DEFAULTS: dict[int, dict[str, Any]] = {
    **{t: {"min_values": 1, "max_values": 1} for t in (3, 5, 6, 7, 8)},
    11: {"description": None, "spoiler": False},
    14: {"spacing": 1, "divider": True},
    17: {"accent_color": None, "spoiler": False},
}


def returned_components(components: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Components as Discord returns them in a message: fields sent as null left out, defaults filled
    in, and every component carrying a numeric ``id`` (Discord numbers those sent without one 1, 2, ...
    in tree order, skipping the ids already taken)."""
    result = [_returned(c) for c in components or []]
    taken = {c["id"] for c in walk_components(result) if c.get("id")}
    counter = 0
    for component in walk_components(result):
        if not component.get("id"):
            counter += 1
            while counter in taken:
                counter += 1
            component["id"] = counter
    return result


def returned_embeds(embeds: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Embeds as Discord returns them: nulls left out, ``type`` "rich", every field's ``inline`` set."""
    result = []
    for embed in embeds or []:
        data = {"type": "rich", **_without_nulls(embed)}
        if "fields" in data:
            data["fields"] = [{"inline": False, **field} for field in data["fields"]]
        result.append(data)
    return result


def _returned(component: dict[str, Any]) -> dict[str, Any]:
    data = _without_nulls(component)
    for key, value in _COMPONENT_DEFAULTS.get(component.get("type", 0), {}).items():
        data.setdefault(key, value)
    if "components" in data:
        data["components"] = [_returned(c) for c in data["components"]]
    for key in ("accessory", "component"):
        if isinstance(data.get(key), dict):
            data[key] = _returned(data[key])
    return data


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def message_json(message: Message, world: World) -> dict[str, Any]:
    mentions = []
    for user_id in _mentioned_ids(message.content):
        user = world.users.get(user_id)
        if user is not None:
            mentions.append(user_json(user))
    data: dict[str, Any] = {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "type": message.type,
        "author": user_json(message.author),
        "content": message.content,
        "timestamp": message.timestamp,
        "edited_timestamp": message.edited_timestamp,
        "tts": message.tts,
        "mention_everyone": False,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [attachment_json(a) for a in message.attachments],
        "embeds": message.embeds,
        "components": message.components,
        "pinned": message.pinned,
        "flags": message.flags,
    }
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
        guild = world.guilds.get(message.guild_id)
        member = guild.members.get(message.author.id) if guild else None
        if member is not None:
            data["member"] = member_json(member, with_user=False)
    if message.nonce is not None:
        data["nonce"] = message.nonce
    if message.webhook_id is not None:
        data["webhook_id"] = str(message.webhook_id)
    if message.application_id is not None:
        data["application_id"] = str(message.application_id)
    if message.interaction_metadata is not None:
        data["interaction_metadata"] = message.interaction_metadata
    if message.message_reference is not None:
        reference = {k: v for k, v in message.message_reference.items() if k != "fail_if_not_exists"}
        data["message_reference"] = {"type": 0, "channel_id": str(message.channel_id), **reference}
    return data


def _mentioned_ids(content: str) -> list[int]:
    import re

    return [int(m) for m in re.findall(r"<@!?(\d+)>", content or "")]


def application_json(world: World) -> dict[str, Any]:
    """GET /oauth2/applications/@me"""
    return {
        "id": str(world.application_id),
        "name": world.bot_user.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_json(world.owner_user),
        "team": None,
        "flags": world.application_flags,
        "flags_new": str(world.application_flags),
        "bot": user_json(world.bot_user),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": len(world.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
        "integration_types_config": {"0": {}},
    }
