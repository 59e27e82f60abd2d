"""Communities for the bot-level benchmarks, written straight into a migrated database (bulk inserts:
seeding 10,000 members through the services would take minutes) and mirrored in the fake Discord.

`Community.build(fake, database_url, guilds=..., members=..., pairs=...)` adds the guilds, members and
pair channels to the fake and the profiles, skills and active pairs to the database: every guild gets
`members // guilds` members, the first `2 * pairs // guilds` of them in active pairs, each pair with
its private channel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert, select

from bot.db.engine import Database
from bot.db.models import GuildSettings, MemberProfile, MemberSkill, Pair
from bot.db.repositories.guilds import skill_catalogue
from fake_discord import FakeDiscord
from tests.conftest import reset_postgres

ACTIVATED = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a week before the benchmarks' first run
ROWS_PER_STATEMENT = 2_000


@dataclass
class Guild:
    id: int
    general_id: int
    members: list[int]
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (member a, member b, channel id)


@dataclass
class Community:
    guilds: list[Guild]

    @property
    def channels(self) -> list[int]:
        return [channel for guild in self.guilds for _, _, channel in guild.pairs]

    @classmethod
    async def build(
        cls, fake: FakeDiscord, database_url: str, *, guilds: int, members: int, pairs: int, seed: int = 7
    ) -> Community:
        rng = random.Random(seed)
        built = []
        for number in range(guilds):
            guild = fake.add_guild(f"Club {number}", preferred_locale="fr")
            general = fake.add_text_channel(guild.id, "general")
            users = [
                fake.add_member(guild.id, name=f"g{number}m{i}", locale=rng.choice(("fr", "fr", "en-US"))).id
                for i in range(members // guilds)
            ]
            pair_channels = [fake.add_text_channel(guild.id, f"pair-{i}").id for i in range(pairs // guilds)]
            entry = Guild(guild.id, general.id, users)
            entry.pairs = [(users[2 * i], users[2 * i + 1], channel) for i, channel in enumerate(pair_channels)]
            built.append(entry)
        community = cls(built)
        await community._store(database_url, rng)
        return community

    async def _store(self, database_url: str, rng: random.Random) -> None:
        db = Database(database_url)
        try:
            for guild in self.guilds:
                async with db.session() as session:
                    await _store_guild(session, guild, rng)
        finally:
            await db.close()


async def _store_guild(session, guild: Guild, rng: random.Random) -> None:
    now = datetime.now(UTC)
    session.add(GuildSettings(guild_id=guild.id, created_at=now, updated_at=now))
    await session.flush()
    skills = await skill_catalogue(session, guild.id)
    web = [s.id for s in skills if s.side == "web"]
    business = [s.id for s in skills if s.side == "business"]
    await _insert(session, MemberProfile, [profile_row(guild.id, uid, now) for uid in guild.members])
    query = select(MemberProfile.id).where(MemberProfile.guild_id == guild.id).order_by(MemberProfile.id)
    rows = []
    for index, profile_id in enumerate((await session.execute(query)).scalars()):
        # Members alternate web and business, so that consecutive members can be pairs.
        teach, learn = (web, business) if index % 2 == 0 else (business, web)
        rows += [{"profile_id": profile_id, "skill_id": s, "direction": "teach"} for s in rng.sample(teach, 3)]
        rows += [{"profile_id": profile_id, "skill_id": s, "direction": "learn"} for s in rng.sample(learn, 2)]
    await _insert(session, MemberSkill, rows)
    await _insert(session, Pair, [_pair(guild.id, a, b, channel) for a, b, channel in guild.pairs])


async def fresh_database(url: str | None, workdir) -> str:
    """The benchmark's database: an SQLite file in `workdir`, or the PostgreSQL database at `url`, emptied."""
    if url is None:
        return f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    from bot.settings import normalise_database_url

    url = normalise_database_url(url)
    await reset_postgres(url)
    return url


async def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        await session.execute(insert(model), rows[start : start + ROWS_PER_STATEMENT])


def profile_row(guild_id: int, user_id: int, now: datetime) -> dict:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "status": "active",
        "languages": ["fr"],
        "timezone": "Europe/Paris",
        "city": "Lyon",
        "in_person_ok": True,
        "availability": "soirs",
        "bio": "Bio " * 20,
        "objectives": "Objectifs " * 20,
        "queue_priority": 0,
        "joined_at": now,
        "updated_at": now,
    }


def _pair(guild_id: int, a: int, b: int, channel_id: int) -> dict:
    return {
        "guild_id": guild_id,
        "member_a_id": a,
        "member_b_id": b,
        "status": "active",
        "origin": "round",
        "a_teaches_b": ["seo", "social-media"],
        "b_teaches_a": ["finance", "sales"],
        "same_city": True,
        "channel_id": channel_id,
        "created_at": ACTIVATED,
        "activated_at": ACTIVATED,
        "first_meeting_planned_at": ACTIVATED,
    }


class PostCounter:
    """Messages the bot posted in the given channels since it was created, counted incrementally from
    the fake's request log (cheap enough for `fake.wait_for`, which re-checks on every change)."""

    ROUTE = "POST /channels/{channel_id}/messages"

    def __init__(self, fake: FakeDiscord, channels: list[int]) -> None:
        self._fake = fake
        self._paths = {f"/channels/{channel}/messages" for channel in channels}
        self._seen = len(fake.requests)
        self.count = 0

    def __call__(self) -> int:
        requests = self._fake.requests
        for record in requests[self._seen :]:
            if record.route == self.ROUTE and record.ok and record.path in self._paths:
                self.count += 1
        self._seen = len(requests)
        return self.count
