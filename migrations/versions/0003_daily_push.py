"""daily push

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:14:52.220584
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
        "daily_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("local_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("next_push_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_daily_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_subscriptions")),
        sa.UniqueConstraint("platform", "chat_id", name=op.f("uq_daily_subscriptions_platform_chat_id")),
    )
    with op.batch_alter_table("daily_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_daily_subscriptions_active_next_push_at", ["active", "next_push_at"], unique=False
        )

    op.create_table(
        "daily_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_daily_deliveries_question_id_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_deliveries")),
        sa.UniqueConstraint(
            "platform", "chat_id", "local_date", name=op.f("uq_daily_deliveries_platform_chat_id_local_date")
        ),
    )

    # A group's daily question waits for anyone's reply, so it has no asking user.
    with op.batch_alter_table("pending_questions", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM pending_questions WHERE user_id IS NULL")
    with op.batch_alter_table("pending_questions", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("daily_deliveries")
    with op.batch_alter_table("daily_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_subscriptions_active_next_push_at")

    op.drop_table("daily_subscriptions")
