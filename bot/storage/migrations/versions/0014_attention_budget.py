"""attention budget: how each check-in and follow-up question was asked

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-18 09:00:00.000000

`asked` says whether a check-in or follow-up question went out as a prompt of its own
(`alone`) or right after a check-in in the same conversation (`along`); the planner counts
the first kind against the monthly budget and HR sees both. Check-ins asked before this
revision are read from their prompt where it is still kept: a prompt that was held behind
another check-in went along, any other prompt that opened its check-in went alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite: other tables point at both).
    op.add_column("checkin_occurrences", sa.Column("asked", sa.String(length=10), nullable=True))
    op.create_index(
        op.f("ix_checkin_occurrences_due_at"), "checkin_occurrences", ["due_at"], unique=False
    )
    op.add_column("agreement_followups", sa.Column("asked", sa.String(length=10), nullable=True))
    op.add_column(
        "agreement_followups", sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True)
    )
    # A held prompt is marked sent when its check-in opens after the other one, without a
    # platform of its own.
    op.execute(
        sa.text(
            """
            UPDATE checkin_occurrences SET asked = CASE WHEN EXISTS (
                SELECT 1 FROM outbox
                WHERE outbox.occurrence_id = checkin_occurrences.id
                  AND outbox.kind = 'prompt' AND outbox.status = 'sent'
                  AND outbox.platform IS NULL
            ) THEN 'along' ELSE 'alone' END
            WHERE schedule_id IS NOT NULL AND opened_at IS NOT NULL
            """
        )
    )
    op.execute(
        sa.text(
            """
            UPDATE agreement_followups SET asked = 'alone', asked_at = (
                SELECT MIN(outbox.sent_at) FROM outbox
                WHERE outbox.followup_id = agreement_followups.id AND outbox.status = 'sent'
            )
            WHERE EXISTS (
                SELECT 1 FROM outbox
                WHERE outbox.followup_id = agreement_followups.id AND outbox.status = 'sent'
            )
            """
        )
    )


def downgrade() -> None:
    op.drop_column("agreement_followups", "asked_at")
    op.drop_column("agreement_followups", "asked")
    op.drop_index(op.f("ix_checkin_occurrences_due_at"), table_name="checkin_occurrences")
    op.drop_column("checkin_occurrences", "asked")
