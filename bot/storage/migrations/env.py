"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context

from bot.storage import agreement_models, teams_references  # noqa: F401  (their tables)
from bot.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'jaarrond db upgrade'")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
