"""``FakeDiscord``: the server (REST + gateway on 127.0.0.1) and the test-driver API.

Typical use::

    async with FakeDiscord() as fake:
        guild = fake.add_guild(name="Test", preferred_locale="fr")
        channel = fake.add_text_channel(guild.id, "general")
        alice = fake.add_member(guild.id, name="alice")
        # start the bot with DISCORD_API_BASE_URL=fake.api_base_url DISCORD_GATEWAY_URL=fake.gateway_url
        await fake.wait_until_ready()
        interaction = await fake.slash_command(guild.id, alice.id, "mentoring", subcommand="join")
        reply = await interaction.final_message()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .driver_interactions import InteractionDriver
from .driver_state import WorldDriver
from .gateway import PRIVILEGED_INTENTS, Gateway, GatewayEvent, Session
from .interactions import Interaction
from .ratelimit import DEFAULT_LIMIT, RateLimiter
from .records import Fault, RequestRecord, Stats
from .rest import build_app
from .shards import ShardDriver
from .state import Rules, World

log = logging.getLogger(__name__)

#: READY's application.flags bits for the privileged intents the application may use.
_INTENT_FLAGS = {"presences": 1 << 13, "members": 1 << 15, "message_content": 1 << 19}


class FakeDiscord(WorldDriver, InteractionDriver, ShardDriver):
    def __init__(
        self,
        token: str = "test-token",
        *,
        application_id: int | None = None,
        bot_name: str = "Binôme",
        privileged_intents: set[str] | frozenset[str] = frozenset({"members"}),
        interaction_deadline: float = 3.0,
        rate_limits: bool = False,
        global_per_second: int = 50,
        route_limits: dict[str, tuple[int, float]] | None = None,
        default_route_limit: tuple[int, float] | None = DEFAULT_LIMIT,
        heartbeat_interval_ms: int = 41250,
        shard_count: int = 1,
        max_concurrency: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        rules: Rules | None = None,
        expect_valid_requests: bool = False,
    ) -> None:
        unknown_intents = set(privileged_intents) - set(PRIVILEGED_INTENTS)
        if unknown_intents:
            raise ValueError(f"unknown privileged intents {unknown_intents}; use {set(PRIVILEGED_INTENTS)}")
        self.token = token
        self.privileged_intents = set(privileged_intents)
        self.rules = rules or Rules()
        self.rules.interaction_deadline = interaction_deadline
        self.heartbeat_interval_ms = heartbeat_interval_ms
        #: GET /gateway/bot: the shard count Discord recommends, and its identify buckets (shards.py)
        self.shard_count = shard_count
        self.max_concurrency = max_concurrency
        self.host = host
        self._port = port
        flags = 0
        for name in self.privileged_intents:
            flags |= _INTENT_FLAGS[name]
        app_id = application_id or 1234567890123456789
        self.world = World(application_id=app_id, bot_name=bot_name, rules=self.rules, application_flags=flags)
        self.ratelimiter = RateLimiter(
            enabled=rate_limits,
            global_per_second=global_per_second,
            route_limits=route_limits,
            default_limit=default_route_limit,
        )
        self.gateway = Gateway(self)
        self.world.emit = self.gateway.dispatch
        self.world.notify = self._notify
        self.requests: list[RequestRecord] = []
        self.stats = Stats()
        self.internal_errors: list[str] = []
        #: where the fake's responses did not match the spec (``rules.validate_responses``)
        self.response_problems: list[str] = []
        #: leaving ``async with`` raises if a request was refused for its body (``invalid_requests``)
        self.expect_valid_requests = expect_valid_requests
        self.command_store: dict[Any, list[dict[str, Any]]] = {}
        #: PUTs of the command list per scope: "global" or a guild id
        self.command_put_count: Counter[Any] = Counter()
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self._faults: list[Fault] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        self._changed = asyncio.Event()
        self._runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        log.info("fake Discord listening on %s", self.api_base_url)
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.stop()
        if exc_type is not None:
            return
        if self.internal_errors:
            raise AssertionError(
                "the fake Discord crashed while handling requests:\n" + "\n".join(self.internal_errors)
            )
        if self.response_problems:
            raise AssertionError(
                "the fake Discord answered what Discord's spec does not allow:\n" + "\n".join(self.response_problems)
            )
        if self.expect_valid_requests and self.invalid_requests:
            raise AssertionError(
                "Discord would refuse these requests (400 Invalid Form Body):\n"
                + "\n".join(f"{r}\n  payload: {r.payload}" for r in self.invalid_requests)
            )

    @property
    def port(self) -> int:
        return self._port

    @property
    def api_base_url(self) -> str:
        """Value for ``DISCORD_API_BASE_URL`` (``discord.http.Route.BASE``)."""
        return f"http://{self.host}:{self._port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DISCORD_GATEWAY_URL`` (``DiscordWebSocket.DEFAULT_GATEWAY``)."""
        return f"ws://{self.host}:{self._port}/gateway"

    def env(self) -> dict[str, str]:
        """Environment variables that point a bot process at this fake (token included)."""
        return {
            "DISCORD_API_BASE_URL": self.api_base_url,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "DISCORD_TOKEN": self.token,
        }

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user(self) -> Any:
        return self.world.bot_user

    # -- recording ---------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _record_request(self, record: RequestRecord) -> None:
        self.requests.append(record)
        self.stats.record(record)
        self._notify()

    def _internal_error(self, where: str, exc: BaseException, trace: str) -> None:
        self.stats.internal_errors += 1
        self.internal_errors.append(f"{where}: {exc!r}\n{trace}")
        log.error("fake Discord handler crashed on %s: %r\n%s", where, exc, trace)

    def find_requests(
        self, method: str | None = None, path: str | None = None, *, status: int | None = None
    ) -> list[RequestRecord]:
        """Logged requests matching ``method`` and the glob/regex ``path`` (without /api/v10)."""
        return [r for r in self.requests if r.matches(method, path) and (status is None or r.status == status)]

    @property
    def invalid_requests(self) -> list[RequestRecord]:
        """Requests refused for their body: Discord's schema (``spec/discord-openapi.json``) or limits."""
        return [r for r in self.requests if r.invalid_body]

    @property
    def events(self) -> list[GatewayEvent]:
        """Every gateway dispatch sent (or buffered for a disconnected session)."""
        return self.gateway.events

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        status: int = 500,
        code: int = 0,
        message: str = "Injected failure",
        *,
        times: int = 1,
        errors: dict[str, Any] | None = None,
        retry_after: float = 1.0,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` (or ``*``) and the glob ``path``
        (e.g. ``/channels/*/messages``, without /api/v10) with this error instead of handling them.
        A 429 is sent as a proper rate limit (``Via``, ``retry_after``) so discord.py retries it."""
        fault = Fault(method.upper(), path, status, code, message, times, errors, retry_after)
        self._faults.append(fault)
        return fault

    def hold_next(self, method: str, path: str, seconds: float, *, times: int = 1, after: bool = False) -> Fault:
        """Slow down the next ``times`` requests matching ``method`` and ``path`` by ``seconds``: held
        before they are handled (Discord slow to act: nothing happens meanwhile), or with ``after=True``
        handled at once and answered late (the effect exists while the client still waits)."""
        fault = Fault(method.upper(), path, 200, 0, "", times, hold=seconds, after=after)
        self._faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    def clear_faults(self) -> None:
        self._faults.clear()

    # -- gateway -----------------------------------------------------------------------------

    @property
    def sessions(self) -> list[Session]:
        return list(self.gateway.sessions.values())

    @property
    def connected(self) -> bool:
        return any(s.connected for s in self.gateway.sessions.values())

    async def disconnect_gateway(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Drop the bot's websocket. 4000 lets discord.py RESUME; ``invalidate=True`` forgets the
        session so it has to IDENTIFY again. Codes 4004/4010-4014 make the client give up."""
        await self.gateway.disconnect(code, invalidate=invalidate)

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT (the client reconnects and resumes)."""
        self.gateway.request_reconnect()

    async def wait_until_ready(self, timeout: float = 15.0, *, chunks: bool | None = None) -> Session:
        """Wait until a bot identified, got READY + every GUILD_CREATE of its shard, and (``chunks``, default:
        when it asked for the members intent) every such guild's member chunk request was answered
        (one session; ``wait_for_shards`` waits for every shard).

        discord.py fires ``on_ready`` ``guild_ready_timeout`` (2 s by default) after the last
        GUILD_CREATE, so the bot's own on_ready work (e.g. ``tree.sync``) may still be running:
        wait for its effects too (``wait_for_commands``, ``wait_for_request``)."""

        def ready() -> Session | None:
            return next((s for s in self.gateway.sessions.values() if self.gateway.is_ready(s, chunks)), None)

        return await self.wait_for(ready, timeout=timeout, description="waiting for the bot to identify")

    # -- waiting -----------------------------------------------------------------------------

    async def wait_for(
        self, predicate: Callable[[], Any], *, timeout: float = 10.0, description: str | None = None
    ) -> Any:
        """Wait until ``predicate()`` returns something truthy (re-checked on every state change)
        and return it. On timeout raise ``AssertionError`` describing what was recorded."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s {description or 'waiting'}\n{self.describe()}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=min(remaining, 0.25))

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        status: int | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> RequestRecord:
        def found() -> RequestRecord | None:
            matching = self.find_requests(method, path, status=status)
            return matching[count - 1] if len(matching) >= count else None

        return await self.wait_for(
            found, timeout=timeout, description=f"waiting for request #{count} {method or '*'} {path or '*'}"
        )

    async def wait_for_event(
        self, name: str, predicate: Callable[[dict[str, Any]], Any] | None = None, *, timeout: float = 10.0
    ) -> GatewayEvent:
        def found() -> GatewayEvent | None:
            for event in self.gateway.events:
                if event.name == name and (predicate is None or predicate(event.data)):
                    return event
            return None

        return await self.wait_for(found, timeout=timeout, description=f"waiting for gateway event {name}")

    async def wait_for_commands(
        self, scope: Any = "global", *, count: int = 1, timeout: float = 15.0
    ) -> list[dict[str, Any]]:
        """Wait for the ``count``-th PUT of the command list in ``scope`` ("global" or a guild id)."""
        await self.wait_for(
            lambda: self.command_put_count[scope] >= count,
            timeout=timeout,
            description=f"waiting for command sync #{count} in scope {scope}",
        )
        return self.command_store.get(scope, [])

    def describe(self, last: int = 15) -> str:
        """What the fake recorded (used in timeout messages)."""
        lines = [
            f"stats: {self.stats.summary()}",
            f"gateway: {len(self.gateway.sessions)} session(s), connected={self.connected}, "
            f"identify={self.gateway.identify_count}, close codes={self.gateway.close_codes}",
        ]
        lines.append(f"last {last} requests:")
        lines += [f"  {r}" for r in self.requests[-last:]] or ["  (none)"]
        lines.append("last gateway events: " + ", ".join(e.name for e in self.gateway.events[-last:]))
        interactions = list(self.interactions.values())[-5:]
        if interactions:
            lines.append("last interactions:")
            lines += [f"  {i!r} rejected={i.rejected} followups={len(i.followup_ids)}" for i in interactions]
        if self.internal_errors:
            lines.append("INTERNAL ERRORS OF THE FAKE:")
            lines += self.internal_errors[-3:]
        return "\n".join(lines)
