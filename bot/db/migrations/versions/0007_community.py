"""a program each community shapes: its own skills, who must not be paired, rounds announced ahead,
progress on objectives

Skills get a moderator-named side (`side_name`) and are removed softly (`removed_at`), so profiles and
pairs keep showing what they used. Members may give an organization, kept apart when the server says so
(`guild_settings.separate_organizations`). New tables: members' private "avoid" lists, moderators'
exclusions, round announcements and their answers, and the members' self-ratings of their progress.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SurrogateKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("side_name", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("member_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization", sa.String(length=80), nullable=True))
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("separate_organizations", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "member_avoids",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("avoided_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "avoided_id", name=op.f("pk_member_avoids")),
    )
    op.create_index(op.f("ix_member_avoids_avoided_id"), "member_avoids", ["avoided_id"], unique=False)

    op.create_table(
        "pair_exclusions",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_low_id", sa.BigInteger(), nullable=False),
        sa.Column("member_high_id", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_exclusions")),
        sa.UniqueConstraint(
            "guild_id",
            "member_low_id",
            "member_high_id",
            name=op.f("uq_pair_exclusions_guild_id_member_low_id_member_high_id"),
        ),
    )
    op.create_index(op.f("ix_pair_exclusions_guild_id"), "pair_exclusions", ["guild_id"], unique=False)

    op.create_table(
        "round_announcements",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("round_date", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_id", SurrogateKey, nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["match_rounds.id"],
            name=op.f("fk_round_announcements_round_id_match_rounds"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_announcements")),
    )
    op.create_index(op.f("ix_round_announcements_guild_id"), "round_announcements", ["guild_id"], unique=False)

    op.create_table(
        "announcement_answers",
        sa.Column("announcement_id", SurrogateKey, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("answer", sa.String(length=12), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["round_announcements.id"],
            name=op.f("fk_announcement_answers_announcement_id_round_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("announcement_id", "user_id", name=op.f("pk_announcement_answers")),
    )
    op.create_index(op.f("ix_announcement_answers_guild_id"), "announcement_answers", ["guild_id"], unique=False)

    op.create_table(
        "progress_ratings",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("pair_id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("cycle", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("goal_rating", sa.Integer(), nullable=False),
        sa.Column("led_most", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_progress_ratings_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_ratings")),
        sa.UniqueConstraint(
            "pair_id", "user_id", "cycle", "stage", name=op.f("uq_progress_ratings_pair_id_user_id_cycle_stage")
        ),
    )
    op.create_index(op.f("ix_progress_ratings_guild_id"), "progress_ratings", ["guild_id"], unique=False)
    op.create_index(op.f("ix_progress_ratings_pair_id"), "progress_ratings", ["pair_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_progress_ratings_pair_id"), table_name="progress_ratings")
    op.drop_index(op.f("ix_progress_ratings_guild_id"), table_name="progress_ratings")
    op.drop_table("progress_ratings")
    op.drop_index(op.f("ix_announcement_answers_guild_id"), table_name="announcement_answers")
    op.drop_table("announcement_answers")
    op.drop_index(op.f("ix_round_announcements_guild_id"), table_name="round_announcements")
    op.drop_table("round_announcements")
    op.drop_index(op.f("ix_pair_exclusions_guild_id"), table_name="pair_exclusions")
    op.drop_table("pair_exclusions")
    op.drop_index(op.f("ix_member_avoids_avoided_id"), table_name="member_avoids")
    op.drop_table("member_avoids")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("separate_organizations")
    with op.batch_alter_table("member_profiles", schema=None) as batch_op:
        batch_op.drop_column("organization")
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.drop_column("side_name")
