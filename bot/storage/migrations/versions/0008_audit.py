"""audit: who viewed whose data

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=True),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_id"], ["people.id"], name=op.f("fk_audit_views_viewer_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["people.id"], name=op.f("fk_audit_views_subject_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_views")),
    )
    with op.batch_alter_table("audit_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_views_viewer_id"), ["viewer_id"], unique=False)
        batch_op.create_index(
            "ix_audit_views_subject_viewed", ["subject_id", "viewed_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("audit_views")
