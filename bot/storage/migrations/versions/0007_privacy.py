"""privacy: erased people and agreement tombstones

Sealing needs no schema change (sealed values are text in the same columns); existing clear
values are sealed by 'jaarrond keys rotate'.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("party_erased_at")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
