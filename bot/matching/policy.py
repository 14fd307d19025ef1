"""The routing policy: from a ranked list of experts, who to ask and when.

Pure decisions over plain inputs (scores, each person's hours and recent
asks, the clock), so every rule can be tested without a database: never
outside someone's working hours unless urgent, at most N asks a day, a
minimum gap between asks, and load spread so one star is not asked every time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    """When a person can be asked, in their own timezone."""

    timezone: str
    start: time
    end: time
    days: frozenset[int]  # 0 = Monday

    @classmethod
    def parse(cls, timezone: str, start: str, end: str, days: Iterable[str]) -> WorkingHours:
        return cls(
            timezone,
            time.fromisoformat(start),
            time.fromisoformat(end),
            frozenset(DAY_NAMES.index(day[:3].lower()) for day in days),
        )

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_start(self, moment: datetime) -> datetime:
        """`moment` itself when inside working hours, else when they next begin."""
        if not self.days or self.contains(moment):
            return moment
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            begin = datetime.combine(day, self.start, tzinfo=zone)
            if day.weekday() in self.days and begin > local:
                return begin.astimezone(moment.tzinfo)
        return moment


@dataclass(frozen=True)
class QuietHours:
    """When nobody gets a DM, in their own timezone (wraps midnight: 20:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def contains(self, moment: datetime, timezone: str) -> bool:
        local = moment.astimezone(ZoneInfo(timezone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_end(self, moment: datetime, timezone: str) -> datetime:
        """`moment` when outside quiet hours, else when they end."""
        if not self.contains(moment, timezone):
            return moment
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return end.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class Load:
    """What a person has already been asked: today, lately, and when last."""

    asks_today: int = 0
    asks_recent: int = 0
    last_asked_at: datetime | None = None


@dataclass(frozen=True)
class Limits:
    asks_at_once: int = 2
    max_asks_per_day: int = 3
    min_gap: timedelta = timedelta(hours=2)
    accept_timeout: timedelta = timedelta(minutes=60)
    load_spread: float = 0.35
    min_relative_score: float = 0.15
    max_candidates: int = 8
    quiet: QuietHours | None = None


@dataclass(frozen=True)
class Candidate:
    person_id: str
    score: float
    hours: WorkingHours
    load: Load = Load()


@dataclass(frozen=True)
class Planned:
    """A candidate in the order to ask them, and the earliest time they may be asked."""

    person_id: str
    score: float
    adjusted: float
    due_at: datetime


def order_candidates(candidates: Sequence[Candidate], limits: Limits) -> list[Candidate]:
    """Spread load: recent asks divide the score, then keep the strong enough ones."""
    if not candidates:
        return []
    best = max(c.score for c in candidates)
    strong = [c for c in candidates if c.score > 0 and c.score >= best * limits.min_relative_score]
    strong.sort(key=lambda c: (-adjusted_score(c, limits), c.person_id))
    return strong


def adjusted_score(candidate: Candidate, limits: Limits) -> float:
    return candidate.score / (1.0 + limits.load_spread * candidate.load.asks_recent)


def earliest_ask(candidate: Candidate, now: datetime, limits: Limits, *, urgent: bool) -> datetime:
    """The first moment the rules allow asking this person."""
    due = now
    load = candidate.load
    if load.last_asked_at is not None and limits.min_gap > timedelta(0):
        # (Without a gap, an ask made a moment after `now` elsewhere must not defer this one.)
        due = max(due, load.last_asked_at + limits.min_gap)
    if load.asks_today >= limits.max_asks_per_day:
        due = max(due, _next_local_midnight(due, candidate.hours.timezone))
    if not urgent:
        due = candidate.hours.next_start(due)
    elif limits.quiet is not None:
        due = limits.quiet.next_end(due, candidate.hours.timezone)  # urgent, but not at 3 a.m.
    return due


def plan(
    candidates: Sequence[Candidate], now: datetime, limits: Limits, *, urgent: bool = False
) -> list[Planned]:
    """Who is worth asking, in the order to ask them, each with the time they may be asked.

    People who can be asked within the accept timeout come first (best
    first), then those who are asleep or busy: a question at 09:00 in London
    goes to the good experts who are at work, not to a better one in New York
    who would see it five hours later.
    """
    planned = [
        Planned(
            c.person_id,
            c.score,
            adjusted_score(c, limits),
            earliest_ask(c, now, limits, urgent=urgent),
        )
        for c in order_candidates(candidates, limits)
    ]
    soon = now + limits.accept_timeout
    planned.sort(key=lambda p: p.due_at > soon)  # stable: score order within each part
    return planned[: limits.max_candidates]


def next_wave(planned: Sequence[Planned], now: datetime, slots: int) -> list[Planned]:
    """Who to ask now: the best of those the rules allow now, up to the free slots.

    A better expert who may only be asked later (asleep, at their daily cap)
    does not hold the question back; they stay queued for a later wave.
    """
    return [p for p in planned if p.due_at <= now][: max(slots, 0)]


def _next_local_midnight(moment: datetime, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(moment.tzinfo)
