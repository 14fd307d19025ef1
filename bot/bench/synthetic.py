"""A seeded synthetic organisation for load-testing the expertise index.

Why synthetic: speed and memory depend on the shape of the data (how many
people, how long messages are, how skewed activity and vocabulary are), not
on who said what. Words come from the StackExchange dumps when available
(real, long-tailed vocabulary), else from a small built-in list. People
specialise in a few topics (clusters of words) and a few are far more active
than the rest, as in any chat workspace.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bot.matching.evidence import Evidence, EvidenceKind
from bot.matching.markup import plain_text
from bot.matching.stopwords import STOP_WORDS

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
_CHUNK = 4096
SPAN_DAYS = 730
_KINDS = (
    (EvidenceKind.ANSWER, 0.55),
    (EvidenceKind.RESOLVED_ANSWER, 0.15),
    (EvidenceKind.ASKED, 0.15),
    (EvidenceKind.REACTION, 0.08),
    (EvidenceKind.DECLARED, 0.04),
    (EvidenceKind.NOT_ME, 0.03),
)
_FALLBACK_TEXT = """
deploy build release pipeline cluster node pod container image registry network service
gateway proxy cache queue topic stream event schema table index query join
migration backup restore replica shard partition latency throughput error retry timeout budget
invoice expense payroll contract hiring interview onboarding review roadmap sprint backlog ticket
incident outage alert dashboard metric trace logging python java golang rust typescript
react kubernetes terraform docker postgres redis kafka spark airflow pandas numpy model
training feature label dataset pricing customer account renewal churn campaign design figma
prototype research survey
"""
FALLBACK_WORDS = tuple(_FALLBACK_TEXT.split())


@dataclass(frozen=True, slots=True)
class SyntheticOrg:
    """Everything needed to regenerate the same evidence stream and queries."""

    people: int
    evidence: int
    vocabulary: tuple[str, ...]
    seed: int = 7


def dump_vocabulary(data_dir: Path | None, limit: int = 20_000) -> list[str]:
    """Words of the dumps' posts, most frequent first (empty if there are no dumps)."""
    counts: Counter[str] = Counter()
    for posts in sorted(data_dir.glob("*/Posts.xml")) if data_dir and data_dir.is_dir() else []:
        for _event, elem in ET.iterparse(posts, events=("end",)):
            if elem.tag == "row":
                text = plain_text(elem.get("Title", "") + " " + elem.get("Body", "")).lower()
                counts.update(w for w in text.split() if w.isalpha() and 2 < len(w) < 15)
            elem.clear()
    return [w for w, _ in counts.most_common(limit + len(STOP_WORDS)) if w not in STOP_WORDS][
        :limit
    ]


def make_org(people: int, data_dir: Path | None, seed: int = 7) -> SyntheticOrg:
    words = dump_vocabulary(data_dir) or FALLBACK_WORDS
    return SyntheticOrg(people, 20 * people, tuple(words), seed)


class _Sampler:
    """Draws people, topics and words with long-tailed popularity, in bulk."""

    def __init__(self, org: SyntheticOrg, seed_offset: int = 0):
        self.org = org
        self.rng = np.random.default_rng(org.seed + seed_offset)
        vocab = len(org.vocabulary)
        zipf = 1.0 / np.arange(1, vocab + 1)
        self._word_cdf = np.cumsum(zipf / zipf.sum())
        n_topics = max(10, org.people // 25)
        size = min(60, vocab)
        self.topics = np.stack(
            [self.rng.choice(vocab, size=size, replace=False) for _ in range(n_topics)]
        )
        activity = self.rng.pareto(1.5, org.people) + 1.0
        self.person_p = activity / activity.sum()
        self.person_topics = self.rng.integers(0, n_topics, size=(org.people, 3))

    def texts(self, topics: np.ndarray, lengths: np.ndarray) -> Iterator[str]:
        """One text per (topic, length): half topic words, half common words.

        Sampled in chunks so that memory stays small however many texts.
        """
        for start in range(0, len(lengths), _CHUNK):
            yield from self._chunk(topics[start : start + _CHUNK], lengths[start : start + _CHUNK])

    def _chunk(self, topics: np.ndarray, lengths: np.ndarray) -> Iterator[str]:
        total = int(lengths.sum())
        general = np.searchsorted(self._word_cdf, self.rng.random(total) * self._word_cdf[-1])
        general = np.minimum(general, len(self._word_cdf) - 1)
        own_topic = np.repeat(topics, lengths)
        specific = self.topics[own_topic, self.rng.integers(0, self.topics.shape[1], size=total)]
        chosen = np.where(self.rng.random(total) < 0.5, specific, general).tolist()
        words = self.org.vocabulary
        start = 0
        for length in lengths.tolist():
            yield " ".join([words[i] for i in chosen[start : start + length]])
            start += length


def evidence_stream(
    org: SyntheticOrg, count: int | None = None, offset: int = 0
) -> Iterator[Evidence]:
    """The organisation's evidence, deterministic for a given seed and offset."""
    s = _Sampler(org, offset)
    n = org.evidence if count is None else count
    people = s.rng.choice(org.people, size=n, p=s.person_p)
    kinds = s.rng.choice(len(_KINDS), size=n, p=[p for _, p in _KINDS])
    ages = (s.rng.random(n) * SPAN_DAYS).tolist()
    topics = s.person_topics[people, s.rng.integers(0, 3, size=n)]
    texts = s.texts(topics, s.rng.integers(8, 40, size=n))
    for person, kind_code, age, topic, text in zip(
        people.tolist(), kinds.tolist(), ages, topics.tolist(), texts, strict=True
    ):
        kind = _KINDS[kind_code][0]
        named = kind in (EvidenceKind.DECLARED, EvidenceKind.NOT_ME)
        yield Evidence(
            person_id=f"U{person:06d}",
            kind=kind,
            text="" if named else text,
            at=NOW - timedelta(days=age),
            topic=org.vocabulary[int(s.topics[topic, 0])] if named else None,
        )


def questions(org: SyntheticOrg, count: int) -> list[tuple[str, str]]:
    """``count`` (asker id, question text) pairs on random topics."""
    s = _Sampler(org, 1_000_003)
    topics = s.rng.integers(0, len(s.topics), size=count)
    askers = s.rng.integers(0, org.people, size=count).tolist()
    texts = s.texts(topics, s.rng.integers(10, 30, size=count))
    return [(f"U{a:06d}", t) for a, t in zip(askers, texts, strict=True)]
