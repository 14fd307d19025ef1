"""The two baselines of the routing benchmark: popularity and rank-bm25.

Why these: popularity (most accepted answers) is what a team lead would
guess without reading the question; BM25 over each person's past answers
is the textbook text-only method. The system must beat both on the very same
replay and candidate sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from rank_bm25 import BM25Okapi


class PopularityBaseline:
    """Most accepted answers so far; ties broken by most answers."""

    def __init__(self) -> None:
        self._accepted: Counter[str] = Counter()
        self._answers: Counter[str] = Counter()

    def observe_answer(self, person: str, accepted: bool) -> None:
        self._answers[person] += 1
        if accepted:
            self._accepted[person] += 1

    def scores(self, candidates: Sequence[str]) -> np.ndarray:
        accepted = np.array([self._accepted[c] for c in candidates], dtype=np.float64)
        answers = np.array([self._answers[c] for c in candidates], dtype=np.float64)
        return accepted * (answers.max(initial=0.0) + 1.0) + answers


class _PreparedBM25(BM25Okapi):
    """BM25Okapi over documents whose term counts are already known.

    Identical to ``BM25Okapi(corpus)`` (same attributes, same ``_calc_idf``
    and ``get_scores``), minus re-counting every token of every document for
    each question: the replay keeps counts as answers arrive.
    """

    def __init__(
        self, doc_freqs: Sequence[Mapping[str, int]], doc_len: list[int], nd: dict[str, int]
    ):
        self.k1, self.b, self.epsilon = 1.5, 0.75, 0.25
        self.corpus_size = len(doc_len)
        self.doc_len = doc_len
        self.doc_freqs = doc_freqs
        self.avgdl = sum(doc_len) / max(self.corpus_size, 1)
        self.idf: dict[str, float] = {}
        self.tokenizer = None
        self._calc_idf(nd)


class Bm25Baseline:
    """rank-bm25 ``BM25Okapi`` over each candidate's past answers plus the questions answered.

    The corpus is exactly the candidate set of each question and sees every
    earlier answer (no periodic rebuilds).
    """

    def __init__(self) -> None:
        self._docs: dict[str, Counter[str]] = {}
        self._lengths: Counter[str] = Counter()
        self._nd: Counter[str] = Counter()

    def observe_answer(self, person: str, terms: Sequence[str]) -> None:
        doc = self._docs.setdefault(person, Counter())
        for term in set(terms) - doc.keys():
            self._nd[term] += 1
        doc.update(terms)
        self._lengths[person] += len(terms)

    def scores(self, query: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
        """BM25Okapi scores of ``candidates`` (a corpus of their documents) for ``query``."""
        nd = dict(self._nd)
        for person in self._docs.keys() - set(candidates):
            for term in self._docs[person]:
                nd[term] -= 1
                if nd[term] == 0:
                    del nd[term]
        if not nd:
            return np.zeros(len(candidates))
        empty: Counter[str] = Counter()
        docs = [self._docs.get(c, empty) for c in candidates]
        model = _PreparedBM25(docs, [self._lengths[c] for c in candidates], nd)
        return np.asarray(model.get_scores(list(query)), dtype=np.float64)
