"""What checking request bodies against Discord's OpenAPI spec costs the fake Discord, per request.

Runs the real bot through a short scripted session (every kind of body the fake validates: messages,
callbacks with selects and modals, followups, channels with overwrites, a DM, the command list), then
times ``fake_discord.validate.request`` (the spec's schema, then Discord's stricter limits) on each
body the bot sent: the cost the benchmarks and the suite pay on every request. Also prints the
one-time costs (loading the spec, compiling a route's validator) and the response check.

Run from the repository root: ``python -m benchmarks.bench_fake_validation [--repeat N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_discord import FakeDiscord, openapi, validate
from tests.e2e.bot_process import BotProcess
from tests.e2e.real_payloads import real_traffic


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


async def main(repeat: int) -> None:
    started = time.perf_counter()
    openapi.request_validator("POST /channels/{channel_id}/messages")
    print(f"loading the spec and compiling a first validator: {time.perf_counter() - started:.2f} s (once per process)")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with FakeDiscord() as fake:
            bot = BotProcess.for_fake(fake, f"sqlite+aiosqlite:///{workdir / 'bench.db'}", workdir)
            await bot.migrate()
            try:
                await real_traffic(fake, bot)
            finally:
                await bot.stop()
            records = [r for r in fake.requests if r.payload is not None and r.method in ("POST", "PUT", "PATCH")]

    cold = {}
    for record in records:
        if record.route not in cold:
            openapi.request_validator.cache_clear()
            began = time.perf_counter()
            validate.request(record.route, record.payload, bool(record.files))
            cold[record.route] = time.perf_counter() - began
    for record in records:  # compile every route once more, outside the timing
        validate.request(record.route, record.payload, bool(record.files))
    by_route: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for record in records:
            began = time.perf_counter()
            validate.request(record.route, record.payload, bool(record.files))
            by_route[record.route].append(time.perf_counter() - began)
    every = [t for times in by_route.values() for t in times]
    print(f"first body of a route (compiling its validator): at most {_us(max(cold.values()))}")
    print(
        f"{len(records)} bodies the bot sent, validated {repeat}x: mean {_us(statistics.mean(every))} per request, "
        f"median {_us(statistics.median(every))}, p95 {_us(statistics.quantiles(every, n=20)[-1])}"
    )
    for route, times in sorted(by_route.items(), key=lambda item: -statistics.mean(item[1])):
        print(f"  {_us(statistics.mean(times)):>10} mean  {_us(statistics.median(times)):>10} median  {route}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="times each body is validated (default 20)")
    asyncio.run(main(parser.parse_args().repeat))
