from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings, Skill
from bot.domain.skills import DEFAULT_CATALOGUE


def insert_ignoring_conflicts(session: AsyncSession, model: type, rows: list[dict]):
    """INSERT ... ON CONFLICT DO NOTHING in the dialect at hand (two processes may race to seed)."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(rows).on_conflict_do_nothing()


async def lock_guild(session: AsyncSession, guild_id: int, now: datetime) -> None:
    """Serialise, across processes, the transactions that decide who is paired with whom in a guild
    (a round's confirmation, a manual pair): call it first in the transaction. Both statements write the
    guild's settings row: SQLite takes its database write lock at the first, PostgreSQL locks the row at
    the second; either way until the transaction ends, so what is read afterwards is not raced."""
    row = {"guild_id": guild_id, "created_at": now, "updated_at": now}
    await session.execute(insert_ignoring_conflicts(session, GuildSettings, [row]))
    await session.execute(
        update(GuildSettings).where(GuildSettings.guild_id == guild_id).values(guild_id=GuildSettings.guild_id)
    )


async def get_or_create_settings(session: AsyncSession, guild_id: int, now: datetime) -> GuildSettings:
    settings = await session.get(GuildSettings, guild_id)
    if settings is None:
        await session.execute(
            insert_ignoring_conflicts(
                session, GuildSettings, [{"guild_id": guild_id, "created_at": now, "updated_at": now}]
            )
        )
        settings = await session.get(GuildSettings, guild_id, populate_existing=True)
        assert settings is not None
    return settings


async def skill_catalogue(session: AsyncSession, guild_id: int, *, include_removed: bool = False) -> list[Skill]:
    """The guild's skills in display order, seeding the default catalogue the first time. Skills
    moderators removed are left out unless `include_removed` (to name what profiles and pairs used)."""
    query = select(Skill).where(Skill.guild_id == guild_id).order_by(Skill.position, Skill.id)
    skills = list((await session.scalars(query)).all())
    if skills:
        return skills if include_removed else [skill for skill in skills if skill.removed_at is None]
    rows = [
        {
            "guild_id": guild_id,
            "key": s.key,
            "side": s.side,
            "name_en": s.name_en,
            "name_fr": s.name_fr,
            "position": position,
        }
        for position, s in enumerate(DEFAULT_CATALOGUE)
    ]
    await session.execute(insert_ignoring_conflicts(session, Skill, rows))
    return list((await session.scalars(query)).all())
