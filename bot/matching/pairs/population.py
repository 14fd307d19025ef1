"""Participants encoded as arrays: topic-incidence matrices, teams, UTC working windows.

Why: scoring 10,000 people against each other is only fast as sparse and dense
array arithmetic; this module does the one-off translation from dataclasses
to arrays, sorted by person id so every later step is deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import scipy.sparse as sp

from bot.matching.pairs.model import Participant

HOURS_PER_DAY = 24.0


@dataclass(frozen=True, eq=False, slots=True)
class Population:
    """Row `r` of every array is person `ids[r]`; topics are column names."""

    ids: tuple[str, ...]
    index: dict[str, int]
    topics: tuple[str, ...]
    knows: sp.csr_matrix
    wants: sp.csr_matrix
    interests: sp.csr_matrix
    team: np.ndarray
    window_start: np.ndarray
    window_end: np.ndarray
    key: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)


def encode(participants: Sequence[Participant], now: datetime) -> Population:
    """Sort by id, refuse duplicates, and build every array the scorer needs."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    people = sorted(participants, key=lambda p: p.person_id)
    ids = tuple(p.person_id for p in people)
    if len(set(ids)) != len(ids):
        raise ValueError("participants contain the same person_id twice")
    topics = tuple(sorted({t for p in people for t in p.knows | p.wants | p.interests}))
    column = {t: c for c, t in enumerate(topics)}
    start, end = working_windows_utc(people, now)
    return Population(
        ids=ids,
        index={pid: r for r, pid in enumerate(ids)},
        topics=topics,
        knows=incidence(people, column, lambda p: p.knows),
        wants=incidence(people, column, lambda p: p.wants),
        interests=incidence(people, column, lambda p: p.interests),
        team=team_codes(people),
        window_start=start,
        window_end=end,
        key=stable_keys(ids),
    )


def incidence(
    people: Sequence[Participant],
    column: dict[str, int],
    topics_of: Callable[[Participant], frozenset[str]],
) -> sp.csr_matrix:
    """Person x topic 0/1 matrix (float32 so products are counts of shared topics)."""
    rows: list[int] = []
    cols: list[int] = []
    for r, person in enumerate(people):
        for topic in topics_of(person):
            rows.append(r)
            cols.append(column[topic])
    data = np.ones(len(rows), dtype=np.float32)
    shape = (len(people), len(column))
    matrix = sp.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float32)
    matrix.sort_indices()
    return matrix


def team_codes(people: Sequence[Participant]) -> np.ndarray:
    """Small integers per team name; -1 for no team, which never counts as different."""
    names = sorted({p.team for p in people if p.team is not None})
    code = {name: c for c, name in enumerate(names)}
    return np.array([code.get(p.team, -1) if p.team else -1 for p in people], dtype=np.int32)


def working_windows_utc(
    people: Sequence[Participant], now: datetime
) -> tuple[np.ndarray, np.ndarray]:
    """Each working day as [start, end) hours in UTC, using offsets in force at `now`.

    A window that ends before it starts (night shift) runs past midnight.
    """
    offsets = {tz: utc_offset_hours(tz, now) for tz in {p.timezone for p in people}}
    start = np.array([hours(p.work_start) - offsets[p.timezone] for p in people])
    end = np.array([hours(p.work_end) - offsets[p.timezone] for p in people])
    end = np.where(end <= start, end + HOURS_PER_DAY, end)
    return start, end


def utc_offset_hours(timezone: str, now: datetime) -> float:
    """An unknown timezone counts as UTC, so one bad profile never stops a round."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    offset = now.astimezone(zone).utcoffset()
    return offset.total_seconds() / 3600.0 if offset is not None else 0.0


def hours(moment: time) -> float:
    return moment.hour + moment.minute / 60.0 + moment.second / 3600.0


def stable_keys(ids: Sequence[str]) -> np.ndarray:
    """A 64-bit hash per id that does not change between processes (unlike `hash`)."""
    digests = [hashlib.blake2b(pid.encode(), digest_size=8).digest() for pid in ids]
    return np.array([int.from_bytes(d, "little") for d in digests], dtype=np.uint64)
