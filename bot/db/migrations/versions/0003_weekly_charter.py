"""weekly rhythm, check-ins, charters, feedback

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:58:36.255082
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weekly_runs",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", "week_start", name=op.f("pk_weekly_runs")),
    )
    op.create_table(
        "charters",
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("frequency", sa.Text(), nullable=False),
        sa.Column("duration", sa.Text(), nullable=False),
        sa.Column("meeting_format", sa.Text(), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.Column("ending", sa.Text(), nullable=False),
        sa.Column("objectives_a", sa.Text(), nullable=False),
        sa.Column("objectives_b", sa.Text(), nullable=False),
        sa.Column("shared_goal", sa.Text(), nullable=False),
        sa.Column("goal_progress", sa.Integer(), nullable=False),
        sa.Column("goal_note", sa.Text(), nullable=False),
        sa.Column("signed_a_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_b_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("panel_message_id", sa.BigInteger(), nullable=True),
        sa.Column("pinned_message_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pairs.id"], name=op.f("fk_charters_pair_id_pairs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pair_id", name=op.f("pk_charters")),
    )
    op.create_table(
        "pair_feedback",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_pair_feedback_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_feedback")),
        sa.UniqueConstraint("pair_id", "user_id", name=op.f("uq_pair_feedback_pair_id_user_id")),
    )
    with op.batch_alter_table("pair_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pair_feedback_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_feedback_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "pair_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("led_by", sa.BigInteger(), nullable=True),
        sa.Column("logged_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_pair_sessions_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_sessions")),
    )
    with op.batch_alter_table("pair_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pair_sessions_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_sessions_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "pair_weeks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pair_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("mentor_id", sa.BigInteger(), nullable=True),
        sa.Column("learner_id", sa.BigInteger(), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("swapped", sa.Boolean(), nullable=False),
        sa.Column("swap_proposed_by", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_pair_weeks_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_weeks")),
        sa.UniqueConstraint("pair_id", "week_start", name=op.f("uq_pair_weeks_pair_id_week_start")),
    )
    with op.batch_alter_table("pair_weeks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pair_weeks_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_weeks_pair_id"), ["pair_id"], unique=False)

    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_meeting_reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cycle_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("mid_cycle_prompted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_cycle_prompted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("silence_reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_proposed_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_column("end_proposed_by")
        batch_op.drop_column("silence_reported_at")
        batch_op.drop_column("end_cycle_prompted_at")
        batch_op.drop_column("mid_cycle_prompted_at")
        batch_op.drop_column("cycle_started_at")
        batch_op.drop_column("first_meeting_reminded_at")

    with op.batch_alter_table("pair_weeks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_weeks_pair_id"))
        batch_op.drop_index(batch_op.f("ix_pair_weeks_guild_id"))

    op.drop_table("pair_weeks")
    with op.batch_alter_table("pair_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_sessions_pair_id"))
        batch_op.drop_index(batch_op.f("ix_pair_sessions_guild_id"))

    op.drop_table("pair_sessions")
    with op.batch_alter_table("pair_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_feedback_pair_id"))
        batch_op.drop_index(batch_op.f("ix_pair_feedback_guild_id"))

    op.drop_table("pair_feedback")
    op.drop_table("charters")
    op.drop_table("weekly_runs")
