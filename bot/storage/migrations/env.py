"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context

from bot.storage import (  # noqa: F401  (their tables)
    agreement_models,
    slack_channels,
    teams_references,
)
from bot.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'jaarrond db upgrade'")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Tables of slack_sdk's OAuth stores (migration 0003) are theirs, not our models'."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not (table or "").startswith("slack_")


context.configure(
    connection=connection,
    include_object=include_object,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
