"""A numpy array that grows by appending, for per-row and per-person columns.

Why: the index gains rows and people one at a time; numpy arrays make the
per-query maths vectorised, and doubling the capacity keeps appends cheap.
"""

from __future__ import annotations

import numpy as np


class Growable:
    """A 1-d numpy array with amortised O(1) ``append``; ``view`` is the live part."""

    def __init__(self, dtype: type | str, fill: float = 0):
        self._data = np.full(16, fill, dtype=dtype)
        self._fill = fill
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def append(self, value: float) -> None:
        if self.size == len(self._data):
            extra = np.full(len(self._data), self._fill, dtype=self._data.dtype)
            self._data = np.concatenate([self._data, extra])
        self._data[self.size] = value
        self.size += 1

    @property
    def view(self) -> np.ndarray:
        return self._data[: self.size]
