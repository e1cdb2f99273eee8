"""a check-in's question as a person's menu points at the check-in

A person's menu row either holds the message that asked them something (token, sealed
message), or, for a check-in's question, names the check-in (`occurrence_id`): the menu is
then whatever that check-in asks now. Answering a check-in's questions one by one no longer
rewrites the row.

Revision ID: 0017
Revises: 0016
Create Date: 2027-02-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table to change nullability; nothing points at menus.
    with op.batch_alter_table("menus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_menus_occurrence_id_checkin_occurrences"),
            "checkin_occurrences",
            ["occurrence_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.alter_column("token", existing_type=sa.String(120), nullable=True)
        batch_op.alter_column("message", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    # A menu that names a check-in has no message to keep: it is asked again when due.
    op.execute(sa.text("DELETE FROM menus WHERE occurrence_id IS NOT NULL"))
    with op.batch_alter_table("menus", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("token", existing_type=sa.String(120), nullable=False)
        batch_op.drop_constraint(
            op.f("fk_menus_occurrence_id_checkin_occurrences"), type_="foreignkey"
        )
        batch_op.drop_column("occurrence_id")
