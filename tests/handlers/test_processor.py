"""The work after the ack: a bounded queue of inbox ids, claims, and giving way to acks."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.bootstrap import Services
from bot.domain.model import Arrival, InboxEvent
from bot.handlers.slack.processor import InboxProcessor
from bot.handlers.traffic import Traffic


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Recorder:
    """A handler that counts calls and the most running at once; fails on request."""

    def __init__(self, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.calls: Counter[str] = Counter()
        self.running = 0
        self.most_at_once = 0
        self.fail = fail

    async def __call__(self, event: InboxEvent) -> None:
        self.calls[event.event_id] += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await asyncio.sleep(0.005)
            if event.event_id in self.fail:
                raise RuntimeError("the chat API said no")
        finally:
            self.running -= 1


async def store(services: Services, ids: list[str]) -> None:
    now = datetime.now(UTC)
    await services.inbox_log.append(
        [Arrival("slack", i, "event:message", {}, "T1", now) for i in ids]
    )


async def states(services: Services) -> dict[str, tuple[str, int]]:
    async with services.uow() as uow:
        events = await uow.inbox.retryable("slack", datetime.now(UTC), 99)
        done = [await uow.inbox.get("slack", f"Ev{n}") for n in range(60)]
    found = {e.event_id: (e.state, e.attempts) for e in done if e is not None}
    found.update({e.event_id: (e.state, e.attempts) for e in events})
    return found


async def test_a_burst_is_processed_once_each_with_bounded_concurrency(services: Services) -> None:
    ids = [f"Ev{n}" for n in range(60)]
    await store(services, ids)
    handle = Recorder()
    processor = InboxProcessor(services.uow, SystemClock(), handle, concurrency=3)
    for event_id in ids + ids[:10]:  # a second submit of a queued id is ignored
        processor.submit(event_id)
    assert processor.busy
    await processor.drain(30)
    assert not processor.busy
    assert handle.calls == Counter({i: 1 for i in ids})
    assert 1 <= handle.most_at_once <= 3  # never more workers than the bound
    assert set((await states(services)).values()) == {("done", 1)}
    processor.submit("Ev0")  # after the queue emptied: a new worker starts, finds it done
    await processor.drain(5)
    assert handle.calls["Ev0"] == 1


async def test_a_failed_event_is_recorded_and_retried(services: Services) -> None:
    await store(services, ["Ev1", "Ev2"])
    handle = Recorder(fail={"Ev2"})
    processor = InboxProcessor(services.uow, SystemClock(), handle, max_attempts=2)
    processor.submit("Ev1")
    processor.submit("Ev2")
    await processor.drain(10)
    assert (await states(services))["Ev2"] == ("failed", 1)
    assert await processor.retry(older_than=timedelta(0)) == 1  # only the failed one
    await processor.drain(10)
    assert handle.calls == Counter({"Ev1": 1, "Ev2": 2})
    assert await processor.retry(older_than=timedelta(0)) == 0  # attempts used up


async def test_work_gives_way_while_acks_are_waiting() -> None:
    traffic = Traffic(longest_wait=0.3)
    started = time.monotonic()
    await traffic.give_way()
    assert time.monotonic() - started < 0.05  # nobody waiting: no wait at all

    traffic.arrived()
    asyncio.get_running_loop().call_later(0.05, traffic.acked)
    started = time.monotonic()
    await traffic.give_way()
    waited = time.monotonic() - started
    assert 0.045 <= waited < 0.29  # until that ack went out, not the longest wait
    assert traffic.waiting == 0

    traffic.arrived()  # an ack that never goes out (a burst that does not end)
    started = time.monotonic()
    await traffic.give_way()
    assert 0.29 <= time.monotonic() - started < 5  # the work is held back, but only so long


async def test_work_waits_out_a_burst_even_between_its_requests() -> None:
    """Hundreds of requests a second leave 5 ms gaps; the work must not slip into each."""
    traffic = Traffic(longest_wait=0.3, burst_rate=100)
    for _ in range(40):  # 40 requests within a few milliseconds: a burst, all acked
        traffic.arrived()
        traffic.acked()
    assert traffic.rate() > 100
    started = time.monotonic()
    await traffic.give_way()
    waited = time.monotonic() - started
    assert 0.05 <= waited < 0.29  # until the rate fell below 100/s, not just a 5 ms lull

    traffic.arrived()  # one request now and then is no burst: only the lull
    traffic.acked()
    await asyncio.sleep(0.3)
    started = time.monotonic()
    await traffic.give_way()
    assert time.monotonic() - started < 0.05
