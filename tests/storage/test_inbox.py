"""The inbox's ack-path writes and its claims, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event

from bot.bootstrap import Services
from bot.domain.model import Arrival, InboxEvent
from bot.storage.inbox_log import ROWS_PER_STATEMENT

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def arrival(event_id: str, platform: str = "slack") -> Arrival:
    payload = {"event_id": event_id, "event": {"text": "how do I — ünïcode?"}}
    return Arrival(platform, event_id, "event:message", payload, "T1", T0)


async def test_append_stores_new_arrivals_and_skips_seen_ids(services: Services) -> None:
    log = services.inbox_log
    assert await log.append([arrival("Ev1"), arrival("Ev2")]) == {"Ev1", "Ev2"}
    # a retry of Ev1 in the same batch as a new event: only the new one is stored
    assert await log.append([arrival("Ev1"), arrival("Ev3"), arrival("Ev1", "teams")]) == {
        "Ev3",
        "Ev1",
    }
    assert await log.append([]) == set()
    async with services.uow() as uow:
        stored = await uow.inbox.get("slack", "Ev3")
        pending = await uow.inbox.pending()
    assert stored is not None
    assert (stored.state, stored.attempts, stored.received_at) == ("pending", 0, T0)
    assert stored.payload["event"]["text"] == "how do I — ünïcode?"
    assert sorted((e.platform, e.event_id) for e in pending) == [
        ("slack", "Ev1"),
        ("slack", "Ev2"),
        ("slack", "Ev3"),
        ("teams", "Ev1"),
    ]


async def test_a_large_batch_is_inserted_in_pages_of_bounded_size(services: Services) -> None:
    """The driver keeps every INSERT text it saw prepared: a few page sizes, not one per batch.

    (A SQLite file is written through its own `sqlite3` connection with one
    INSERT text for every row, so SQLAlchemy sends none there.)
    """
    inserts: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO INBOX"):
            inserts.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        ids = {f"Ev{n:03d}" for n in range(100)}
        assert await services.inbox_log.append([arrival(i) for i in sorted(ids)]) == ids
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    through_sqlalchemy = services.inbox_log._file is None
    assert len(inserts) == (-(-100 // ROWS_PER_STATEMENT) if through_sqlalchemy else 0)
    async with services.uow() as uow:
        assert len(await uow.inbox.pending()) == 100


async def test_concurrent_appends_of_one_id_store_it_once(services: Services) -> None:
    outcomes = await asyncio.gather(
        *(services.inbox_log.append([arrival("EvSame")]) for _ in range(8))
    )
    assert sum(len(new) for new in outcomes) == 1
    async with services.uow() as uow:
        assert len(await uow.inbox.pending()) == 1


async def claim(services: Services, now: datetime, max_attempts: int = 5) -> InboxEvent | None:
    async with services.uow() as uow:
        event = await uow.inbox.claim("slack", "Ev1", now, now + LEASE, max_attempts)
        await uow.commit()
    return event


async def test_one_claim_wins_until_its_lease_runs_out(services: Services) -> None:
    await services.inbox_log.append([arrival("Ev1")])
    claims = await asyncio.gather(*(claim(services, T0) for _ in range(6)))
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    assert (won[0].attempts, won[0].claimed_until) == (1, T0 + LEASE)
    assert await claim(services, T0 + LEASE - timedelta(seconds=1)) is None  # still held
    retaken = await claim(services, T0 + LEASE + timedelta(seconds=1))  # its process died
    assert retaken is not None and retaken.attempts == 2


async def test_done_or_spent_events_cannot_be_claimed(services: Services) -> None:
    await services.inbox_log.append([arrival("Ev1")])
    assert await claim(services, T0, max_attempts=1) is not None
    later = T0 + 2 * LEASE
    assert await claim(services, later, max_attempts=1) is None  # attempts used up
    async with services.uow() as uow:
        event = await uow.inbox.get("slack", "Ev1")
        assert event is not None
        event.state, event.claimed_until = "done", None
        await uow.commit()
    assert await claim(services, later) is None


async def test_claimed_events_are_not_offered_for_retry(services: Services) -> None:
    await services.inbox_log.append([arrival("Ev1"), arrival("Ev2")])
    await claim(services, T0)
    async with services.uow() as uow:
        soon = await uow.inbox.retryable("slack", T0 + timedelta(minutes=1), 5)
        after_lease = await uow.inbox.retryable("slack", T0 + 2 * LEASE, 5)
    assert [e.event_id for e in soon] == ["Ev2"]
    assert sorted(e.event_id for e in after_lease) == ["Ev1", "Ev2"]
