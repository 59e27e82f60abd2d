"""The gateway websocket: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, member chunks, RESUME.

Sessions are sharded as on Discord (``shards.py``): each gets its own guilds' events only, an
interaction goes to one session, and IDENTIFYs are rate limited per bucket.

Frames are plain JSON text (the client's ``compress`` query parameter and IDENTIFY flag are ignored;
discord.py only inflates binary frames). Dispatches carry increasing sequence numbers and are kept
per session so that a RESUME replays what the client missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads
from .shards import IdentifyLimiter, event_guild, holds, session_shard, shard_problem
from .state import GUILD_MEMBERS, GUILD_PRESENCES, GUILD_VOICE_STATES, MESSAGE_CONTENT

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger(__name__)

PRIVILEGED_INTENTS = {"members": GUILD_MEMBERS, "presences": GUILD_PRESENCES, "message_content": MESSAGE_CONTENT}
_BUFFER = 5000


@dataclass
class GatewayEvent:
    """A dispatch sent (or buffered) for a session."""

    name: str
    data: dict[str, Any]
    seq: int
    session_id: str
    at: float = field(default_factory=time.monotonic)


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: list[int] | None = None
    seq: int = 0
    identified_at: float = field(default_factory=time.monotonic)
    buffer: list[tuple[int, str]] = field(default_factory=list)
    queue: asyncio.Queue[str | None] | None = None
    ws: web.WebSocketResponse | None = None
    #: guild ids whose member chunk request (op 8) was answered
    chunked_guilds: set[int] = field(default_factory=set)
    #: (guild_id, nonce) of every op 8 received
    chunk_requests: list[tuple[int, str | None]] = field(default_factory=list)
    resumes: int = 0

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)


class Gateway:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.events: list[GatewayEvent] = []
        self.identify_count = 0
        self.identify_limiter = IdentifyLimiter(fake.max_concurrency)
        #: op 9 sent for an IDENTIFY over the identify limit (sessions invalidated)
        self.invalidations = 0
        self.close_codes: list[int] = []
        self._sockets: set[web.WebSocketResponse] = set()
        self._writers: set[asyncio.Task[None]] = set()

    # -- sending -----------------------------------------------------------------------------

    def dispatch(self, name: str, data: dict[str, Any], intent: int = 0) -> None:
        """Send a dispatch to every identified session of the event's guild's shard subscribed to
        ``intent`` (0 = always); an interaction to one session only."""
        guild_id = event_guild(name, data)
        if name == "INTERACTION_CREATE":
            chosen = self.interaction_session(guild_id)
            targets = [chosen] if chosen is not None else []
        else:
            targets = [session for session in self.sessions.values() if holds(session, guild_id)]
        for session in targets:
            if intent and not session.has(intent):
                continue
            self._send_dispatch(session, name, self._redact(session, name, data))

    def interaction_session(self, guild_id: int | None) -> Session | None:
        """The session an interaction in ``guild_id`` goes to: one of its shard, the newest connected."""
        holding = [session for session in self.sessions.values() if holds(session, guild_id)]
        candidates = [session for session in holding if session.connected] or holding
        return max(candidates, key=lambda session: session.identified_at, default=None)

    def is_ready(self, session: Session, chunks: bool | None = None) -> bool:
        """Connected and (``chunks``, default: with the members intent) got its guilds' member chunks."""
        if not session.connected:
            return False
        want_chunks = session.has(GUILD_MEMBERS) if chunks is None else chunks
        return not want_chunks or all(g in session.chunked_guilds for g in self.fake.world.guilds if holds(session, g))

    def _redact(self, session: Session, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name == "GUILD_CREATE" and not session.has(GUILD_VOICE_STATES):
            return {**data, "voice_states": []}  # a guild's voice states come with that intent only
        if name not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or session.has(MESSAGE_CONTENT):
            return data
        bot_id = str(self.fake.world.bot_user.id)
        author = (data.get("author") or {}).get("id")
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions") or [])
        if author == bot_id or mentioned or "guild_id" not in data:
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    def _send_dispatch(self, session: Session, name: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = json.dumps({"op": 0, "t": name, "s": session.seq, "d": data})
        session.buffer.append((session.seq, frame))
        if len(session.buffer) > _BUFFER:
            del session.buffer[: len(session.buffer) - _BUFFER]
        self.events.append(GatewayEvent(name, data, session.seq, session.id))
        if session.queue is not None and session.connected:
            session.queue.put_nowait(frame)
        self.fake._notify()

    @staticmethod
    def _send_raw(queue: asyncio.Queue[str | None], payload: dict[str, Any]) -> None:
        queue.put_nowait(json.dumps(payload))

    async def _writer(self, ws: web.WebSocketResponse, queue: asyncio.Queue[str | None]) -> None:
        while True:
            frame = await queue.get()
            if frame is None or ws.closed:
                return
            try:
                await ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    # -- connection --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        writer = asyncio.create_task(self._writer(ws, queue))
        self._writers.add(writer)
        writer.add_done_callback(self._writers.discard)
        self._send_raw(
            queue, {"op": 10, "d": {"heartbeat_interval": self.fake.heartbeat_interval_ms}, "s": None, "t": None}
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    if msg.type == WSMsgType.BINARY:
                        await self._close(ws, 4002, "Error while decoding payload.")
                    continue
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await self._close(ws, 4002, "Error while decoding payload.")
                    break
                session = await self._on_frame(ws, queue, session, payload) or session
        finally:
            queue.put_nowait(None)
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                session.queue = None
            self.fake._notify()
        return ws

    async def _on_frame(
        self,
        ws: web.WebSocketResponse,
        queue: asyncio.Queue[str | None],
        session: Session | None,
        payload: dict[str, Any],
    ) -> Session | None:
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            self._send_raw(queue, {"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            if session is not None:
                await self._close(ws, 4005, "Already authenticated.")
                return None
            return await self._identify(ws, queue, data or {})
        elif op == 6:
            return await self._resume(ws, queue, data or {})
        elif op == 8:
            if session is None:
                await self._close(ws, 4003, "Not authenticated.")
                return None
            self._request_members(session, data or {})
        elif op in (3, 4):
            pass
        else:
            await self._close(ws, 4001, "Unknown opcode.")
        return None

    async def _close(self, ws: web.WebSocketResponse, code: int, message: str) -> None:
        self.close_codes.append(code)
        await ws.close(code=code, message=message.encode())

    async def _identify(
        self, ws: web.WebSocketResponse, queue: asyncio.Queue[str | None], data: dict[str, Any]
    ) -> Session | None:
        fake = self.fake
        if data.get("token") != fake.token:
            await self._close(ws, 4004, "Authentication failed.")
            return None
        if "intents" not in data:
            await self._close(ws, 4013, "Invalid intent(s).")
            return None
        intents = int(data["intents"])
        allowed = 0
        for name in fake.privileged_intents:
            allowed |= PRIVILEGED_INTENTS[name]
        privileged = 0
        for bit in PRIVILEGED_INTENTS.values():
            privileged |= bit
        if intents & privileged & ~allowed:
            await self._close(ws, 4014, "Disallowed intent(s).")
            return None
        world = fake.world
        problem = shard_problem(data.get("shard"), len(world.guilds), fake.rules.max_guilds_per_shard)
        if problem is not None:
            await self._close(ws, *problem)
            return None
        session = Session(id=secrets.token_hex(16), intents=intents, shard=data.get("shard"))
        if not self.identify_limiter.admit(session_shard(session), fake.rules.identify_interval):
            # Over the bucket's identify limit: an invalid session, not resumable (discord.py identifies again).
            self.invalidations += 1
            self._send_raw(queue, {"op": 9, "d": False, "s": None, "t": None})
            self.fake._notify()
            return None
        self.identify_count += 1
        # A fresh IDENTIFY (e.g. a restarted bot process): forget this shard's sessions nobody is connected to.
        shard = session_shard(session)
        for stale in [sid for sid, s in self.sessions.items() if not s.connected and session_shard(s) == shard]:
            del self.sessions[stale]
        session.ws, session.queue = ws, queue
        self.sessions[session.id] = session
        own = [guild for guild in world.guilds.values() if holds(session, guild.id)]
        ready = {
            "v": 10,
            "user": payloads.client_user_json(world.bot_user),
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in own],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": fake.gateway_url,
            "shard": list(shard),
            "application": {"id": str(world.application_id), "flags": world.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake-discord"],
        }
        self._send_dispatch(session, "READY", ready)
        for guild in own:
            data = payloads.guild_json(guild, world, gateway=True)
            self._send_dispatch(session, "GUILD_CREATE", self._redact(session, "GUILD_CREATE", data))
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, queue: asyncio.Queue[str | None], data: dict[str, Any]
    ) -> Session | None:
        if data.get("token") != self.fake.token:
            await self._close(ws, 4004, "Authentication failed.")
            return None
        session = self.sessions.get(data.get("session_id") or "")
        seq = data.get("seq") or 0
        if session is None or (session.buffer and session.buffer[0][0] > seq + 1):
            self._send_raw(queue, {"op": 9, "d": False, "s": None, "t": None})
            return None
        if session.ws is not None and session.ws is not ws and not session.ws.closed:
            old = session.ws
            asyncio.get_running_loop().create_task(old.close(code=4000))
        session.ws, session.queue = ws, queue
        session.resumes += 1
        for s, frame in session.buffer:
            if s > seq:
                queue.put_nowait(frame)
        self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})
        return session

    def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        guild_id = int(data.get("guild_id") or 0)
        nonce = data.get("nonce")
        session.chunk_requests.append((guild_id, nonce))
        guild = self.fake.world.guilds.get(guild_id)
        members = list(guild.members.values()) if guild else []
        user_ids = data.get("user_ids")
        not_found: list[str] = []
        if user_ids:
            wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
            not_found = [str(u) for u in wanted if guild is None or u not in guild.members]
            members = [m for m in members if m.id in wanted]
        else:
            query = (data.get("query") or "").lower()
            if query:
                members = [
                    m
                    for m in members
                    if m.user.username.lower().startswith(query) or (m.nick or "").lower().startswith(query)
                ]
            limit = int(data.get("limit") or 0)
            if limit:
                members = members[:limit]
        chunks = [members[i : i + 1000] for i in range(0, len(members), 1000)] or [[]]
        for index, chunk in enumerate(chunks):
            payload: dict[str, Any] = {
                "guild_id": str(guild_id),
                "members": [payloads.member_json(m) for m in chunk],
                "chunk_index": index,
                "chunk_count": len(chunks),
                "not_found": not_found if index == 0 else [],
            }
            if data.get("presences"):
                payload["presences"] = []
            if nonce is not None:
                payload["nonce"] = nonce
            self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", payload)
        session.chunked_guilds.add(guild_id)
        self.fake._notify()

    # -- test controls -----------------------------------------------------------------------

    async def disconnect(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Close every live connection with ``code``; ``invalidate`` forgets the sessions (no RESUME)."""
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                await self._close(session.ws, code, "Disconnected by the test.")
        if invalidate:
            self.sessions.clear()

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and resumes."""
        for session in self.sessions.values():
            if session.queue is not None and session.connected:
                self._send_raw(session.queue, {"op": 7, "d": None, "s": None, "t": None})

    async def close_all(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"Fake Discord stopping.")
        for task in list(self._writers):
            task.cancel()
