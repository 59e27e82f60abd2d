"""The global pacer (`bot.client.pacing`): never more than the limit in any window, in order, paused by
a global 429; and which requests count against the limit. Time is simulated: no test sleeps."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import discord
import pytest
from multidict import CIMultiDict

from bot.client.pacing import GlobalPacer, paced, pacing_trace


class SimulatedTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def pacer(rate: int, margin: float = 0.05) -> tuple[GlobalPacer, SimulatedTime]:
    time = SimulatedTime()
    return GlobalPacer(rate, margin=margin, clock=time.clock, sleep=time.sleep), time


async def test_never_more_than_the_rate_in_any_window_and_no_slower_than_that():
    limiter, time = pacer(10)
    sent: list[tuple[int, float]] = []

    async def request(number: int) -> None:
        await limiter.acquire()
        sent.append((number, time.now))

    await asyncio.gather(*(request(n) for n in range(45)))
    assert [number for number, _ in sent] == list(range(45)), "served in the order they asked"
    instants = [at for _, at in sent]
    assert instants[:10] == [1000.0] * 10, "a window's worth goes at once"
    for first, eleventh in zip(instants, instants[10:], strict=False):
        assert eleventh - first >= 1.05 - 1e-9, "an 11th request within one window (+ margin)"
    assert instants[-1] - instants[0] == pytest.approx(4 * 1.05), "45 requests: 4 full windows, no more"
    assert limiter.stats.sent == 45 and limiter.stats.waited > 0


async def test_a_window_is_a_sliding_one():
    """Requests spread over a window free their slots one by one, as they age out."""
    limiter, time = pacer(3, margin=0.0)
    for _ in range(3):
        await limiter.acquire()
        time.now += 0.4  # sent at 1000.0, 1000.4, 1000.8
    assert time.now == pytest.approx(1001.2)
    await limiter.acquire()  # the first has aged out at 1001.0
    assert time.now == pytest.approx(1001.2)
    await limiter.acquire()  # the second ages out at 1001.4
    assert time.now == pytest.approx(1001.4)


async def test_a_global_429_pauses_everyone():
    limiter, time = pacer(50)
    await limiter.acquire()
    limiter.pause(2.0)
    await limiter.acquire()
    assert time.now == pytest.approx(1002.0)
    assert limiter.stats.global_429s == 1


@pytest.fixture
def api_base(monkeypatch) -> str:
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:5000/api/v10")
    return "http://127.0.0.1:5000/api/v10"


def test_what_counts_against_the_global_limit(api_base):
    app = 4242
    assert paced(f"{api_base}/channels/1/messages", app)
    assert paced(f"{api_base}/guilds/1/channels", app)
    assert paced(f"{api_base}/webhooks/9999/some-webhook-token", app), "not an interaction webhook"
    assert not paced(f"{api_base}/interactions/1/token/callback?with_response=1", app)
    assert not paced(f"{api_base}/webhooks/{app}/interaction-token", app), "a followup"
    assert not paced(f"{api_base}/webhooks/{app}/interaction-token/messages/@original", app)
    assert not paced("ws://127.0.0.1:5000/gateway?v=10", app), "the gateway is not REST"
    assert not paced("https://cdn.discordapp.com/avatars/1/a.png", app)


async def test_the_trace_paces_requests_and_pauses_on_a_global_429(api_base):
    limiter, time = pacer(1, margin=0.0)
    trace = pacing_trace(limiter, lambda: 4242)
    trace.freeze()
    start = SimpleNamespace(method="POST", url=f"{api_base}/channels/1/messages", headers=CIMultiDict())
    for _ in range(3):
        await trace.on_request_start.send(None, None, start)
    assert time.now == pytest.approx(1002.0), "one per second"
    callback = SimpleNamespace(method="POST", url=f"{api_base}/interactions/1/t/callback", headers=CIMultiDict())
    await trace.on_request_start.send(None, None, callback)
    assert time.now == pytest.approx(1002.0) and limiter.stats.sent == 3, "interaction callbacks never wait"

    def ended(status: int, **headers: str) -> SimpleNamespace:
        response = SimpleNamespace(status=status, headers=CIMultiDict(headers))
        return SimpleNamespace(method="POST", url=start.url, headers=CIMultiDict(), response=response)

    await trace.on_request_end.send(None, None, ended(429, **{"X-RateLimit-Scope": "user", "Retry-After": "5"}))
    assert limiter.stats.global_429s == 0, "a route's own 429 is discord.py's to handle"
    await trace.on_request_end.send(None, None, ended(429, **{"X-RateLimit-Global": "true", "Retry-After": "3"}))
    await trace.on_request_start.send(None, None, start)
    assert time.now == pytest.approx(1005.0) and limiter.stats.global_429s == 1
