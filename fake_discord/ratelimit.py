"""Discord-style rate limits: per-route buckets keyed by major parameters, plus a global limit.

Buckets are fixed windows, as Discord's are: the first request opens a window of ``per`` seconds in
which ``limit`` requests are allowed. Every routed response carries the ``X-RateLimit-*`` headers;
an exceeded bucket answers 429 with ``Retry-After``, ``X-RateLimit-Scope``, ``X-RateLimit-Global``,
``Via`` and the JSON body discord.py expects.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

#: (limit, per_seconds) per route template ("METHOD /path/{param}"), modelled on Discord's buckets.
DEFAULT_ROUTE_LIMITS: dict[str, tuple[int, float]] = {
    "POST /channels/{channel_id}/messages": (5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": (5, 5.0),
    "DELETE /channels/{channel_id}/messages/{message_id}": (5, 5.0),
    "POST /guilds/{guild_id}/channels": (5, 5.0),
    "PATCH /channels/{channel_id}": (5, 5.0),
    "DELETE /channels/{channel_id}": (5, 5.0),
    "PUT /channels/{channel_id}/permissions/{overwrite_id}": (5, 5.0),
    "DELETE /channels/{channel_id}/permissions/{overwrite_id}": (5, 5.0),
    "POST /users/@me/channels": (5, 5.0),
    "POST /webhooks/{webhook_id}/{webhook_token}": (5, 2.0),
    "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": (5, 2.0),
    "PUT /applications/{application_id}/commands": (5, 20.0),
    "PUT /applications/{application_id}/guilds/{guild_id}/commands": (5, 20.0),
}

#: Limit for routes not listed above.
DEFAULT_LIMIT: tuple[int, float] = (10, 10.0)

#: Major parameters: a bucket is per route template *and* these values.
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id", "interaction_token")


@dataclass
class _Window:
    limit: int
    per: float
    reset_at: float = 0.0
    count: int = 0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.count = 0
            self.reset_at = now + self.per


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    scope: str | None = None


def bucket_hash(template: str) -> str:
    return hashlib.sha1(template.encode()).hexdigest()[:16]


def _fmt(value: float) -> str:
    # Rounded up so that a client sleeping exactly this long never comes back early.
    return f"{math.ceil(value * 1000) / 1000:.3f}"


class RateLimiter:
    def __init__(
        self,
        *,
        enabled: bool = False,
        global_per_second: int = 50,
        route_limits: dict[str, tuple[int, float]] | None = None,
        default_limit: tuple[int, float] | None = DEFAULT_LIMIT,
    ) -> None:
        self.enabled = enabled
        self.global_per_second = global_per_second
        self.route_limits = dict(DEFAULT_ROUTE_LIMITS)
        self.route_limits.update(route_limits or {})
        self.default_limit = default_limit
        self._buckets: dict[str, _Window] = {}
        self._global: dict[str, _Window] = {}

    def reset(self) -> None:
        self._buckets.clear()
        self._global.clear()

    def limit_for(self, template: str) -> tuple[int, float] | None:
        return self.route_limits.get(template, self.default_limit)

    def floor_seconds(self, template: str, count: int) -> float:
        """Least time ``count`` requests to one bucket of ``template`` can take under its limit
        (the first window opens with the first request), e.g. for a benchmark's lower bound."""
        limits = self.limit_for(template)
        if not limits or count <= 0:
            return 0.0
        limit, per = limits
        return ((count - 1) // limit) * per

    def check(
        self,
        template: str,
        params: dict[str, str],
        token: str | None,
        *,
        exempt_global: bool = False,
        now: float | None = None,
    ) -> Decision:
        """Count one request; return the headers to send, or a 429 decision."""
        now = time.time() if now is None else now
        if not self.enabled:
            return Decision(True)
        if not exempt_global and token is not None and self.global_per_second:
            window = self._global.setdefault(token, _Window(self.global_per_second, 1.0))
            window.roll(now)
            if window.count >= window.limit:
                retry = max(window.reset_at - now, 0.001)
                return Decision(
                    False,
                    {
                        "Retry-After": str(math.ceil(retry)),
                        "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global",
                        "Via": "1.1 google",
                    },
                    {"message": "You are being rate limited.", "retry_after": round(retry, 3), "global": True},
                    "global",
                )
        limits = self.limit_for(template)
        if limits is None:
            if not exempt_global and token is not None and self.global_per_second:
                self._global[token].count += 1
            return Decision(True)
        major = "+".join(params[k] for k in MAJOR_PARAMETERS if k in params)
        key = f"{template}:{major}"
        window = self._buckets.setdefault(key, _Window(*limits))
        window.roll(now)
        bucket = bucket_hash(template)
        if window.count >= window.limit:
            retry = max(window.reset_at - now, 0.001)
            headers = self._headers(window, bucket, now)
            headers.update(
                {
                    "Retry-After": str(math.ceil(retry)),
                    "X-RateLimit-Global": "false",
                    "X-RateLimit-Scope": "user",
                    "Via": "1.1 google",
                }
            )
            body = {"message": "You are being rate limited.", "retry_after": round(retry, 3), "global": False}
            return Decision(False, headers, body, "user")
        window.count += 1
        if not exempt_global and token is not None and self.global_per_second:
            self._global[token].count += 1
        return Decision(True, self._headers(window, bucket, now))

    @staticmethod
    def _headers(window: _Window, bucket: str, now: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(window.limit - window.count, 0)),
            "X-RateLimit-Reset": _fmt(window.reset_at),
            "X-RateLimit-Reset-After": _fmt(max(window.reset_at - now, 0.0)),
            "X-RateLimit-Bucket": bucket,
        }
