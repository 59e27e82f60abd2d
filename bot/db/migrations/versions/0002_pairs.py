"""pairs and matching rounds

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 23:27:32.113542
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_rounds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_rounds")),
    )
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_rounds_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "pairs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_a_id", sa.BigInteger(), nullable=True),
        sa.Column("member_b_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("round_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("a_teaches_b", sa.JSON(), nullable=False),
        sa.Column("b_teaches_a", sa.JSON(), nullable=False),
        sa.Column("same_city", sa.Boolean(), nullable=False),
        sa.Column("category_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("kickoff_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_meeting_planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["match_rounds.id"], name=op.f("fk_pairs_round_id_match_rounds"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairs_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pairs_member_a_id"), ["member_a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pairs_member_b_id"), ["member_b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pairs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairs_status"))
        batch_op.drop_index(batch_op.f("ix_pairs_member_b_id"))
        batch_op.drop_index(batch_op.f("ix_pairs_member_a_id"))
        batch_op.drop_index(batch_op.f("ix_pairs_guild_id"))

    op.drop_table("pairs")
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_rounds_guild_id"))

    op.drop_table("match_rounds")
