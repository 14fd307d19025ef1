"""The expertise index: who knows what, learned from evidence, ranked per question.

Why one index object: routing, ``/experts TOPIC`` and the App Home profile all
ask the same question from different sides, and each must answer in
milliseconds for organisations of thousands. Evidence is added one fact at a
time as it happens (no rebuild per message); ``build`` loads history on start.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import NamedTuple

import numpy as np

from bot.matching.decay import DecayingSums, decay_factor, growth, seconds
from bot.matching.documents import DocumentMatrix
from bot.matching.evidence import ANSWER_KINDS, Evidence, EvidenceKind, EvidenceWeights
from bot.matching.ledger import TopicLedger, topic_reasons
from bot.matching.people import PersonTable
from bot.matching.ranking import RankingParams, combine, idf, query_weights, top_documents
from bot.matching.text import Analysis, Analyzer

_KIND_CODE = {kind: code for code, kind in enumerate(EvidenceKind)}
_ANSWER_CODES = np.array([_KIND_CODE[k] for k in ANSWER_KINDS], dtype=np.int8)
_ANSWER_CODE_SET = frozenset(_ANSWER_CODES.tolist())
_ASKED_CODE = _KIND_CODE[EvidenceKind.ASKED]
_RESOLVED_CODE = _KIND_CODE[EvidenceKind.RESOLVED_ANSWER]
_BUILD_BATCH = 4_096  # facts learned at a time when building (see ``add_many``)


class _Fact(NamedTuple):
    """One piece of evidence on its way into the index (see ``add_many``)."""

    evidence: Evidence
    slot: int
    code: int
    at: float  # POSIX seconds
    grown: float  # weight scaled by growth (see decay)
    terms: list[str]
    topics: list[str]
    text_weight: float  # the document row's weight, growth-scaled
    scaled: float  # signed topic weight, growth-scaled
    expert: bool  # evidence of expertise (not "asked" or "not me")


@dataclass(frozen=True, slots=True)
class RankedExpert:
    """One suggested colleague: ``score`` > 0 (higher is better), why, and on which topics.

    ``relevance`` is the text match as a share of the best candidate's (0..1);
    routing can use it to avoid asking people who merely are active.
    """

    person_id: str
    score: float
    reasons: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    relevance: float = 0.0


@dataclass(frozen=True, slots=True)
class PersonProfile:
    """A person's learning picture: what they know and what they want to learn."""

    person_id: str
    knows: tuple[tuple[str, float], ...] = ()
    wants_to_learn: tuple[tuple[str, float], ...] = ()
    declared: tuple[str, ...] = ()
    answers: int = 0
    resolved_answers: int = 0
    last_active: datetime | None = None


@dataclass(slots=True)
class _Relevance:
    """One query's text match: per-person relevance and the documents it came from."""

    per_person: np.ndarray
    top_rows: np.ndarray
    topics: list[str]
    similar_answers: dict[int, int] | None = None  # per person, filled on first use


