"""What the fake records about REST traffic: the request log, counters, injected faults."""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestRecord:
    method: str
    path: str  # without the /api/v10 prefix
    route: str | None  # "METHOD /template/{param}" or None when no route matched
    status: int
    at: float  # time.time() when the request arrived
    duration: float
    query: dict[str, str] = field(default_factory=dict)
    payload: Any = None
    files: int = 0
    code: int | None = None  # Discord error code of an error response
    errors: dict[str, Any] | None = None  # the ``errors`` tree of a 400 50035
    #: refused for its body (Discord's schema or limits): the bot sent something Discord refuses
    invalid_body: bool = False
    rate_limit_scope: str | None = None  # "user" / "global" on a 429
    injected: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        return (method is None or method.upper() == self.method) and (path is None or path_matches(path, self.path))

    def __str__(self) -> str:
        extra = f" code={self.code}" if self.code else ""
        if self.errors:
            extra += f" errors={self.errors}"
        return f"{self.method} {self.path} -> {self.status}{extra}"


def path_matches(pattern: str, path: str) -> bool:
    """Glob (``/channels/*/messages``) or, when it starts with ``^``, a regular expression."""
    if pattern.startswith("^"):
        return re.search(pattern, path) is not None
    return fnmatch.fnmatchcase(path, pattern)


@dataclass
class Stats:
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    rate_limited_global: int = 0
    #: responses >= 400 other than 429 (which clients retry), injected faults included
    failed: int = 0
    injected: int = 0
    #: handler crashes (bugs in the fake): the response was a 500
    internal_errors: int = 0

    def record(self, rec: RequestRecord) -> None:
        self.requests += 1
        self.by_status[rec.status] += 1
        if rec.route:
            self.by_route[rec.route] += 1
        if rec.status == 429:
            self.rate_limited += 1
            if rec.rate_limit_scope == "global":
                self.rate_limited_global += 1
        elif rec.status >= 400:
            self.failed += 1
        if rec.injected:
            self.injected += 1

    def summary(self) -> str:
        return (
            f"{self.requests} requests, {self.rate_limited} rate limited "
            f"({self.rate_limited_global} global), {self.failed} failed, {self.internal_errors} internal errors"
        )


@dataclass
class Fault:
    """A canned error answered instead of the real handler (``fake.fail_next``)."""

    method: str
    path: str
    status: int
    code: int
    message: str
    times: int = 1
    errors: dict[str, Any] | None = None
    retry_after: float = 1.0
    hits: int = 0
    #: ``fake.hold_next``: no error, the request is only slowed down by this many seconds, before it is
    #: handled (Discord slow to act) or, with ``after``, once handled (the answer slow to come back).
    hold: float = 0.0
    after: bool = False

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and self.method in ("*", method.upper()) and path_matches(self.path, path)
