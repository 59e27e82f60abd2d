"""meetings: weekly slots, the first meeting planned, voice check-ins

`pair_slots` holds each pair's proposed and agreed weekly slots (in the proposer's zone), with the
reminder lead and the calendar invite's sequence; `first_meetings` the first meeting planned from the
kickoff; `voice_sessions` the times both members of a pair spent together in voice (no member id).
`guild_settings` gains the voice check-ins switch and its minimum length; `pairs` the voice channel.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SurrogateKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voice_checkins", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("voice_min_minutes", sa.Integer(), server_default="20", nullable=False))
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voice_channel_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "pair_slots",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("pair_id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by", sa.BigInteger(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("reminder_minutes", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_pair_slots_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_slots")),
    )
    op.create_index(op.f("ix_pair_slots_guild_id"), "pair_slots", ["guild_id"], unique=False)
    op.create_index(op.f("ix_pair_slots_pair_id"), "pair_slots", ["pair_id"], unique=False)
    op.create_table(
        "first_meetings",
        sa.Column("pair_id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("planned_by", sa.BigInteger(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_first_meetings_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pair_id", name=op.f("pk_first_meetings")),
    )
    op.create_index(op.f("ix_first_meetings_guild_id"), "first_meetings", ["guild_id"], unique=False)
    op.create_table(
        "voice_sessions",
        sa.Column("id", SurrogateKey, nullable=False),
        sa.Column("pair_id", SurrogateKey, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("together_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("apart_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("together_seconds", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_id", SurrogateKey, nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_voice_sessions_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["pair_sessions.id"],
            name=op.f("fk_voice_sessions_session_id_pair_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_sessions")),
    )
    op.create_index(op.f("ix_voice_sessions_guild_id"), "voice_sessions", ["guild_id"], unique=False)
    op.create_index(op.f("ix_voice_sessions_pair_id"), "voice_sessions", ["pair_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_voice_sessions_pair_id"), table_name="voice_sessions")
    op.drop_index(op.f("ix_voice_sessions_guild_id"), table_name="voice_sessions")
    op.drop_table("voice_sessions")
    op.drop_index(op.f("ix_first_meetings_guild_id"), table_name="first_meetings")
    op.drop_table("first_meetings")
    op.drop_index(op.f("ix_pair_slots_pair_id"), table_name="pair_slots")
    op.drop_index(op.f("ix_pair_slots_guild_id"), table_name="pair_slots")
    op.drop_table("pair_slots")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_column("voice_channel_id")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("voice_min_minutes")
        batch_op.drop_column("voice_checkins")
