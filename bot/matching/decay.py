"""Exponential decay without rewriting history on every query.

Why: evidence should fade with a half-life, but re-weighting every stored
fact whenever someone asks a question would cost time proportional to the
whole history. Two tricks avoid that:

* ``growth``: store ``weight * 2**((t - EPOCH) / h)`` once; at query time one
  shared factor ``2**(-(now - EPOCH) / h)`` turns every stored value into its
  decayed value, so ranking needs no rewrite at all;
* ``DecayingSums``: per-person running sums kept as (value, as-of time) and
  brought forward to ``now`` in one vectorised step.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from bot.matching.arrays import Growable

DAY_SECONDS = 86_400.0
EPOCH = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
_MAX_EXPONENT = 1000.0  # 2**1000 is still a finite float


def seconds(at: datetime) -> float:
    """POSIX seconds of a timezone-aware datetime."""
    return at.timestamp()


def growth(at_seconds: float, half_life_days: float) -> float:
    """Time-shifted log-domain factor ``2**((t - EPOCH) / h)`` of a fact at ``at_seconds``."""
    exponent = (at_seconds - EPOCH) / (half_life_days * DAY_SECONDS)
    return float(2.0 ** max(-_MAX_EXPONENT, min(_MAX_EXPONENT, exponent)))


def decay_factor(now_seconds: float, half_life_days: float) -> float:
    """The shared factor that turns stored ``growth``-scaled values into decayed values."""
    return 1.0 / growth(now_seconds, half_life_days)


class DecayingSums:
    """One decaying sum per slot (e.g. per person): ``sum(w * 2**(-(now - t) / h))``.

    Each slot keeps its value as of its latest update; facts may arrive out of
    order (an older fact is decayed to the slot's time before it is added).
    """

    def __init__(self, half_life_days: float):
        self._h = half_life_days * DAY_SECONDS
        self._value = Growable("float64")
        self._as_of = Growable("float64", -math.inf)

    def __len__(self) -> int:
        return len(self._value)

    def add(self, slot: int, at_seconds: float, weight: float) -> None:
        self._value.grow(slot + 1)
        self._as_of.grow(slot + 1)
        as_of = self._as_of[slot]
        if as_of == -math.inf:
            self._value[slot] = weight
            self._as_of[slot] = at_seconds
        elif at_seconds >= as_of:
            self._value[slot] = (
                self._value[slot] * 2.0 ** (-(at_seconds - as_of) / self._h) + weight
            )
            self._as_of[slot] = at_seconds
        else:
            self._value[slot] += weight * 2.0 ** (-(as_of - at_seconds) / self._h)

    def clear(self, slot: int) -> None:
        if slot < len(self._value):
            self._value[slot] = 0.0
            self._as_of[slot] = -math.inf

    def at(self, now_seconds: float, size: int) -> np.ndarray:
        """Every slot's sum as of ``now`` (facts after ``now`` count undecayed)."""
        self._value.grow(size)
        self._as_of.grow(size)
        value, as_of = self._value.view[:size], self._as_of.view[:size]
        age = np.where(np.isfinite(as_of), np.maximum(now_seconds - as_of, 0.0), 0.0)
        return value * np.exp2(-age / self._h)