class ExpertiseIndex:
    """Incremental index of evidence; see ``ranking`` for how scores combine."""

    def __init__(
        self,
        analyzer: Analyzer,
        weights: EvidenceWeights | None = None,
        params: RankingParams | None = None,
    ):
        self._analyzer = analyzer
        self._weights = weights or EvidenceWeights()
        self._params = params or RankingParams()
        self._people = PersonTable()
        self._docs = DocumentMatrix()
        self._activity = DecayingSums(self._params.activity_half_life_days)
        self._ledger = TopicLedger()
        # In text relevance an answer counts the same whether or not it was
        # marked resolving: what was answered says what someone knows; how
        # often answers resolve things is the track record (see ranking).
        self._kind_info = {
            kind: (
                _KIND_CODE[kind],
                self._weights.of(kind),
                self._weights.answer
                if kind is EvidenceKind.RESOLVED_ANSWER
                else self._weights.of(kind),
            )
            for kind in EvidenceKind
        }

    @classmethod
    def build(
        cls,
        analyzer: Analyzer,
        weights: EvidenceWeights | None,
        evidences: Iterable[Evidence],
        params: RankingParams | None = None,
    ) -> ExpertiseIndex:
        """An index of all ``evidences`` (any order), ready to rank."""
        index = cls(analyzer, weights, params)
        stream = iter(evidences)
        while batch := list(islice(stream, _BUILD_BATCH)):
            index.add_many(batch)
        index.compact()
        return index

    def __len__(self) -> int:
        return len(self._people)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._people

    def add(self, evidence: Evidence) -> None:
        """Learn one fact; cost is proportional to its text, not to the index."""
        self.add_many([evidence])

    def add_many(self, evidences: Sequence[Evidence]) -> None:
        """Learn facts in order; the same as adding them one by one, only faster."""
        facts = [self._fact(evidence) for evidence in evidences]
        documents = [fact for fact in facts if fact.code != _ASKED_CODE]
        rows = self._docs.add_many(
            [fact.terms for fact in documents],
            [fact.slot for fact in documents],
            [fact.text_weight for fact in documents],
            [fact.code for fact in documents],
        )
        for fact, row in zip(documents, rows, strict=True):
            self._people.add_row(fact.slot, row, expert=fact.expert)
        for fact in facts:
            self._tally(fact)

    def _fact(self, evidence: Evidence) -> _Fact:
        """What the index needs of one piece of evidence, its text analysed."""
        analysis = self._analyzer.analyze(_document_text(evidence))
        code, kind_weight, text_weight = self._kind_info[evidence.kind]
        at = evidence.at.timestamp()
        grown = evidence.weight * self._growth(at)
        topics = analysis.topics
        if evidence.topic:
            topics = list(dict.fromkeys([self._analyzer.canonical_topic(evidence.topic), *topics]))
        slot = self._people.slot(evidence.person_id)
        return _Fact(
            evidence,
            slot,
            code,
            at,
            grown,
            analysis.terms,
            topics,
            text_weight * grown,
            kind_weight * grown,
            kind_weight > 0,
        )

    def _tally(self, fact: _Fact) -> None:
        """Count a fact towards its person's activity, track record and topics."""
        if fact.code in _ANSWER_CODE_SET:
            self._activity.add(fact.slot, fact.at, fact.evidence.weight)
            self._people.add_answer(fact.slot, fact.grown, fact.code == _RESOLVED_CODE)
        self._people.seen(fact.slot, fact.at)
        self._ledger.record(fact.slot, fact.evidence.kind, fact.topics, fact.scaled)

    def compact(self) -> None:
        """Merge buffered evidence into the main matrix now (otherwise done lazily)."""
        self._docs.compact()

    def remove_person(self, person_id: str) -> None:
        """Forget everything about a person (forget-me); unknown ids are ignored."""
        slot = self._people.remove(person_id)
        if slot is None:
            return
        self._docs.drop_rows(self._people.take_rows(slot))
        self._activity.clear(slot)
        self._ledger.forget(slot)

    def rank(
        self,
        text: str,
        now: datetime,
        *,
        exclude: Collection[str] = frozenset(),
        candidates: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[RankedExpert]:
        """The best ``limit`` people to answer ``text`` at ``now``, best first.

        Only people with expertise evidence are ranked; ``candidates`` (if
        given) restricts them, ``exclude`` removes some (e.g. the asker).
        """
        eligible = self._people.eligible(exclude, candidates)
        people = np.flatnonzero(eligible)
        if len(people) == 0 or limit <= 0:
            return []
        relevance = self._relevance(self._analyzer.analyze(text), now, eligible)
        scores = self._scores(people, relevance.per_person, now)
        order = _best_first(scores, limit)
        best = max(float(relevance.per_person[people].max()), 0.0)
        return [self._ranked(int(people[i]), float(scores[i]), relevance, best) for i in order]

    def experts_for_topic(self, topic: str, now: datetime, limit: int = 10) -> list[RankedExpert]:
        """People who know ``topic`` (a name or alias), best first: for ``/experts TOPIC``."""
        name = self._analyzer.canonical_topic(topic)
        knowing = {self._people.person_id(s) for s in self._ledger.slots_knowing(name)}
        if knowing:
            return self.rank(name, now, candidates=knowing, limit=limit)
        return [r for r in self.rank(name, now, limit=limit) if r.relevance > 0]

    def profile(self, person_id: str, now: datetime | None = None) -> PersonProfile:
        """Topics a person knows and wants to learn, with weights decayed to ``now``."""
        slot = self._people.get(person_id)
        if slot is None:
            return PersonProfile(person_id)
        factor = decay_factor(seconds(now or datetime.now(UTC)), self._weights.half_life_days)
        tally = self._ledger.person(slot)
        knows = [(t, v.knows * factor) for t, v in tally.topics.items() if v.knows > 0]
        wants = [(t, v.wants * factor) for t, v in tally.topics.items() if v.wants > 0]
        last = self._people.last_seen(slot)
        return PersonProfile(
            person_id=person_id,
            knows=tuple(sorted(knows, key=lambda kv: (-kv[1], kv[0]))),
            wants_to_learn=tuple(sorted(wants, key=lambda kv: (-kv[1], kv[0]))),
            declared=tuple(t for t, v in tally.topics.items() if v.declared),
            answers=tally.answers,
            resolved_answers=tally.resolved,
            last_active=None if last is None else datetime.fromtimestamp(last, UTC),
        )

    def _growth(self, at_seconds: float) -> float:
        return growth(at_seconds, self._weights.half_life_days)

    def _relevance(self, query: Analysis, now: datetime, eligible: np.ndarray) -> _Relevance:
        """Per-person relevance from the most similar evidence documents of eligible people."""
        vocabulary = self._docs.vocabulary
        known = [vocabulary[t] for t in query.terms if t in vocabulary]
        if not known:
            return _Relevance(np.zeros(len(eligible)), np.zeros(0, dtype=np.int64), query.topics)
        cols, counts = np.unique(np.array(known, dtype=np.int64), return_counts=True)
        df = self._docs.document_frequency(cols)
        n_docs = self._docs.n_live_rows
        weights = query_weights(counts.astype(np.float64), idf(df, n_docs))
        common = df > self._params.common_term_share * n_docs
        rows, sims = self._docs.similarities(cols, weights, common, self._params.top_documents)
        owners = self._docs.owner.view[rows]
        keep = owners >= 0
        keep[keep] = eligible[owners[keep]]
        rows, sims = top_documents(rows[keep], sims[keep], self._params.top_documents)
        factor = decay_factor(seconds(now), self._weights.half_life_days)
        contrib = sims**self._params.similarity_power * self._docs.weight.view[rows] * factor
        owners = self._docs.owner.view[rows]
        per_person = np.bincount(owners, weights=contrib, minlength=len(eligible))
        return _Relevance(per_person, rows, query.topics)

    def _scores(self, people: np.ndarray, relevance: np.ndarray, now: datetime) -> np.ndarray:
        now_s = seconds(now)
        activity = self._activity.at(now_s, self._people.size)[people]
        factor = decay_factor(now_s, self._weights.half_life_days)
        answered, resolved = self._people.answer_sums(people)
        idle = self._people.idle_hours(people, now_s)
        return combine(
            relevance[people], activity, resolved * factor, answered * factor, idle, self._params
        )

    def _ranked(self, slot: int, score: float, relevance: _Relevance, best: float) -> RankedExpert:
        share = max(float(relevance.per_person[slot]), 0.0) / best if best > 0 else 0.0
        reasons: list[str] = []
        topics: list[str] = []
        for topic in relevance.topics:
            tally = self._ledger.tally(slot, topic)
            if tally is not None and tally.knows > 0:
                topics.append(topic)
                reasons.extend(topic_reasons(tally, topic))
        if not reasons and (answers := self._similar_answers(relevance).get(slot, 0)):
            reasons.append(f"answered {answers} similar question" + "s" * (answers != 1))
        return RankedExpert(
            self._people.person_id(slot), score, tuple(reasons), tuple(topics), share
        )

    def _similar_answers(self, relevance: _Relevance) -> dict[int, int]:
        """How many of the query's most similar documents are each person's answers."""
        if relevance.similar_answers is None:
            rows = relevance.top_rows
            answers = rows[np.isin(self._docs.kind.view[rows], _ANSWER_CODES)]
            slots, counts = np.unique(self._docs.owner.view[answers], return_counts=True)
            relevance.similar_answers = dict(zip(slots.tolist(), counts.tolist(), strict=True))
        return relevance.similar_answers


def _best_first(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` highest scores, best first (ties: lower index first)."""
    if len(scores) > limit:
        top = np.argpartition(-scores, limit - 1)[:limit]
        # the partition may cut a tie group; take all tied with the last kept score
        threshold = scores[top].min()
        top = np.flatnonzero(scores >= threshold)
    else:
        top = np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))][:limit]


def _document_text(evidence: Evidence) -> str:
    """What an evidence document is about: its topic (if any) and its text."""
    if evidence.topic and evidence.topic not in evidence.text:
        return f"{evidence.topic}\n{evidence.text}"
    return evidence.text
