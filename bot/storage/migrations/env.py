"""Alembic environment: runs on the connection given by bot.storage.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context

from bot.storage.tables import UTCDateTime, metadata


def render_item(kind: str, obj: Any, autogen_context: Any) -> Any:
    """Migrations use plain sa.DateTime so they never import today's code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `learnlink db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
