"""Acks first: the work after the ack gives way while requests are pouring in.

Slack wants its 200 within 3 seconds, retries when it is late, and turns
off an app's event subscriptions when too many acks fail. Everything that
matters for the ack (verify, store in the inbox, answer) runs at once; the
processing of stored events runs on the same event loop and, under a burst,
would take the CPU the acks need. So before it starts on the next event the
processor waits for a short lull in arrivals, but never longer than
`longest_wait`: under sustained load the work still moves, just behind the
acks. Nothing is lost while it waits; the events are in the inbox.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Traffic:
    """When the last request arrived, and a way to wait for a lull."""

    def __init__(
        self,
        *,
        lull: float = 0.02,
        longest_wait: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lull = lull
        self._longest_wait = longest_wait
        self._clock = clock
        self._last_arrival = float("-inf")

    def arrived(self) -> None:
        """A request came in (called on the ack path: keep it cheap)."""
        self._last_arrival = self._clock()

    @property
    def busy(self) -> bool:
        return self._clock() - self._last_arrival < self._lull

    async def give_way(self) -> None:
        """Return once no request has arrived for `lull` seconds, or after `longest_wait`."""
        deadline = self._clock() + self._longest_wait
        while True:
            now = self._clock()
            quiet_for = now - self._last_arrival
            if quiet_for >= self._lull or now >= deadline:
                return
            await asyncio.sleep(min(self._lull - quiet_for, deadline - now))
