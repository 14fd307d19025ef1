"""referrals: an index on (person_id, asked_at) for load spreading

Routing counts each candidate's asks today and this week before planning a
question. With only person_id indexed, that read every one of the person's
referral rows; under steady traffic it grew with the table and took a
growing share of the time each question needed. The composite index answers
the count from the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_referrals_person_asked", "referrals", ["person_id", "asked_at"])


def downgrade() -> None:
    op.drop_index("ix_referrals_person_asked", table_name="referrals")
