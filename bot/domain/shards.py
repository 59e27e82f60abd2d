"""Discord's sharding rules, and reading which shards a process runs (`SHARD_COUNT`, `SHARD_IDS`).

A bot's servers are split into `shard_count` shards by Discord's rule
`shard_id = (guild_id >> 22) % shard_count`; each gateway session serves one shard. Sessions start
(IDENTIFY) in buckets: shard `i` is in bucket `i % max_concurrency`, and each bucket allows one
IDENTIFY per 5 seconds (`GET /gateway/bot` gives `max_concurrency`).
"""

from __future__ import annotations

import re

IDENTIFY_INTERVAL_SECONDS = 5.0  # Discord: one IDENTIFY per bucket per 5 s


class ShardConfigError(ValueError):
    """`SHARD_COUNT` / `SHARD_IDS` do not describe valid shards; the message says what to change."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that serves the guild (Discord's rule)."""
    return (guild_id >> 22) % shard_count


def identify_bucket(shard_id: int, max_concurrency: int) -> int:
    """The IDENTIFY bucket of a shard: shards of one bucket start one after another, 5 s apart."""
    return shard_id % max(max_concurrency, 1)


_ITEM = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")


def parse_shard_count(raw: str) -> int:
    try:
        count = int(raw.strip())
    except ValueError as exc:
        raise ShardConfigError(f"SHARD_COUNT must be a whole number of shards (1 or more), got {raw!r}") from exc
    if count < 1:
        raise ShardConfigError(f"SHARD_COUNT must be 1 or more, got {count}")
    return count


def parse_shard_ids(raw: str, shard_count: int) -> tuple[int, ...]:
    """`"0,1"`, `"0-3"` or `"0-2, 5"` → the shard ids, sorted. Every id must be below `shard_count`,
    and none may be given twice (`"0-2,1"` overlaps)."""
    ids: list[int] = []
    for item in (part.strip() for part in raw.split(",")):
        match = _ITEM.match(item)
        if match is None:
            raise ShardConfigError(
                f"SHARD_IDS must list shard ids or ranges separated by commas, like 0,1 or 0-3; got {raw!r}"
            )
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if last < first:
            raise ShardConfigError(f"SHARD_IDS: the range {item!r} goes backwards; write {last}-{first}")
        ids.extend(range(first, last + 1))
    outside = sorted({i for i in ids if i >= shard_count})
    if outside:
        raise ShardConfigError(
            f"SHARD_IDS {describe_ids(outside)} outside SHARD_COUNT={shard_count}: "
            f"shard ids go from 0 to {shard_count - 1}"
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ShardConfigError(f"SHARD_IDS lists shard {describe_ids(repeated)} more than once ({raw!r})")
    return tuple(sorted(ids))


def describe_ids(ids: list[int] | tuple[int, ...] | range) -> str:
    """Shard ids for people: `[0, 1, 2, 5]` → `"0-2, 5"`."""
    ordered = sorted(set(ids))
    runs: list[str] = []
    start = previous = None
    for shard in [*ordered, None]:
        if shard is not None and previous is not None and shard == previous + 1:
            previous = shard
            continue
        if start is not None:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = shard
    return ", ".join(runs)


def describe_shards(ids: list[int] | tuple[int, ...] | range, shard_count: int) -> str:
    """`"shards 0-1 of 3"`, `"shard 2 of 3"`."""
    noun = "shard" if len(set(ids)) == 1 else "shards"
    return f"{noun} {describe_ids(ids)} of {shard_count}"
