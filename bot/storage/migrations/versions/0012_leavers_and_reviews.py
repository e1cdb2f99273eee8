"""leavers and reviews: when a person left; a logged conversation that was the annual review

People already inactive (and not erased) left when their row last changed: that is when the
leavers' retention period counted from before this revision, so it keeps counting from there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.text(
            "UPDATE people SET left_at = updated_at WHERE active = :inactive AND erased_at IS NULL"
        ).bindparams(inactive=False)
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        # A plain default ('0' reads as false on both databases) lets SQLite add the column
        # in place; an expression would rebuild a table other tables point at.
        batch_op.add_column(
            sa.Column("is_review", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("review_confirmed", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35 and later can): rebuilding a table that other tables
    # point at fails on SQLite once those tables hold rows.
    op.drop_column("conversations", "review_confirmed")
    op.drop_column("conversations", "is_review")
    op.drop_column("people", "left_at")
