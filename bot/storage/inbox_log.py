"""Arrivals into the inbox, on the ack path, at the least cost the database allows.

Every Slack request is stored before it is acknowledged, so this insert is
most of an ack's cost. A duplicate id is skipped, not an error, and the
caller learns which ids were new. On PostgreSQL (and SQLite in memory) it is
one Core `INSERT .. ON CONFLICT DO NOTHING RETURNING` per batch, without a
session or mapped objects.

On a SQLite file the batch goes through a plain `sqlite3` connection on one
thread of our own: aiosqlite runs the same driver on a thread anyway, but
crosses threads for every call (begin, execute, fetch, commit, reset), and
on an ack-bound server those hops cost more than the insert itself
(`learnlink bench ack` measured ~130 µs per row in batches of 7 through the
async engine against ~70 µs on a synchronous engine). On that thread one
prepared `INSERT .. ON CONFLICT DO NOTHING` runs once per row, its row count
saying whether the id was new: SQLAlchemy's execution machinery per batch
was a sixth of the server's CPU under `learnlink bench ack`. Values go
through the columns' own SQLAlchemy bind processors, so the rows are stored
exactly as the rest of the code reads them. Other databases use the async
engine, one transaction per batch.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Dialect, Insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import Arrival, InboxState
from bot.storage import tables as t
from bot.storage.engine import sqlite_pragmas

ROWS_PER_STATEMENT = 32  # see `_statement`
ACK_PATH_CHECKPOINT_PAGES = 10_000  # see `_rare_checkpoints`


class SqlInboxLog:
    """`InboxLog` on SQLAlchemy Core: `append` a batch, learn which ids were new."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        postgres = engine.dialect.name == "postgresql"
        self._statement = _statement(postgresql_insert if postgres else sqlite_insert)
        path = _sqlite_file(engine)
        self._file = None if path is None else _SqliteAppender(path, engine.dialect)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="inbox-log") if self._file else None

    async def append(self, arrivals: Sequence[Arrival]) -> set[str]:
        if not arrivals:
            return set()
        rows = [_row(arrival) for arrival in arrivals]
        if self._file is None:
            async with self._engine.begin() as connection:
                result = await connection.execute(self._statement, rows)
                return {str(event_id) for (event_id,) in result}
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._file.append, rows)

    def close(self) -> None:
        """Release the thread and its connection (the async engine is disposed elsewhere)."""
        if self._thread is not None and self._file is not None:
            self._thread.submit(self._file.close).result()
            self._thread.shutdown(wait=True)


_COLUMNS = (
    "platform",
    "event_id",
    "kind",
    "payload",
    "workspace_external_id",
    "state",
    "attempts",
    "received_at",
)
_INSERT = (
    f"INSERT INTO inbox ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT (platform, event_id) DO NOTHING"
)


class _SqliteAppender:
    """The batch insert on one `sqlite3` connection, used on one thread only."""

    def __init__(self, path: str, dialect: Dialect) -> None:
        self._path = path
        self._binds: list[Callable[[Any], Any] | None] = [
            t.inbox.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _COLUMNS
        ]
        self._connection: sqlite3.Connection | None = None

    def append(self, rows: list[dict[str, Any]]) -> set[str]:
        """One transaction; the ids of the rows that were new."""
        connection = self._connection or self._connect()
        new: set[str] = set()
        try:
            connection.execute("BEGIN IMMEDIATE")
            for row in rows:
                if connection.execute(_INSERT, self._values(row)).rowcount == 1:
                    new.add(row["event_id"])
            connection.execute("COMMIT")
        except Exception:
            self.close()  # rolls back; a broken connection is not reused
            raise
        return new

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            bind(row[name]) if bind else row[name]
            for name, bind in zip(_COLUMNS, self._binds, strict=True)
        )

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        sqlite_pragmas(connection, None)
        _rare_checkpoints(connection)
        self._connection = connection
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _statement(insert: Any) -> Insert:
    """The batch insert, at most `ROWS_PER_STATEMENT` rows to one INSERT.

    SQLAlchemy sends a batch of N rows as one INSERT with N VALUES groups, a
    different SQL text for every N, and the driver keeps each text prepared
    (sqlite3: the last 128 per connection, about 1 KiB per row on SQLite).
    Batch sizes vary with the load, so under sustained traffic that cache
    kept filling with rarer and larger sizes (14 MiB for sizes 1 to 128) and
    the server's memory grew with every new one. Pages of at most
    `ROWS_PER_STATEMENT` rows keep it to that many small texts (under 1 MiB);
    a larger batch still shares one transaction.
    """
    statement: Insert = (
        insert(t.inbox)
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(t.inbox.c.event_id)
        .execution_options(insertmanyvalues_page_size=ROWS_PER_STATEMENT)
    )
    return statement


def _row(arrival: Arrival) -> dict[str, Any]:
    return {
        "platform": arrival.platform,
        "event_id": arrival.event_id,
        "kind": arrival.kind,
        "payload": arrival.payload,
        "workspace_external_id": arrival.workspace_external_id,
        "state": InboxState.PENDING,
        "attempts": 0,
        "received_at": arrival.received_at,
    }


def _sqlite_file(engine: AsyncEngine) -> str | None:
    """The SQLite database file behind `engine`; None for other databases or :memory:."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def _rare_checkpoints(connection: sqlite3.Connection) -> None:
    """Leave the WAL's checkpoints to the other connections, up to a large WAL.

    Whichever connection commits when the WAL has passed its limit copies the
    WAL back into the database file and syncs it, which can take tens of
    milliseconds. On this connection that time would hold up every ack of
    the batch; the processing connections commit too, at SQLite's usual
    limit (1,000 pages), so they do it. Under a burst of acks with the
    processing held back, this connection still checkpoints at 10,000 pages
    (about 40 MB), so the WAL stays bounded.
    """
    connection.execute(f"PRAGMA wal_autocheckpoint={ACK_PATH_CHECKPOINT_PAGES}")
