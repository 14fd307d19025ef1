"""Week buckets computed in Python, so SQLite and PostgreSQL give the same answer.

date_trunc('week') exists only on PostgreSQL and strftime('%W') only on
SQLite; bucketing a few thousand timestamps here is cheap and portable.
Weeks start on Monday, in UTC, like the rest of the stored times.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week that contains `moment`."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from `first` to `last`, so quiet weeks show as zeros, not gaps."""
    weeks = []
    current = first
    while current <= last:
        weeks.append(current)
        current += timedelta(days=7)
    return weeks


def week_span(moments: Iterable[datetime]) -> list[date]:
    """The continuous run of weeks covering all `moments` (empty when there are none)."""
    found = [week_of(moment) for moment in moments]
    return weeks_between(min(found), max(found)) if found else []


def week_label(week: date) -> str:
    """Short axis label, e.g. '2 Mar'."""
    return f"{week.day} {week:%b}"
