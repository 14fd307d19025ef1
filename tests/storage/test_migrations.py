"""Migrations upgrade a blank database, and the result matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.settings import Settings
from bot.storage.engine import create_engine
from bot.storage.migrate import current_revision, head_revision, is_current, upgrade
from bot.storage.tables import metadata


async def test_upgrade_blank_database_to_head(database: Settings) -> None:
    schema = database.database.schema_name
    engine = create_engine(database.database_url, schema=schema)
    try:
        assert await current_revision(engine) is None
        assert not await is_current(engine)
        await upgrade(engine, schema=schema)
        assert await current_revision(engine) == head_revision()
        assert await is_current(engine)
        await upgrade(engine, schema=schema)  # a second upgrade is a no-op
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            diff = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), metadata)
            )
        assert set(metadata.tables) <= tables
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        await engine.dispose()
