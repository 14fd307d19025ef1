"""The document matrix: a batch of documents gives the rows that adding them one by one gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bot.matching.documents import DocumentMatrix

WORDS = [
    "kubernetes",
    "helm",
    "terraform",
    "postgres",
    "espresso",
    "grinder",
    "visa",
    "budget",
    "pods",
    "drift",
]


def documents(count: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(WORDS) for _ in range(rng.randint(0, 12))] for _ in range(count)]


def similarities(matrix: DocumentMatrix, query: list[str]) -> dict[int, float]:
    cols = np.array(sorted({matrix.vocabulary[t] for t in query}), dtype=np.int64)
    rows, sims = matrix.similarities(cols, np.ones(len(cols)), np.zeros(len(cols), bool), 1)
    return dict(zip(rows.tolist(), sims.tolist(), strict=True))


@pytest.mark.parametrize("compact", [False, True])
def test_a_batch_gives_the_same_rows_as_one_by_one(compact: bool) -> None:
    docs = documents(500)
    one_by_one, batched = DocumentMatrix(), DocumentMatrix()
    for i, doc in enumerate(docs):
        one_by_one.add(doc, i % 7, float(i), i % 3)
    rows = batched.add_many(
        docs,
        [i % 7 for i in range(500)],
        [float(i) for i in range(500)],
        [i % 3 for i in range(500)],
    )
    assert rows == range(500)
    if compact:
        one_by_one.compact()
        batched.compact()
    assert batched.nnz == one_by_one.nnz
    assert batched.owner.view.tolist() == one_by_one.owner.view.tolist()
    assert batched.kind.view.tolist() == one_by_one.kind.view.tolist()
    for query in (["kubernetes"], ["helm", "drift", "visa"], WORDS):
        want = similarities(one_by_one, query)
        assert similarities(batched, query) == pytest.approx(want, rel=1e-6)


def test_batches_continue_after_existing_rows_and_empty_documents() -> None:
    matrix = DocumentMatrix()
    matrix.add(["helm"], 0, 1.0, 0)
    rows = matrix.add_many([[], *documents(40)], [1] * 41, [1.0] * 41, [0] * 41)
    assert rows == range(1, 42)
    assert 1 not in similarities(matrix, WORDS)  # the empty document matches nothing
    assert matrix.n_rows == 42


def test_merging_new_rows_into_a_compacted_matrix_keeps_every_column_in_row_order() -> None:
    docs = documents(900, seed=5)
    at_once, in_steps = DocumentMatrix(), DocumentMatrix()
    for i, doc in enumerate(docs):
        at_once.add(doc, i, 1.0, 0)
        in_steps.add(doc, i, 1.0, 0)
        if i in (10, 300, 301, 700):
            in_steps.compact()
    at_once.compact()
    in_steps.compact()
    left, right = at_once._base, in_steps._base
    assert (left.indptr == right.indptr).all()
    assert (left.indices == right.indices).all()
    assert (left.data == right.data).all()
