"""The demo's clock: a working day replayed in seconds, so it moves when told to."""

from __future__ import annotations

from datetime import datetime, timedelta


class DemoClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = max(self.current, moment)

    def advance(self, delta: timedelta) -> None:
        self.current += delta
