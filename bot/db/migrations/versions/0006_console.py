"""moderators' console: audit entries and stored trouble reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SurrogateKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_a_id", sa.BigInteger(), nullable=True),
        sa.Column("target_b_id", sa.BigInteger(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_guild_id"), "audit_entries", ["guild_id"], unique=False)
    op.create_table(
        "moderator_reports",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("pair_id", SurrogateKey, nullable=True),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("event_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_moderator_reports_pair_id_pairs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_reports")),
        sa.UniqueConstraint("event_key", name=op.f("uq_moderator_reports_event_key")),
    )
    op.create_index(op.f("ix_moderator_reports_guild_id"), "moderator_reports", ["guild_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_moderator_reports_guild_id"), table_name="moderator_reports")
    op.drop_table("moderator_reports")
    op.drop_index(op.f("ix_audit_entries_guild_id"), table_name="audit_entries")
    op.drop_table("audit_entries")
