"""Work after the ack: run inbox events through the router, record done or failed.

The listener only submits an inbox id; the work happens in a task this
processor owns (asyncio keeps only weak references to tasks, so a
fire-and-forget task can vanish mid-flight). Because the work reads the event
from the inbox rather than from the HTTP request, the same code retries a
failed event minutes later, or after a restart, with nothing lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.domain.model import InboxEvent, InboxState, Platform
from bot.domain.ports import Clock, UnitOfWork

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
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._handle = handle
        self._platform = platform
        self.max_attempts = max_attempts
        self._limit = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[str] = set()

    def submit(self, event_id: str) -> None:
        """Process the event soon, in the background; a second submit while it runs is ignored."""
        if event_id in self._running:
            return
        self._running.add(event_id)
        task = asyncio.create_task(self._run(event_id), name=f"inbox:{event_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, event_id: str) -> None:
        try:
            async with self._limit:
                await self.process(event_id)
        except Exception:
            log.exception("inbox event %s could not be processed", event_id)
        finally:
            self._running.discard(event_id)

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
        """Whether any event is being processed right now."""
        return bool(self._tasks)

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for the work in flight (shutdown, tests); what is left is retried later."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=seconds)

    async def _claim(self, event_id: str) -> InboxEvent | None:
        async with self._uow() as uow:
            event = await uow.inbox.get(self._platform, event_id)
            if event is None or event.state == InboxState.DONE:
                return None
            if event.attempts >= self.max_attempts:
                return None
            event.attempts += 1
            await uow.commit()
        return event

    async def _finish(self, event_id: str, state: str, error: str | None) -> None:
        async with self._uow() as uow:
            event = await uow.inbox.get(self._platform, event_id)
            if event is None:
                return
            event.state = state
            event.last_error = error[:MAX_ERROR_CHARS] if error else None
            event.processed_at = self._clock.now()
            await uow.commit()
