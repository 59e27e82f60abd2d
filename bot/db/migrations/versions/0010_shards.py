"""shards across processes: shard leases and identify buckets

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shard_leases",
        sa.Column("shard_count", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("shard_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=96), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shard_count", "shard_id", name=op.f("pk_shard_leases")),
    )
    op.create_table(
        "gateway_identifies",
        sa.Column("max_concurrency", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shard", sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint("max_concurrency", "bucket", name=op.f("pk_gateway_identifies")),
    )


def downgrade() -> None:
    op.drop_table("gateway_identifies")
    op.drop_table("shard_leases")
