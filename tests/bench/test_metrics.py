"""Metrics by hand, including fair handling of ties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.bench.metrics import MetricAverage, case_metrics, percentiles_ms


def test_target_ranked_first() -> None:
    assert list(case_metrics(np.array([3.0, 1.0, 2.0]), 0)) == [1.0, 1.0, 1.0, 1.0]


def test_target_ranked_second() -> None:
    p1, rr, ndcg, r5 = case_metrics(np.array([3.0, 1.0, 2.0]), 2)
    assert (p1, rr, r5) == (0.0, 0.5, 1.0)
    assert ndcg == pytest.approx(1 / math.log2(3))


def test_target_ranked_sixth() -> None:
    scores = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])
    assert list(case_metrics(scores, 5)) == [0.0, pytest.approx(1 / 6), 0.0, 0.0]


def test_ties_count_as_the_expected_rank() -> None:
    # target tied with one other for first place: rank 1 or 2 with equal chance
    p1, rr, ndcg, r5 = case_metrics(np.array([2.0, 2.0, 1.0]), 1)
    assert p1 == 0.5
    assert rr == pytest.approx(0.75)
    assert ndcg == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert r5 == 1.0


def test_average_and_percentiles() -> None:
    average = MetricAverage()
    average.add(np.array([1.0, 0.0]), 0)
    average.add(np.array([1.0, 0.0]), 1)
    assert average.result().as_dict() == {
        "p_at_1": 0.5,
        "mrr": 0.75,
        "ndcg_at_3": pytest.approx((1 + 1 / math.log2(3)) / 2, abs=1e-4),
        "r_at_5": 1.0,
    }
    assert percentiles_ms([0.001] * 99 + [0.1]) == {"p50": 1.0, "p99": pytest.approx(1.99)}
    assert percentiles_ms([]) == {"p50": 0.0, "p99": 0.0}
