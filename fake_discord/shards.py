"""Sharding as Discord does it: which session gets which guild's events, and the identify limit.

- A session identifies as shard ``[shard_id, shard_count]`` (none: ``[0, 1]``, every guild). It gets
  the events of the guilds with ``(guild_id >> 22) % shard_count == shard_id`` only, and the events of
  no guild (DMs) on shard 0 only; READY lists, and GUILD_CREATE replays, only its guilds.
- An interaction is delivered once, to one session holding its guild (the newest connected one, when
  a re-shard makes two shard counts overlap).
- ``GET /gateway/bot`` recommends ``shard_count`` shards and gives ``max_concurrency``; IDENTIFYs are
  bucketed by ``shard_id % max_concurrency``, and a bucket admits one per ``rules.identify_interval``
  seconds (5): a faster one gets op 9 (invalid session, not resumable) and no session.
- A ``shard`` outside ``[0, shard_count)`` is closed 4010; too few shards for the guilds
  (more than ``rules.max_guilds_per_shard``, 2,500, per shard) 4011.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import DISCORD_EPOCH_MS

if TYPE_CHECKING:
    from .gateway import Session
    from .server import FakeDiscord
    from .state import World

_GUILD_ITSELF = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def event_guild(name: str, data: dict[str, Any]) -> int | None:
    """The guild an event is about (None: a DM, or no guild)."""
    raw = data.get("id") if name in _GUILD_ITSELF else data.get("guild_id")
    return int(raw) if raw is not None else None


def snowflake_on_shard(world: World, shard_id: int, shard_count: int) -> int:
    """A fresh snowflake (for a guild id) that shard ``shard_id`` of ``shard_count`` serves: the next
    millisecond, from now on, that falls on that shard."""
    if not 0 <= shard_id < shard_count:
        raise ValueError(f"shard {shard_id} is not one of {shard_count} shards")
    generator = world.snowflake
    ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, (generator._last >> 22) + 1)
    ms += (shard_id - ms) % shard_count
    value = (ms << 22) | (1 << 17)
    generator._last = value
    return value


@dataclass
class IdentifyRecord:
    at: float
    shard: tuple[int, int]
    bucket: int
    accepted: bool


@dataclass
class IdentifyLimiter:
    """One IDENTIFY per bucket per ``interval`` seconds."""

    max_concurrency: int = 1
    records: list[IdentifyRecord] = field(default_factory=list)
    _last: dict[int, float] = field(default_factory=dict)

    def admit(self, shard: tuple[int, int], interval: float, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        bucket = shard[0] % max(self.max_concurrency, 1)
        last = self._last.get(bucket)
        accepted = not interval or last is None or now - last >= interval
        if accepted:
            self._last[bucket] = now
        self.records.append(IdentifyRecord(now, shard, bucket, accepted))
        return accepted

    @property
    def refused(self) -> list[IdentifyRecord]:
        return [r for r in self.records if not r.accepted]


def session_shard(session: Session) -> tuple[int, int]:
    shard = session.shard or [0, 1]
    return int(shard[0]), int(shard[1])


def holds(session: Session, guild_id: int | None) -> bool:
    """Whether the session gets this guild's events (None: DMs, on shard 0)."""
    shard_id, count = session_shard(session)
    return shard_id == 0 if guild_id is None else shard_of(guild_id, count) == shard_id


def shard_problem(shard: Any, guilds: int, max_guilds_per_shard: int) -> tuple[int, str] | None:
    """The close code and reason Discord gives an IDENTIFY's ``shard``, or None when it is fine."""
    if shard is None:
        shard = [0, 1]
    if (
        not isinstance(shard, list)
        or len(shard) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
        or not 0 <= shard[0] < shard[1]
    ):
        return 4010, "Invalid shard."
    if max_guilds_per_shard and guilds > shard[1] * max_guilds_per_shard:
        return 4011, "Sharding required."
    return None


class ShardDriver:
    """Test-driver API for sharded bots (mixed into ``FakeDiscord``)."""

    def guild_id_on_shard(self: FakeDiscord, shard_id: int, shard_count: int) -> int:
        """A new guild id that shard ``shard_id`` of ``shard_count`` serves: ``add_guild(guild_id=...)``."""
        return snowflake_on_shard(self.world, shard_id, shard_count)

    def sessions_of_shard(self: FakeDiscord, shard_id: int, shard_count: int) -> list[Session]:
        return [s for s in self.gateway.sessions.values() if session_shard(s) == (shard_id, shard_count)]

    def session_of_guild(self: FakeDiscord, guild_id: int) -> Session | None:
        """The connected session an interaction in this guild is delivered to."""
        return self.gateway.interaction_session(guild_id)

    @property
    def identifies(self: FakeDiscord) -> list[IdentifyRecord]:
        """Every IDENTIFY that reached the identify limit, accepted or refused (op 9)."""
        return self.gateway.identify_limiter.records

    async def wait_for_shards(self: FakeDiscord, shard_count: int, *, timeout: float = 30.0) -> list[Session]:
        """Wait until every shard ``0..shard_count-1`` has a connected session that got its guilds' member
        chunks (as ``wait_until_ready`` for one session); returns them by shard id."""

        def ready() -> list[Session] | None:
            found = []
            for shard_id in range(shard_count):
                session = next(
                    (s for s in self.sessions_of_shard(shard_id, shard_count) if self.gateway.is_ready(s)), None
                )
                if session is None:
                    return None
                found.append(session)
            return found

        return await self.wait_for(ready, timeout=timeout, description=f"waiting for {shard_count} shards to be ready")
