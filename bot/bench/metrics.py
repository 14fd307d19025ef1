"""Ranking metrics for routing: P@1, MRR, NDCG@3, R@5, with fair ties.

Why tie-aware: popularity gives many people the same score (everyone with
two accepted answers ties), and picking an order among ties by id would
reward or punish a method by accident. Each metric is the expectation over
a random order of the tied people: a target tied with g others at ranks
k..k+g counts the mean of the metric over those ranks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

METRIC_NAMES = ("p_at_1", "mrr", "ndcg_at_3", "r_at_5")


@dataclass(frozen=True, slots=True)
class RankingMetrics:
    p_at_1: float = 0.0
    mrr: float = 0.0
    ndcg_at_3: float = 0.0
    r_at_5: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {name: round(float(getattr(self, name)), 4) for name in METRIC_NAMES}


def case_metrics(scores: np.ndarray, target: int) -> np.ndarray:
    """Expected (P@1, RR, NDCG@3, R@5) of one question; higher scores rank first."""
    own = scores[target]
    above = int(np.count_nonzero(scores > own))
    tied = int(np.count_nonzero(scores == own))
    ranks = np.arange(above + 1, above + tied + 1, dtype=np.float64)
    return np.array(
        [
            np.mean(ranks == 1),
            np.mean(1.0 / ranks),
            np.mean(np.where(ranks <= 3, 1.0 / np.log2(ranks + 1.0), 0.0)),
            np.mean(ranks <= 5),
        ]
    )


class MetricAverage:
    """Running mean of per-question metrics."""

    def __init__(self) -> None:
        self._sum = np.zeros(len(METRIC_NAMES))
        self.count = 0

    def add(self, scores: np.ndarray, target: int) -> None:
        self._sum += case_metrics(scores, target)
        self.count += 1

    def result(self) -> RankingMetrics:
        if self.count == 0:
            return RankingMetrics()
        return RankingMetrics(*(float(v) for v in self._sum / self.count))


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50 and p99 of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"p50": 0.0, "p99": 0.0}
    values = np.asarray(seconds) * 1000.0
    return {
        "p50": round(float(np.percentile(values, 50)), 3),
        "p99": round(float(np.percentile(values, 99)), 3),
    }
