"""Work after the ack: run inbox events through the router, record done or failed.

The listener only submits an inbox id; the work happens in a task this
processor owns (asyncio keeps only weak references to tasks, so a
fire-and-forget task can vanish mid-flight). Because the work reads the event
from the inbox rather than from the HTTP request, the same code retries a
failed event minutes later, or after a restart, with nothing lost. Before it
runs, an event is claimed in the database for a lease (one conditional
UPDATE): replicas sharing a database, and a retry loop racing the first try,
never process it side by side; a claim left by a killed process runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.domain.model import InboxEvent, InboxState, Platform
from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.traffic import Traffic

log = logging.getLogger("learnlink.slack.inbox")
Handle = Callable[[InboxEvent], Awaitable[None]]
MAX_ERROR_CHARS = 2000


class InboxProcessor:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        handle: Handle,
        *,
        platform: str = Platform.SLACK,
        max_attempts: int = 5,
        concurrency: int = 16,
        traffic: Traffic | None = None,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._handle = handle
        self._platform = platform
        self.max_attempts = max_attempts
        self._lease = lease
        self._concurrency = concurrency
        self._queue: deque[str] = deque()
        self._workers: set[asyncio.Task[None]] = set()
        self._running: set[str] = set()  # queued or being processed
        self._traffic = traffic or Traffic(longest_wait=0)

    def submit(self, event_id: str) -> None:
        """Process the event soon, in the background; a second submit while it waits is ignored.

        Ids wait in a queue for one of at most `concurrency` worker tasks (a
        burst of thousands of events is a queue of strings, not thousands of
        tasks); asyncio keeps only weak references to tasks, so we hold ours.
        """
        if event_id in self._running:
            return
        self._running.add(event_id)
        self._queue.append(event_id)
        if len(self._workers) < self._concurrency:
            worker = asyncio.create_task(self._work(), name="inbox-worker")
            self._workers.add(worker)

    async def _work(self) -> None:
        """Take ids until the queue is empty, giving way to acks before each one.

        The worker leaves the set in the same step that finds the queue empty,
        so a `submit` right after always starts a new one.
        """
        try:
            while True:
                await self._traffic.give_way()
                if not self._queue:
                    return
                event_id = self._queue.popleft()
                try:
                    await self.process(event_id)
                except Exception:
                    log.exception("inbox event %s could not be processed", event_id)
                finally:
                    self._running.discard(event_id)
        finally:
            self._workers.discard(asyncio.current_task())

    async def process(self, event_id: str) -> str | None:
        """Run one event now; returns its new state, or None when there was nothing to do."""
        event = await self._claim(event_id)
        if event is None:
            return None
        try:
            await self._handle(event)
        except Exception as exc:
            log.exception("inbox event %s (%s) failed", event_id, event.kind)
            await self._finish(event_id, InboxState.FAILED, f"{type(exc).__name__}: {exc}")
            return InboxState.FAILED
        await self._finish(event_id, InboxState.DONE, None)
        return InboxState.DONE

    async def retry(self, older_than: timedelta = timedelta(seconds=60)) -> int:
        """Submit events that failed, or were never processed (a crash), for another try."""
        before = self._clock.now() - older_than
        async with self._uow() as uow:
            events = await uow.inbox.retryable(self._platform, before, self.max_attempts)
        ids = [e.event_id for e in events if e.event_id not in self._running]
        for event_id in ids:
            self.submit(event_id)
        return len(ids)

    @property
    def busy(self) -> bool:
        """Whether any event is waiting or being processed right now."""
        return bool(self._workers)

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for the queued work and the work in flight; what is left is retried later."""
        if self._workers:
            await asyncio.wait(set(self._workers), timeout=seconds)

    async def _claim(self, event_id: str) -> InboxEvent | None:
        """The event, claimed for `lease`; None when it is done, spent, or another has it."""
        now = self._clock.now()
        async with self._uow() as uow:
            event = await uow.inbox.claim(
                self._platform, event_id, now, now + self._lease, self.max_attempts
            )
            await uow.commit()
        return event

    async def _finish(self, event_id: str, state: str, error: str | None) -> None:
        async with self._uow() as uow:
            await uow.inbox.finish(
                self._platform,
                event_id,
                state,
                error[:MAX_ERROR_CHARS] if error else None,
                self._clock.now(),
            )
            await uow.commit()
