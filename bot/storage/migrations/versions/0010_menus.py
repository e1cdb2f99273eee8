"""menus: the question each person was shown last

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "menus",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=120), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_menus_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_menus")),
    )
    # The menus table replaces the agreement options pointer (a dialog of kind 'choice',
    # kept for an hour at most): what it pointed at is the person's menu from now on.
    op.execute(sa.text("DELETE FROM agreement_dialogs WHERE kind = 'choice'"))


def downgrade() -> None:
    op.drop_table("menus")
