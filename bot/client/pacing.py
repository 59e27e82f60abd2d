"""Pacing outgoing requests against Discord's global rate limit *before* sending them.

Discord allows a bot token about 50 requests per second over all routes (the "global" limit;
interaction callbacks and interaction webhooks are exempt). discord.py only reacts to it: the
first global 429 stops every request for `retry_after`, and bulk work (the weekly run, a round's
launch, reports) keeps hitting it. `GlobalPacer` keeps the bot under the limit instead.

**Where it hooks in.** discord.py's `HTTPClient.request` first waits for the route's own bucket
(per channel, per guild...), then sends, and sends again on a 429 or a 5xx. A token taken when
`request` is entered would be counted at the wrong moment (a channel creation can wait seconds in
its bucket) and retries would go unpaced. So the pacer sits at the moment each attempt is sent:
an `aiohttp.TraceConfig` whose `on_request_start` signal (awaited by aiohttp before it opens the
connection) waits for a slot; discord.py takes it through its public `http_trace` option. The
same aiohttp session carries discord.py's interaction callbacks, followups and the gateway
connection: those are let through untouched (`paced`).

**The limit.** At most `rate` sends in any window of `per + margin` seconds (a sliding log of the
last `rate` send instants, FIFO for the waiters). A sliding window never exceeds a fixed window,
wherever Discord's window starts; `margin` absorbs the jitter between our clock and the moment
Discord counts the request. A global 429 anyway (another process on the same token, a clock
hiccup) pauses the pacer for its `Retry-After` on top of discord.py's own wait.

**Several processes, one token** (issue 13, shards in separate processes): the limit is per token,
not per process. Today each process has its own budget, `DISCORD_GLOBAL_RATE` (default 50): give
each of N processes 50 / N. Sharing one budget dynamically needs a shared counter consulted before
each send — e.g. a Redis `INCR` on a per-second key with an expiry, or PostgreSQL handing each
process blocks of slots (`UPDATE ... RETURNING` on one row per token and time slice, a few times a
second rather than once per request) — plus every process pausing on any process's global 429.
`GlobalPacer.acquire` / `pause` are the seam such a shared pacer would implement.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
import discord

log = logging.getLogger(__name__)

#: Discord's documented global limit: requests per second per bot token.
DISCORD_GLOBAL_RATE = 50
#: Slack added to every one-second window (jitter between our send and Discord's count).
WINDOW_MARGIN_SECONDS = 0.05

_EXEMPT_PREFIXES = ("/interactions/",)  # interaction callbacks: never counted against the global limit


@dataclass(slots=True)
class PacerStats:
    sent: int = 0  # requests that went through the pacer
    waited: int = 0  # of which had to wait for a slot
    wait_seconds: float = 0.0  # total time spent waiting
    max_wait: float = 0.0
    global_429s: int = 0  # global rate limits Discord answered anyway (each pauses the pacer)


class GlobalPacer:
    """At most `rate` requests in any `per + margin` seconds, in the order they asked."""

    def __init__(
        self,
        rate: int = DISCORD_GLOBAL_RATE,
        *,
        per: float = 1.0,
        margin: float = WINDOW_MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate < 1:
            raise ValueError("the global rate must be at least one request per window")
        self.rate = rate
        self.window = per + margin
        self.stats = PacerStats()
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=rate)  # the last `rate` send instants
        self._paused_until = 0.0
        self._turn = asyncio.Lock()  # FIFO: waiters are served in the order they came

    def delay(self) -> float:
        """How long a request asking now would wait (0 when it may go at once)."""
        now = self._clock()
        wait = self._paused_until - now
        if len(self._sent) == self.rate:
            wait = max(wait, self._sent[0] + self.window - now)
        return max(wait, 0.0)

    async def acquire(self) -> None:
        """Wait for a slot, then count this request as sent."""
        started = self._clock()
        async with self._turn:
            # Waiting for time to pass, not for an event (a pause may extend the wait meanwhile).
            while (wait := self.delay()) > 0:
                await self._sleep(wait)
            now = self._clock()
            self._sent.append(now)
        waited = now - started
        self.stats.sent += 1
        if waited > 0.001:
            self.stats.waited += 1
            self.stats.wait_seconds += waited
            self.stats.max_wait = max(self.stats.max_wait, waited)

    def pause(self, seconds: float) -> None:
        """Discord answered a global 429: nobody sends before `seconds` from now."""
        self.stats.global_429s += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        log.warning("global rate limit hit anyway: pausing outgoing requests for %.2f s", seconds)


def paced(url: str, application_id: int | None) -> bool:
    """Whether a request to `url` counts against the bot's global limit: a REST call to Discord's
    API except interaction callbacks and interaction webhooks (`/webhooks/{application_id}/...`,
    discord.py's followups and edits of the original response). Gateway and CDN: not REST."""
    base = discord.http.Route.BASE  # read at call time: the tests point it at a local fake
    if not url.startswith(base):
        return False
    path = url[len(base) :]
    if path.startswith(_EXEMPT_PREFIXES):
        return False
    return not (application_id is not None and path.startswith(f"/webhooks/{application_id}/"))


def pacing_trace(pacer: GlobalPacer, application_id: Callable[[], int | None]) -> aiohttp.TraceConfig:
    """The aiohttp hook that makes every paced request of discord.py's session wait its turn."""

    async def on_request_start(
        _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: aiohttp.TraceRequestStartParams
    ) -> None:
        if paced(str(params.url), application_id()):
            await pacer.acquire()

    async def on_request_end(
        _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        response = params.response
        if response.status == 429 and response.headers.get("X-RateLimit-Global", "").lower() == "true":
            try:
                retry_after = float(response.headers.get("Retry-After", "1"))
            except ValueError:
                retry_after = 1.0
            pacer.pause(retry_after)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    trace.on_request_end.append(on_request_end)
    return trace
