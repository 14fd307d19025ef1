"""Growable columns of numbers, for per-row and per-person data.

Why: the index gains rows and people one at a time, and updates single
values on every fact, which is fast on a plain ``array.array``; ranking wants
vectorised numpy maths over whole columns, which ``view`` provides without
copying. Views are meant to live for one query only.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

_TYPECODES = {"int8": "b", "int32": "i", "float64": "d", "bool": "B"}


class Growable:
    """A 1-d column with fast ``append`` and item access, and a numpy ``view``."""

    def __init__(self, dtype: str, fill: float = 0):
        self._typecode = _TYPECODES[dtype]
        self._dtype = np.dtype(dtype)
        self._fill = fill
        self._data: array[float] = array(self._typecode)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size(self) -> int:
        return len(self._data)

    def __getitem__(self, index: int) -> float:
        return self._data[index]

    def __setitem__(self, index: int, value: float) -> None:
        self._data[index] = value

    def append(self, value: float) -> None:
        try:
            self._data.append(value)
        except BufferError:  # a numpy view outlived its query: detach from it
            self._data = array(self._typecode, self._data)
            self._data.append(value)

    def extend(self, values: Sequence[float]) -> None:
        size = len(self._data)
        try:
            self._data.extend(values)
        except BufferError:  # a numpy view outlived its query: detach from it
            self._data = array(self._typecode, self._data[:size])  # drop a partial extend
            self._data.extend(values)

    def grow(self, size: int) -> None:
        """Make the column at least ``size`` long, new items set to the fill value."""
        while len(self._data) < size:
            self.append(self._fill)

    @property
    def view(self) -> np.ndarray:
        """The column as a numpy array sharing memory (writes go through)."""
        return np.frombuffer(self._data, dtype=self._dtype)
