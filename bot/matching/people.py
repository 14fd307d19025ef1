"""People of the expertise index: ids to dense slots, plus per-person columns.

Why slots: ranking is vectorised over people, so each person is a position
in numpy arrays (answer sums, flags); the table maps chat ids to positions
and keeps which evidence rows belong to whom, for forget-me.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection

import numpy as np

from bot.matching.arrays import Growable


class PersonTable:
    """Slots for people; a forgotten person's slot stays empty forever."""

    def __init__(self) -> None:
        self._slot_of: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._rows: dict[int, array[int]] = {}
        self._answered = Growable("float64")  # growth-scaled sums (see decay)
        self._resolved = Growable("float64")
        self._expert = Growable("bool")
        self._last_seen = Growable("float64", -np.inf)

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._slot_of

    @property
    def size(self) -> int:
        """Number of slots ever used (array length of per-person columns)."""
        return len(self._ids)

    def slot(self, person_id: str) -> int:
        """The person's slot, created on first sight."""
        slot = self._slot_of.get(person_id)
        if slot is None:
            slot = self._slot_of[person_id] = len(self._ids)
            self._ids.append(person_id)
            for column in (self._answered, self._resolved, self._expert):
                column.append(0)
            self._last_seen.append(-np.inf)
        return slot

    def get(self, person_id: str) -> int | None:
        return self._slot_of.get(person_id)

    def person_id(self, slot: int) -> str:
        person_id = self._ids[slot]
        if person_id is None:
            raise KeyError(slot)
        return person_id

    def add_row(self, slot: int, row: int, *, expert: bool) -> None:
        rows = self._rows.get(slot)
        if rows is None:
            rows = self._rows[slot] = array("i")
        rows.append(row)
        if expert:
            self._expert[slot] = True

    def add_answer(self, slot: int, scaled: float, resolved: bool) -> None:
        self._answered[slot] += scaled
        if resolved:
            self._resolved[slot] += scaled

    def seen(self, slot: int, at_seconds: float) -> None:
        if at_seconds > self._last_seen[slot]:
            self._last_seen[slot] = at_seconds

    def last_seen(self, slot: int) -> float | None:
        value = float(self._last_seen[slot])
        return None if value == -np.inf else value

    def idle_hours(self, slots: np.ndarray, now_seconds: float) -> np.ndarray:
        """Hours from each slot's newest evidence to ``now`` (0 if never seen or later)."""
        last = self._last_seen.view[slots]
        idle = np.where(np.isfinite(last), now_seconds - last, 0.0) / 3600.0
        return np.maximum(idle, 0.0)

    def answer_sums(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Growth-scaled (answered, resolved) sums of ``slots``."""
        return self._answered.view[slots], self._resolved.view[slots]

    def remove(self, person_id: str) -> int | None:
        """Forget a person; returns the emptied slot (None if unknown)."""
        slot = self._slot_of.pop(person_id, None)
        if slot is not None:
            self._ids[slot] = None
            for column in (self._answered, self._resolved, self._expert):
                column[slot] = 0
            self._last_seen[slot] = -np.inf
        return slot

    def take_rows(self, slot: int) -> np.ndarray:
        """The evidence rows of a slot, handed over for deletion."""
        return np.frombuffer(self._rows.pop(slot, array("i")), dtype=np.int32).astype(np.int64)

    def eligible(self, exclude: Collection[str], candidates: Collection[str] | None) -> np.ndarray:
        """Mask over slots: people with expertise, within ``candidates``, not in ``exclude``."""
        mask = self._expert.view.astype(bool)
        if candidates is not None:
            allowed = np.zeros(len(mask), dtype=bool)
            slots = [s for p in candidates if (s := self._slot_of.get(p)) is not None]
            allowed[slots] = True
            mask &= allowed
        for person_id in exclude:
            slot = self._slot_of.get(person_id)
            if slot is not None:
                mask[slot] = False
        return mask
