"""exactly once: pair launch generations; erasable round authors

A pair whose channel was deleted by hand is launched again: `launch_generation` counts those
launches, so each one is its own exactly-once key; likewise `charters.signed_versions` counts the
versions both signed (each posted and pinned once). `match_rounds.created_by` becomes nullable so a
member's erasure can forget that they opened a round.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("charters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_versions", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("charters", schema=None) as batch_op:
        batch_op.drop_column("signed_versions")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_column("launch_generation")
