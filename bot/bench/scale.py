"""Speed and memory of the expertise index on a synthetic organisation.

Why these numbers: routing runs after every captured question and the index
lives in the bot process, so what matters is per-question latency (p50 and
p99), the cost of learning one new fact, the time to rebuild from the
database on start, and peak memory; rank-bm25 on the same data is the yard
stick for "fast".
"""

from __future__ import annotations

import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from bot.bench.metrics import percentiles_ms
from bot.bench.synthetic import NOW, SyntheticOrg, evidence_stream, make_org, questions
from bot.matching.evidence import Evidence, EvidenceKind
from bot.matching.expertise import ExpertiseIndex
from bot.matching.text import Analyzer

QUERY_COUNT = 1000
BM25_QUERY_COUNT = 100
UPDATE_COUNT = 2000


@dataclass(frozen=True, slots=True)
class ScaleResult:
    people: int
    evidence: int
    build_s: float
    generate_s: float
    peak_rss_mb: float
    latency_ms: dict[str, float]
    update_ms: float
    compact_s: float
    rank_bm25_latency_ms: dict[str, float]
    speedup_vs_rank_bm25: float

    def as_dict(self) -> dict[str, object]:
        return {
            "people": self.people,
            "evidence": self.evidence,
            "build_s": round(self.build_s, 3),
            "generate_s": round(self.generate_s, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "latency_ms": self.latency_ms,
            "update_ms": round(self.update_ms, 4),
            "compact_s": round(self.compact_s, 3),
            "rank_bm25_latency_ms": self.rank_bm25_latency_ms,
            "speedup_vs_rank_bm25": round(self.speedup_vs_rank_bm25, 1),
        }


class _Timed(Iterator[Evidence]):
    """Passes items through, adding up the time spent producing them.

    The synthetic evidence is generated while the index is built (holding
    200,000 facts in memory first would distort peak memory); this lets the
    build time leave the generator's own time out.
    """

    def __init__(self, items: Iterator[Evidence]):
        self._items = items
        self.seconds = 0.0

    def __next__(self) -> Evidence:
        started = time.perf_counter()
        try:
            return next(self._items)
        finally:
            self.seconds += time.perf_counter() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_scale(people: int, analyzer: Analyzer, data_dir: Path | None) -> ScaleResult:
    """Build, query and update an index of ``people`` people and 20 facts each, then rank-bm25."""
    org = make_org(people, data_dir)
    stream = _Timed(evidence_stream(org))
    started = time.perf_counter()
    index = ExpertiseIndex.build(analyzer, None, stream)
    build_s = time.perf_counter() - started - stream.seconds
    asks = questions(org, QUERY_COUNT)
    latencies = []
    for asker, text in asks:
        started = time.perf_counter()
        index.rank(text, NOW, exclude={asker}, limit=10)
        latencies.append(time.perf_counter() - started)
    update_ms, compact_s = _update_cost(index, org)
    rss = peak_rss_mb()
    del index
    bm25_latencies = _rank_bm25_latencies(org, analyzer, asks[:BM25_QUERY_COUNT])
    ours, theirs = np.median(latencies), np.median(bm25_latencies) if bm25_latencies else 0.0
    return ScaleResult(
        people=people,
        evidence=org.evidence,
        build_s=build_s,
        generate_s=stream.seconds,
        peak_rss_mb=rss,
        latency_ms=percentiles_ms(latencies),
        update_ms=update_ms,
        compact_s=compact_s,
        rank_bm25_latency_ms=percentiles_ms(bm25_latencies),
        speedup_vs_rank_bm25=float(theirs / ours) if ours > 0 else 0.0,
    )


def _update_cost(index: ExpertiseIndex, org: SyntheticOrg) -> tuple[float, float]:
    """Mean milliseconds per ``add`` of new facts, and seconds to merge them into the matrix."""
    fresh = list(evidence_stream(org, UPDATE_COUNT, offset=99))
    started = time.perf_counter()
    for evidence in fresh:
        index.add(evidence)
    update_ms = (time.perf_counter() - started) * 1000.0 / len(fresh)
    started = time.perf_counter()
    index.compact()
    return update_ms, time.perf_counter() - started


def _rank_bm25_latencies(
    org: SyntheticOrg, analyzer: Analyzer, asks: list[tuple[str, str]]
) -> list[float]:
    """``BM25Okapi.get_scores`` over one document per person, on the same evidence and queries."""
    docs: dict[str, list[str]] = defaultdict(list)
    for evidence in evidence_stream(org):
        if evidence.kind is not EvidenceKind.ASKED:
            docs[evidence.person_id].extend(analyzer.terms(evidence.subject))
    if not docs:
        return []
    model = BM25Okapi(list(docs.values()))
    latencies = []
    for _asker, text in asks:
        query = analyzer.terms(text)
        started = time.perf_counter()
        model.get_scores(query)
        latencies.append(time.perf_counter() - started)
    return latencies
