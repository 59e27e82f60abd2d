"""`python -m benchmarks.inspect_bot` runs the bot (`python -m bot`) with a memory probe: on SIGUSR1 it
writes, to the file named by `BINOME_BENCH_INSPECT`, its RSS, the live objects by type (after a garbage
collection) and, with `BINOME_BENCH_TRACEMALLOC=1` (slower), where the memory was allocated.

`benchmarks.botrun.BenchBot` uses it when `BINOME_BENCH_INSPECT` is set; `await bot.inspect(label)`
asks for a report. For finding what grows, not for the figures (tracemalloc itself costs memory).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tracemalloc
from collections import Counter
from pathlib import Path


def _report(_signum: int, _frame: object) -> None:
    path = Path(os.environ["BINOME_BENCH_INSPECT"])
    gc.collect()
    lines = []
    status = Path("/proc/self/status").read_text().splitlines()
    lines += [line for line in status if line.startswith(("VmRSS", "VmHWM"))]
    objects = gc.get_objects()
    counts = Counter(type(obj).__qualname__ for obj in objects)
    for http in (obj for obj in objects if type(obj).__qualname__ == "HTTPClient"):
        # discord.py keeps a rate-limit bucket per (route, major parameter) until idle for 5 minutes.
        buckets = Counter(key.split(":")[0] for key in getattr(http, "_buckets", {}))
        lines.append(f"discord.py rate-limit buckets: {sum(buckets.values())} {dict(buckets.most_common(8))}")
    lines.append(f"gc-tracked objects: {sum(counts.values())}")
    lines += [f"  {count:>9}  {name}" for name, count in counts.most_common(40)]
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        lines.append(f"tracemalloc: current {current / 2**20:.1f} MB, peak {peak / 2**20:.1f} MB")
        for stat in tracemalloc.take_snapshot().statistics("lineno")[:40]:
            lines.append(f"  {stat.size / 2**20:8.2f} MB  {stat.count:>8}  {stat.traceback}")
    with path.open("a") as out:
        out.write("\n".join([*lines, "", ""]))


def main() -> int:
    if os.environ.get("BINOME_BENCH_TRACEMALLOC"):
        tracemalloc.start(8)
    signal.signal(signal.SIGUSR1, _report)
    from bot.__main__ import main as run

    sys.argv = ["python -m bot", *sys.argv[1:]]
    return run()


if __name__ == "__main__":
    sys.exit(main())
