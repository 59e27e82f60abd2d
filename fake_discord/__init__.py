"""A local fake Discord (REST API + gateway) for driving the real bot in tests.

See ``server.FakeDiscord`` for the driver API and ``README.md`` for how to point a bot at it.
"""

from .errors import APIError
from .gateway import GatewayEvent, Session
from .interactions import Callback, Interaction
from .models import (
    CATEGORY,
    DM,
    TEXT,
    VOICE,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    User,
    VoiceState,
)
from .permissions import ALL_PERMISSIONS, DEFAULT_BOT, DEFAULT_EVERYONE, Perm
from .ratelimit import DEFAULT_LIMIT, DEFAULT_ROUTE_LIMITS
from .records import RequestRecord, Stats
from .server import FakeDiscord
from .state import Rules

__all__ = [
    "ALL_PERMISSIONS",
    "CATEGORY",
    "DEFAULT_BOT",
    "DEFAULT_EVERYONE",
    "DEFAULT_LIMIT",
    "DEFAULT_ROUTE_LIMITS",
    "DM",
    "TEXT",
    "VOICE",
    "APIError",
    "Attachment",
    "Callback",
    "Channel",
    "FakeDiscord",
    "GatewayEvent",
    "Guild",
    "Interaction",
    "Member",
    "Message",
    "Overwrite",
    "Perm",
    "RequestRecord",
    "Role",
    "Rules",
    "Session",
    "Stats",
    "User",
    "VoiceState",
]
