"""Building the async engine: SQLite by default, PostgreSQL through asyncpg."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.storage.tables import start_mappers


def create_engine(url: str, *, echo: bool = False, schema: str = "") -> AsyncEngine:
    """SQLite gets WAL and foreign keys (off by default there); both get pre-ping.

    With a schema (PostgreSQL), every connection's search_path points at it,
    so the tables, migrations and queries need no schema prefix.
    """
    start_mappers()
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        if schema:
            kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on; WAL so readers never wait for the writer.

    synchronous=NORMAL is SQLite's advice for WAL: a commit survives the
    process being killed (the crash tests kill it mid-stream), and only a
    power cut can undo the last commits. Use PostgreSQL where that matters.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
