"""Arrivals into the inbox, on the ack path, at the least cost the database allows.

Every Slack request is stored before it is acknowledged, so this insert is
most of an ack's cost. It is one Core `INSERT .. ON CONFLICT DO NOTHING
RETURNING` per batch (a duplicate id is skipped, not an error; the ids
returned are the new ones), without a session or mapped objects.

On a SQLite file the batch goes through a synchronous connection on one
thread of our own: aiosqlite runs the same driver on a thread anyway, but
crosses threads for every call (begin, execute, fetch, commit, reset), and
on an ack-bound server those hops cost more than the insert itself
(`learnlink bench ack` measured ~130 µs per row in batches of 7 through the
async engine against ~70 µs this way). Other databases use the async
engine, one transaction per batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine, Insert, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import Arrival, InboxState
from bot.storage import tables as t
from bot.storage.engine import sqlite_pragmas

ROWS_PER_STATEMENT = 32  # see `_statement`


class SqlInboxLog:
    """`InboxLog` on SQLAlchemy Core: `append` a batch, learn which ids were new."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        postgres = engine.dialect.name == "postgresql"
        self._statement = _statement(postgresql_insert if postgres else sqlite_insert)
        self._sync = _sqlite_file_engine(engine)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="inbox-log") if self._sync else None
        self._connection: Connection | None = None  # used on that thread only

    async def append(self, arrivals: Sequence[Arrival]) -> set[str]:
        if not arrivals:
            return set()
        rows = [_row(arrival) for arrival in arrivals]
        if self._sync is None:
            async with self._engine.begin() as connection:
                result = await connection.execute(self._statement, rows)
                return {str(event_id) for (event_id,) in result}
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._append_sync, rows)

    def _append_sync(self, rows: list[dict[str, Any]]) -> set[str]:
        """On the log's own thread: one transaction on the connection that thread keeps."""
        assert self._sync is not None
        if self._connection is None or self._connection.invalidated:
            self._connection = self._sync.connect()
        try:
            with self._connection.begin():
                result = self._connection.execute(self._statement, rows)
                return {str(event_id) for (event_id,) in result}
        except Exception:
            self._connection.close()  # a broken connection is not reused
            self._connection = None
            raise

    def _close_sync(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        """Release the thread and its connection (the async engine is disposed elsewhere)."""
        if self._thread is not None:
            self._thread.submit(self._close_sync).result()
            self._thread.shutdown(wait=True)
        if self._sync is not None:
            self._sync.dispose()


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


def _sqlite_file_engine(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on the same SQLite file; None for other databases or :memory:."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    sync = create_engine(url.set(drivername="sqlite"), connect_args={"timeout": 30})
    event.listen(sync, "connect", sqlite_pragmas)
    return sync
