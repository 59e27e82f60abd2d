"""foundation: guilds, skills, profiles

Revision ID: 0001
Revises:
Create Date: 2026-11-26 23:19:38.653366
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_sync_state",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_command_sync_state")),
    )
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("moderator_role_id", sa.BigInteger(), nullable=True),
        sa.Column("welcome_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("mod_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("pair_category_name", sa.String(length=80), nullable=False),
        sa.Column("archive_mode", sa.String(length=16), nullable=False),
        sa.Column("nudge_weekday", sa.Integer(), nullable=False),
        sa.Column("nudge_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("cycle_months", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_settings")),
    )
    op.create_table(
        "member_profiles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("in_person_ok", sa.Boolean(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("queue_priority", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_profiles")),
        sa.UniqueConstraint("guild_id", "user_id", name=op.f("uq_member_profiles_guild_id_user_id")),
    )
    op.create_table(
        "program_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_events")),
    )
    with op.batch_alter_table("program_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_events_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "skills",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("guild_id", "key", name=op.f("uq_skills_guild_id_key")),
    )
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skills_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "member_skills",
        sa.Column("profile_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("skill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["member_profiles.id"],
            name=op.f("fk_member_skills_profile_id_member_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_member_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("profile_id", "skill_id", "direction", name=op.f("pk_member_skills")),
    )


def downgrade() -> None:
    op.drop_table("member_skills")
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skills_guild_id"))

    op.drop_table("skills")
    with op.batch_alter_table("program_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_events_guild_id"))

    op.drop_table("program_events")
    op.drop_table("member_profiles")
    op.drop_table("guild_settings")
    op.drop_table("command_sync_state")
