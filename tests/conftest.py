"""Shared fixtures: settings passed in (never patched), databases on SQLite and PostgreSQL.

Storage tests take the `database` fixture and so run once on a fresh SQLite
file and once in a throwaway schema of the real PostgreSQL server named by
LEARNLINK_TEST_DATABASE_URL (skipped only when that variable is unset; CI
sets it).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.bootstrap import Services, bootstrap
from bot.settings import Settings, load_settings, normalise_database_url
from bot.storage.engine import create_engine

PG_URL = os.environ.get("LEARNLINK_TEST_DATABASE_URL", "")


def make_settings(**env: str) -> Settings:
    """Settings from the defaults plus the given environment, nothing else."""
    return load_settings(env=env)


def sqlite_settings(path: Path) -> Settings:
    return make_settings(DATABASE_URL=f"sqlite+aiosqlite:///{path}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings pointing at an empty database of each kind."""
    if request.param == "sqlite":
        yield sqlite_settings(tmp_path / "test.db")
        return
    if not PG_URL:
        pytest.skip("LEARNLINK_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield make_settings(DATABASE_URL=PG_URL, LEARNLINK_DATABASE__SCHEMA=schema)
    asyncio.run(_drop_schema(schema))


async def _drop_schema(schema: str) -> None:
    engine = create_engine(normalise_database_url(PG_URL))
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture
async def services(database: Settings) -> AsyncIterator[Services]:
    """Migrated services on each database."""
    built = await bootstrap(database)
    yield built
    await built.close()
