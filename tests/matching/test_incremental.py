"""Adding evidence one fact at a time ranks exactly like building from all of it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.matching.catalog import load_topic_catalog
from bot.matching.evidence import Evidence, EvidenceKind
from bot.matching.expertise import ExpertiseIndex, RankedExpert
from bot.matching.text import Analyzer

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
TOPICS_FILE = Path(__file__).resolve().parents[2] / "config" / "topics.yaml"
ANALYZER = Analyzer(*load_topic_catalog(TOPICS_FILE))
WORDS = "kubernetes k8s helm terraform postgres espresso grinder visa budget pods drift chart"
QUERIES = ["kubernetes pods restarting", "terraform drift", "espresso grinder budget", "helm"]

evidence_strategy = st.builds(
    Evidence,
    person_id=st.sampled_from(["ana", "ben", "cat", "dan", "eve"]),
    kind=st.sampled_from(list(EvidenceKind)),
    text=st.lists(st.sampled_from(WORDS.split()), max_size=8).map(" ".join),
    at=st.integers(min_value=0, max_value=400).map(lambda d: NOW - timedelta(days=d)),
    weight=st.sampled_from([1.0, 2.0]),
    topic=st.sampled_from([None, "helm", "k8s", "terraform"]),
)


def as_scores(ranked: list[RankedExpert]) -> dict[str, float]:
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    return {r.person_id: r.score for r in ranked}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    evidences=st.lists(evidence_strategy, min_size=1, max_size=25),
    compact_every=st.integers(min_value=1, max_value=10),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_incremental_add_equals_build(
    evidences: list[Evidence], compact_every: int, seed: int
) -> None:
    incremental = ExpertiseIndex(ANALYZER)
    for i, evidence in enumerate(evidences, start=1):
        incremental.add(evidence)
        if i % compact_every == 0:
            incremental.compact()
            incremental.rank(QUERIES[i % len(QUERIES)], NOW)  # queries in between change nothing
    shuffled = evidences[:]
    random.Random(seed).shuffle(shuffled)
    built = ExpertiseIndex.build(ANALYZER, None, shuffled)
    for query in QUERIES:
        got = as_scores(incremental.rank(query, NOW, limit=10))
        want = as_scores(built.rank(query, NOW, limit=10))
        assert got.keys() == want.keys()
        for person, score in want.items():
            assert got[person] == pytest.approx(score, rel=1e-6)
    for person in {e.person_id for e in evidences}:
        left, right = incremental.profile(person, NOW), built.profile(person, NOW)
        assert dict(left.knows) == pytest.approx(dict(right.knows))
        assert dict(left.wants_to_learn) == pytest.approx(dict(right.wants_to_learn))
        assert (left.answers, left.resolved_answers) == (right.answers, right.resolved_answers)


def test_many_compactions_keep_every_row() -> None:
    index = ExpertiseIndex(ANALYZER)
    for i in range(300):
        index.add(Evidence(f"p{i % 7}", EvidenceKind.ANSWER, f"kubernetes topic{i}", NOW))
        if i % 37 == 0:
            index.compact()
    built = ExpertiseIndex.build(
        ANALYZER,
        None,
        [
            Evidence(f"p{i % 7}", EvidenceKind.ANSWER, f"kubernetes topic{i}", NOW)
            for i in range(300)
        ],
    )
    assert as_scores(index.rank("topic299 kubernetes", NOW)) == pytest.approx(
        as_scores(built.rank("topic299 kubernetes", NOW))
    )
