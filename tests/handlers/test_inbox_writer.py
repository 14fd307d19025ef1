"""Group commit on the ack path, against a fake of our own InboxLog port."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain.model import Arrival
from bot.handlers.slack.inbox import InboxWriter
from bot.handlers.traffic import Traffic


class SlowLog:
    """Stores ids like the real log (a seen id is not new), one commit at a time, slowly."""

    def __init__(self, fail_on: str = "") -> None:
        self.stored: set[str] = set()
        self.batches: list[list[str]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.fail_on = fail_on
        self._lock = asyncio.Lock()  # one writer, as SQLite has

    async def append(self, arrivals: Sequence[Arrival]) -> set[str]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            async with self._lock:
                await asyncio.sleep(0.01)
                ids = [a.event_id for a in arrivals]
                if self.fail_on in ids:
                    raise RuntimeError("constraint failed")
                self.batches.append(ids)
                new = {i for i in ids if i not in self.stored}
                self.stored |= new
                return new
        finally:
            self.in_flight -= 1


def arrival(event_id: str) -> Arrival:
    return Arrival("slack", event_id, "event:message", {}, "T1", datetime.now(UTC))


async def test_a_burst_shares_commits_and_each_id_is_new_once() -> None:
    log = SlowLog()
    traffic = Traffic()
    writer = InboxWriter(log, depth=2, traffic=traffic)
    ids = [f"Ev{n}" for n in range(60)]

    async def arrive(event_id: str, delay: float) -> bool:
        await asyncio.sleep(delay)
        return await writer.record(arrival(event_id))

    # every id once, then a retry of each of the first 20 while the first batches commit
    outcomes = await asyncio.gather(
        *(arrive(i, 0) for i in ids), *(arrive(i, 0.005) for i in ids[:20])
    )
    assert outcomes[:60] == [True] * 60
    assert outcomes[60:] == [False] * 20  # a retry is never new, whichever batch held it
    assert log.stored == set(ids)
    assert len(log.batches) < 20  # rows that arrived together shared commits
    assert log.most_in_flight == 2  # the next batch formed while one committed
    assert traffic.waiting == 0


async def test_one_bad_row_does_not_fail_the_rest_of_its_batch() -> None:
    log = SlowLog(fail_on="EvBad")
    writer = InboxWriter(log)
    outcomes = await asyncio.gather(
        *(writer.record(arrival(i)) for i in ("Ev1", "EvBad", "Ev2")), return_exceptions=True
    )
    assert outcomes[0] is True and outcomes[2] is True
    assert isinstance(outcomes[1], RuntimeError)
    assert log.stored == {"Ev1", "Ev2"}
