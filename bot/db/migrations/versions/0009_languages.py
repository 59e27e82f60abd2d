"""languages: each pair's language, the member's last Discord locale, skips waiting for consent

`pairs.locale` is the language of the pair's channel and of the DMs about it (decided when the pair
is formed; existing pairs keep NULL and read the program's language, as they did).
`member_profiles.discord_locale` remembers the Discord locale of the member's last interaction, for
their DMs. `pair_weeks.skip_proposed_by`: skipping a week waits for the partner's click, like a swap.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    with op.batch_alter_table("member_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discord_locale", sa.String(length=16), nullable=True))
    with op.batch_alter_table("pair_weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skip_proposed_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pair_weeks", schema=None) as batch_op:
        batch_op.drop_column("skip_proposed_by")
    with op.batch_alter_table("member_profiles", schema=None) as batch_op:
        batch_op.drop_column("discord_locale")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_column("locale")
