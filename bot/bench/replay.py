"""Replay a StackExchange site as if it were chat, routing each question as it comes.

Why a replay: it is the closest thing to production we can measure offline.
Posts are visited in time order; each question whose accepted answerer had
answered before (and is not the asker) is routed by its title and body alone
among everyone who had answered before, through the production
``ExpertiseIndex.rank``; the accepted answerer is the one right expert. Then
the question (``asked`` for the asker) and, as they come, its answers
(``answer``, or ``resolved_answer`` when accepted) become evidence. The
baselines see the same events and rank the same candidates.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.bench.baselines import Bm25Baseline, PopularityBaseline
from bot.bench.metrics import MetricAverage, RankingMetrics
from bot.bench.stackexchange import Post
from bot.matching.evidence import Evidence, EvidenceKind, EvidenceWeights
from bot.matching.expertise import ExpertiseIndex
from bot.matching.ranking import RankingParams
from bot.matching.text import Analyzer


@dataclass(slots=True)
class ReplayResult:
    questions: int
    system: RankingMetrics
    popularity: RankingMetrics
    bm25: RankingMetrics
    latencies_s: list[float] = field(default_factory=list)


@dataclass(slots=True)
class _Replay:
    analyzer: Analyzer
    index: ExpertiseIndex
    questions: dict[str, Post]
    answers: dict[str, Post]
    answered: dict[str, None] = field(default_factory=dict)  # ordered set of answerers
    question_terms: dict[str, list[str]] = field(default_factory=dict)
    popularity: PopularityBaseline = field(default_factory=PopularityBaseline)
    bm25: Bm25Baseline = field(default_factory=Bm25Baseline)
    metrics: dict[str, MetricAverage] = field(
        default_factory=lambda: {k: MetricAverage() for k in ("system", "popularity", "bm25")}
    )
    latencies: list[float] = field(default_factory=list)
    baselines: bool = True


def _text(question: Post) -> str:
    return f"{question.title}\n{question.body}"


def replay(
    posts: Sequence[Post],
    analyzer: Analyzer,
    params: RankingParams | None = None,
    weights: EvidenceWeights | None = None,
    *,
    baselines: bool = True,
) -> ReplayResult:
    """Route every evaluable question of ``posts`` (sorted by time) and score all three methods.

    ``baselines=False`` skips popularity and BM25 (their metrics stay zero),
    for quick experiments with the system alone.
    """
    state = _Replay(
        analyzer=analyzer,
        index=ExpertiseIndex(analyzer, weights, params),
        baselines=baselines,
        questions={p.id: p for p in posts if p.is_question},
        answers={p.id: p for p in posts if not p.is_question},
    )
    for post in posts:
        if post.is_question:
            _on_question(state, post)
        else:
            _on_answer(state, post)
    m = state.metrics
    return ReplayResult(
        questions=m["system"].count,
        system=m["system"].result(),
        popularity=m["popularity"].result(),
        bm25=m["bm25"].result(),
        latencies_s=state.latencies,
    )


def _right_expert(state: _Replay, question: Post) -> str | None:
    """The accepted answerer, if the question is evaluable."""
    accepted = state.answers.get(question.accepted_answer_id or "")
    target = accepted.owner if accepted else None
    if target is None or target not in state.answered or target == question.owner:
        return None
    return target


def _on_question(state: _Replay, question: Post) -> None:
    terms = state.question_terms[question.id] = state.analyzer.terms(_text(question))
    target = _right_expert(state, question)
    if target is not None:
        candidates = [p for p in state.answered if p != question.owner]
        _evaluate(state, question, terms, candidates, candidates.index(target))
    if question.owner:
        state.index.add(Evidence(question.owner, EvidenceKind.ASKED, _text(question), question.at))


def _evaluate(
    state: _Replay, question: Post, terms: list[str], candidates: list[str], target: int
) -> None:
    exclude = {question.owner} if question.owner else set()
    started = time.perf_counter()
    ranked = state.index.rank(
        _text(question), question.at, exclude=exclude, candidates=candidates, limit=len(candidates)
    )
    state.latencies.append(time.perf_counter() - started)
    by_person = {r.person_id: r.score for r in ranked}
    system = np.array([by_person.get(c, -np.inf) for c in candidates])
    state.metrics["system"].add(system, target)
    if state.baselines:
        state.metrics["popularity"].add(state.popularity.scores(candidates), target)
        state.metrics["bm25"].add(state.bm25.scores(terms, candidates), target)


def _on_answer(state: _Replay, answer: Post) -> None:
    question = state.questions.get(answer.parent_id or "")
    if question is None or answer.owner is None:
        return
    accepted = question.accepted_answer_id == answer.id
    kind = EvidenceKind.RESOLVED_ANSWER if accepted else EvidenceKind.ANSWER
    text = f"{_text(question)}\n{answer.body}"
    state.index.add(Evidence(answer.owner, kind, text, answer.at))
    q_terms = state.question_terms.get(question.id)
    if q_terms is None:
        q_terms = state.question_terms[question.id] = state.analyzer.terms(_text(question))
    state.popularity.observe_answer(answer.owner, accepted)
    if state.baselines:
        state.bm25.observe_answer(answer.owner, q_terms + state.analyzer.terms(answer.body))
    state.answered[answer.owner] = None
