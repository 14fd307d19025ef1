"""Evidence documents as rows of a sparse term matrix that only ever grows.

Why rows per piece of evidence (not one row per person): a person who
answered many questions is best matched by their few answers that resemble
the new question, not by the blur of everything they ever wrote. Rows are
L2-normalised log term counts, which depend on the row alone, so adding
evidence never rewrites older rows; document frequencies are read at query
time. New rows wait in a small append buffer and are merged into the
column-sliced (CSC) matrix lazily, when the buffer grows large.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

from bot.matching.arrays import Growable

_MIN_PENDING = 50_000
_MIN_BATCH = 32  # documents; fewer are added one by one (see ``add_many``)


class _Vocabulary(dict[str, int]):
    """Term -> column number; looking up a new term gives it the next column.

    Why ``__missing__``: ``map(vocabulary.__getitem__, terms)`` numbers a
    document's terms in C, a large share of the cost of building the index.
    """

    def __missing__(self, term: str) -> int:
        column = self[term] = len(self)
        return column


class DocumentMatrix:
    """Rows = documents (owner slot, signed weight, kind code); columns = terms."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = _Vocabulary()
        self._base = sp.csc_matrix((0, 0), dtype=np.float32)
        self._base_df = np.zeros(0, dtype=np.int64)
        self._pending = (array("i"), array("i"), array("f"))  # rows, cols, values
        self.owner = Growable("int32", -1)
        self.weight = Growable("float64")
        self.kind = Growable("int8")
        self._dropped = 0

    @property
    def n_rows(self) -> int:
        return self.owner.size

    @property
    def n_live_rows(self) -> int:
        """Documents not dropped: the collection size for idf."""
        return self.n_rows - self._dropped

    @property
    def nnz(self) -> int:
        return int(self._base.nnz) + len(self._pending[0])

    def add(self, terms: Sequence[str], owner: int, weight: float, kind: int) -> int:
        """Append one document; returns its row number."""
        row = self.n_rows
        counts = Counter(terms)
        if counts:
            logs = list(map(math.log1p, counts.values()))
            norm = math.hypot(*logs)
            rows, cols, vals = self._pending
            rows.extend([row] * len(counts))
            cols.extend(map(self.vocabulary.__getitem__, counts))
            vals.extend([x / norm for x in logs])
        self.owner.append(owner)
        self.weight.append(weight)
        self.kind.append(kind)
        return row

    def add_many(
        self,
        documents: Sequence[Sequence[str]],
        owners: Sequence[int],
        weights: Sequence[float],
        kinds: Sequence[int],
    ) -> range:
        """Append documents (terms of each, with owner slot, weight, kind code); their rows.

        Why in batches: numbering terms and normalising counts with a few
        numpy calls per batch, not Python per document, is most of what makes
        rebuilding the index at start-up fast. A handful of documents go
        through ``add`` (numpy's fixed cost per call would dominate); the rows
        are the same either way (up to float rounding).
        """
        first = self.n_rows
        if len(documents) < _MIN_BATCH:
            for args in zip(documents, owners, weights, kinds, strict=True):
                self.add(*args)
            return range(first, self.n_rows)
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        terms = chain.from_iterable(documents)
        cols = np.fromiter(map(self.vocabulary.__getitem__, terms), np.int64, int(lengths.sum()))
        rows = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        rows, cols, vals = _normalised_counts(rows, cols, len(self.vocabulary))
        p_rows, p_cols, p_vals = self._pending
        p_rows.frombytes((rows + first).astype(np.int32).tobytes())
        p_cols.frombytes(cols.astype(np.int32).tobytes())
        p_vals.frombytes(vals.astype(np.float32).tobytes())
        self.owner.extend(owners)
        self.weight.extend(weights)
        self.kind.extend(kinds)
        return range(first, self.n_rows)

    def document_frequency(self, cols: np.ndarray) -> np.ndarray:
        """In how many documents each of ``cols`` occurs (buffered ones included)."""
        df = np.zeros(len(cols), dtype=np.int64)
        inside = cols < len(self._base_df)
        df[inside] = self._base_df[cols[inside]]
        if self._pending[0]:
            p_cols = np.frombuffer(self._pending[1], dtype=np.int32)
            hits = p_cols[np.isin(p_cols, cols)]
            df += np.bincount(np.searchsorted(cols, hits), minlength=len(cols))
        return df

    def similarities(
        self, cols: np.ndarray, weights: np.ndarray, common: np.ndarray, enough: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing a term with the query, and their weighted sums over ``cols``.

        ``cols`` must be sorted. Terms flagged ``common`` (in a large share of
        all documents) would touch most rows for little weight, so rows are
        first found through the other terms; common terms then only add to
        those rows, by binary search. If that finds fewer than ``enough``
        rows, every row is scored exactly.
        """
        self.compact_if_needed()
        if common.any() and not common.all():
            rows, sims = self._accumulate(cols[~common], weights[~common])
            if len(rows) >= enough:
                return rows, sims + self._lookup(cols[common], weights[common], rows)
        return self._accumulate(cols, weights)

    def _accumulate(self, cols: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a non-zero weighted sum over ``cols``, and those sums."""
        sums = self._dense_sums(cols, weights)
        touched = np.flatnonzero(sums)
        return touched, sums[touched]

    def _lookup(self, cols: np.ndarray, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Weighted sums over ``cols`` for the given ``rows`` only.

        Scattering whole columns into one dense array costs a pass over each
        column; that is cheaper than a binary search per row and column, as
        the rows found through the rarer terms are many.
        """
        return self._dense_sums(cols, weights)[rows]

    def _dense_sums(self, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Every row's weighted sum over ``cols`` (sorted), as one array of all rows."""
        parts_rows, parts_vals = [], []
        indptr, indices, data = self._base.indptr, self._base.indices, self._base.data
        for col, w in zip(cols.tolist(), weights.tolist(), strict=True):
            if col < self._base.shape[1]:
                lo, hi = indptr[col], indptr[col + 1]
                parts_rows.append(indices[lo:hi])
                parts_vals.append(data[lo:hi] * w)
        for p_rows, p_vals in self._pending_entries(cols, weights):
            parts_rows.append(p_rows)
            parts_vals.append(p_vals)
        if not parts_rows:
            return np.zeros(self.n_rows)
        rows = np.concatenate(parts_rows)
        return np.bincount(rows, weights=np.concatenate(parts_vals), minlength=self.n_rows)

    def _pending_entries(
        self, cols: np.ndarray, weights: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Buffered (rows, weighted values) of ``cols`` (sorted), as one part or none."""
        if not self._pending[0]:
            return []
        p_rows, p_cols, p_vals = (np.frombuffer(a, dtype=a.typecode) for a in self._pending)
        hit = np.isin(p_cols, cols)
        col_weight = weights.astype(np.float32)[np.searchsorted(cols, p_cols[hit])]
        return [(p_rows[hit].astype(np.int64), p_vals[hit] * col_weight)]

    def compact_if_needed(self) -> None:
        if len(self._pending[0]) > max(_MIN_PENDING, self._base.nnz // 8):
            self.compact()

    def compact(self) -> None:
        """Merge the append buffer into the column-sliced matrix.

        The buffer becomes a column-sliced matrix of its own (scipy's counting
        sort keeps each column's rows in order). Buffered rows are all newer
        than the matrix's, so each column's new entries go at its end, in one
        pass (``np.insert``): no sort of the whole matrix, and memory for one
        new copy of it, so merging a few new facts into a large index is quick.
        """
        if not self._pending[0]:
            return
        p_rows, p_cols, p_vals = (np.frombuffer(a, dtype=a.typecode) for a in self._pending)
        n_cols = len(self.vocabulary)
        shape = (self.n_rows, n_cols)
        new = sp.coo_matrix((p_vals, (p_rows, p_cols)), shape=shape).tocsc()
        old = self._base
        if old.nnz:
            old_indptr = np.full(n_cols + 1, old.nnz, dtype=np.int64)
            old_indptr[: len(old.indptr)] = old.indptr
            ends = np.repeat(old_indptr[1:], np.diff(new.indptr))
            indices = np.insert(old.indices, ends, new.indices)
            data = np.insert(old.data, ends, new.data)
            new = sp.csc_matrix((data, indices, old_indptr + new.indptr), shape=shape)
        new.has_sorted_indices = True
        self._base = new
        self._base_df = np.diff(new.indptr).astype(np.int64)
        self._pending = (array("i"), array("i"), array("f"))

    def drop_rows(self, rows: np.ndarray) -> None:
        """Forget documents entirely (their row numbers stay, empty)."""
        if len(rows) == 0:
            return
        self.compact()
        dead = np.zeros(self.n_rows, dtype=bool)
        dead[rows] = True
        self._base.data[dead[self._base.indices]] = 0.0
        self._base.eliminate_zeros()
        self._base_df = np.diff(self._base.indptr).astype(np.int64)
        self._dropped += int(np.count_nonzero(self.owner.view[rows] >= 0))
        self.owner.view[rows] = -1
        self.weight.view[rows] = 0.0


def _normalised_counts(
    rows: np.ndarray, cols: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (row, col) pair once, valued log(1 + count), each row scaled to unit length."""
    pairs, counts = np.unique(rows * max(n_cols, 1) + cols, return_counts=True)
    rows, cols = np.divmod(pairs, max(n_cols, 1))
    logs = np.log1p(counts)
    norms = np.sqrt(np.bincount(rows, weights=logs * logs))
    return rows, cols, logs / norms[rows]
