"""Keeps the in-memory expertise index in step with the evidence in the database.

The index (bot.matching) is rebuilt from the database on start and then fed
incrementally as evidence is committed, so ranking a question never waits for
a rebuild and a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.domain.model import Evidence, PersonTopic, Topic, TopicKind
from bot.domain.ports import UnitOfWork
from bot.matching.expertise import Evidence as Observation
from bot.matching.expertise import EvidenceKind, EvidenceWeights, ExpertiseIndex, RankedExpert
from bot.matching.text import Analyzer

DECLARED_KIND = {
    TopicKind.KNOWS: EvidenceKind.DECLARED,
    TopicKind.WANTS_TO_LEARN: EvidenceKind.ASKED,
}


class ExpertiseService:
    def __init__(self, analyzer: Analyzer, weights: EvidenceWeights) -> None:
        self.analyzer = analyzer
        self.weights = weights
        self.index = ExpertiseIndex(analyzer, weights)

    async def rebuild(self, uow: UnitOfWork) -> int:
        """Build the index from everything stored; returns the number of observations."""
        observations = await _all_observations(uow)
        self.index = ExpertiseIndex.build(self.analyzer, self.weights, observations)
        return len(observations)

    async def refresh_person(self, uow: UnitOfWork, person_id: int) -> None:
        """Re-read one person (after a skill was removed, or forget-me)."""
        self.index.remove_person(str(person_id))
        topics = await uow.topics.person_topics(person_id)
        evidence = await uow.evidence.for_person(person_id)
        names = {t.id: t.name for _, t in topics}
        for observation in [
            *(declared(pt, t) for pt, t in topics),
            *(observed(e, names.get(e.topic_id)) for e in evidence),
        ]:
            self.index.add(observation)

    def observe(self, observations: Iterable[Observation]) -> None:
        for observation in observations:
            self.index.add(observation)

    def rank(
        self, text: str, now: datetime, *, candidates: Iterable[int], limit: int
    ) -> Sequence[RankedExpert]:
        allowed = frozenset(str(person_id) for person_id in candidates)
        return self.index.rank(text, now, candidates=allowed, limit=limit)

    def topics(self, text: str) -> list[str]:
        return self.analyzer.topics(text)


def declared(person_topic: PersonTopic, topic: Topic) -> Observation:
    return Observation(
        person_id=str(person_topic.person_id),
        kind=DECLARED_KIND[TopicKind(person_topic.kind)],
        text=topic.name,
        at=person_topic.updated_at,
        weight=person_topic.weight,
        topic=topic.name,
    )


def observed(evidence: Evidence, topic: str | None = None) -> Observation:
    return Observation(
        person_id=str(evidence.person_id),
        kind=EvidenceKind(evidence.kind),
        text=evidence.text or topic or "",
        at=evidence.at,
        weight=evidence.weight,
        topic=topic,
    )


async def _all_observations(uow: UnitOfWork) -> list[Observation]:
    person_topics = await uow.topics.all_person_topics()
    names = {t.id: t.name for _, t in person_topics}
    return [
        *(declared(pt, t) for pt, t in person_topics),
        *(observed(e, names.get(e.topic_id)) for e in await uow.evidence.all()),
    ]
