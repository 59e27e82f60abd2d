"""The moderators' console tables: audit entries and trouble reports, and their part of an erasure."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry, ModeratorReport, Pair


async def forget_member(session: AsyncSession, guild_id: int, user_id: int) -> None:
    """Erasure (`/mentoring leave`, `/mentoring-admin forget`): no console row keeps the member.

    Audit entries keep the action and its time, with the member's id nulled wherever it stood (as
    the moderator who acted, or as a target). Reports about the member or their pairs lose their
    texts (a channel named after them, a rating comment) and the member's id; numbers stay.
    Must run before the pairs are anonymised (it finds the member's pairs through them).
    """
    for column in (AuditEntry.actor_id, AuditEntry.target_a_id, AuditEntry.target_b_id):
        await session.execute(
            update(AuditEntry)
            .where(AuditEntry.guild_id == guild_id, column == user_id)
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )
    their_pairs = select(Pair.id).where(
        Pair.guild_id == guild_id, or_(Pair.member_a_id == user_id, Pair.member_b_id == user_id)
    )
    reports = (
        await session.scalars(
            select(ModeratorReport).where(
                ModeratorReport.guild_id == guild_id,
                or_(ModeratorReport.subject_id == user_id, ModeratorReport.pair_id.in_(their_pairs)),
            )
        )
    ).all()
    for report in reports:
        report.params = {name: value for name, value in report.params.items() if not isinstance(value, str)}
        if report.subject_id == user_id:
            report.subject_id = None
    await session.flush()
