"""Acks first: the work after the ack gives way while acks are waiting.

Slack wants its 200 within 3 seconds, retries when it is late, and turns
off an app's event subscriptions when too many acks fail. Everything that
matters for the ack (verify, store in the inbox, answer) runs at once; the
processing of stored events runs on the same event loop and, under a burst,
would take the CPU the acks need. So before it starts on the next event the
processor waits until no request is waiting for its ack and none arrived in
the last `lull` (5 ms), and, during a burst (requests arriving faster than
`burst_rate`, 100 a second), until the burst is over; but never longer than
`longest_wait`: at an ordinary rate (tens of events a second, acks of a few
milliseconds) the work hardly waits; under a burst it moves behind the acks;
under sustained overload it still moves. Nothing is lost while it waits; the
events are in the inbox. Why a rate as well as the lull: under a burst of
hundreds a second, gaps of 5 ms still come whenever the senders stall, and
each one let the work in (a fifth of the CPU in `learnlink bench ack`).
Slack sends a workspace at most 30,000 events an hour (8 a second), so
rates above 100 a second are bursts, which end. (A 20 ms lull starved the
work at 40 events/s in the 10-minute load test.)
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time

RATE_SECONDS = 0.2  # time constant of the arrival rate's moving average


class Traffic:
    """Requests waiting for their ack, the last arrival, and a way to wait for a lull."""

    def __init__(
        self, *, lull: float = 0.005, longest_wait: float = 1.0, burst_rate: float = 100.0
    ) -> None:
        self._lull = lull
        self._longest_wait = longest_wait
        self._burst_rate = burst_rate
        self.waiting = 0
        self._last_arrival = float("-inf")
        self._rate = 0.0  # arrivals a second as of the last arrival (moving average)
        self._idle = asyncio.Event()
        self._idle.set()

    def arrived(self) -> None:
        """A request came in and waits for its ack (the ack path: keep it cheap)."""
        now = time.monotonic()
        self.waiting += 1
        self._rate = self._rate_at(now) + 1.0 / RATE_SECONDS
        self._last_arrival = now
        self._idle.clear()

    def rate(self) -> float:
        """Requests a second lately (an exponential moving average over ~0.2 s)."""
        return self._rate_at(time.monotonic())

    def _rate_at(self, now: float) -> float:
        return self._rate * math.exp(-(now - self._last_arrival) / RATE_SECONDS)

    def acked(self) -> None:
        """That request has its answer."""
        self.waiting = max(0, self.waiting - 1)
        if not self.waiting:
            self._idle.set()

    async def give_way(self) -> None:
        """Return once no ack is waiting, none arrived for `lull` and no burst is on,
        or after `longest_wait`."""
        deadline = time.monotonic() + self._longest_wait
        while (remaining := deadline - time.monotonic()) > 0:
            if self.waiting:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), remaining)
                continue
            if self.rate() > self._burst_rate:
                await asyncio.sleep(min(self._lull, remaining))
                continue
            quiet_for = time.monotonic() - self._last_arrival
            if quiet_for >= self._lull:
                return
            await asyncio.sleep(min(self._lull - quiet_for, remaining))
