"""covering history indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:10:00

Choosing a question reads a user's last attempts and soonest due reviews through these indexes. With the
question id in them, those reads need the index alone: a user's rows end up spread over many table pages,
and for a user not seen lately each of those pages is a read from disk.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attempts_user_id_id_question_id", ["user_id", "id", "question_id"], unique=False
        )
        batch_op.drop_index("ix_attempts_user_id_id")

    with op.batch_alter_table("review_states", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_states_user_id_due_question_id", ["user_id", "due", "question_id"], unique=False
        )
        batch_op.drop_index("ix_review_states_user_id_due")


def downgrade() -> None:
    with op.batch_alter_table("review_states", schema=None) as batch_op:
        batch_op.create_index("ix_review_states_user_id_due", ["user_id", "due"], unique=False)
        batch_op.drop_index("ix_review_states_user_id_due_question_id")

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index("ix_attempts_user_id_id", ["user_id", "id"], unique=False)
        batch_op.drop_index("ix_attempts_user_id_id_question_id")
