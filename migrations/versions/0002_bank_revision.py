"""Bank revision counter, so in-process question caches can tell when to reload.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bank_state = op.create_table(
        "bank_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_state")),
    )
    op.bulk_insert(bank_state, [{"id": 1, "revision": 0}])


def downgrade() -> None:
    op.drop_table("bank_state")
