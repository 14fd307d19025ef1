"""inbox claims: who is processing an event, until when

One replica claims an event before processing it; the claim runs out after
a lease, so an event whose process was killed mid-way is retried by anyone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 00:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inbox", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch_op:
        batch_op.drop_column("claimed_until")
