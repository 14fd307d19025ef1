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

from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from bot.matching.arrays import Growable

_MIN_PENDING = 50_000


class DocumentMatrix:
    """Rows = documents (owner slot, signed weight, kind code); columns = terms."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self._base = sp.csc_matrix((0, 0))
        self._base_df = np.zeros(0, dtype=np.int64)
        self._pending = (array("i"), array("i"), array("d"))
        self._pending_df: Counter[int] = Counter()
        self.owner = Growable(np.int32, -1)
        self.weight = Growable(np.float64)
        self.kind = Growable(np.int8)
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
        counts = Counter(self.vocabulary.setdefault(t, len(self.vocabulary)) for t in terms)
        if counts:
            logs = np.log1p(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            logs /= np.sqrt(np.dot(logs, logs))
            rows, cols, vals = self._pending
            rows.extend([row] * len(counts))
            cols.extend(counts.keys())
            vals.extend(logs.tolist())
            self._pending_df.update(counts.keys())
        self.owner.append(owner)
        self.weight.append(weight)
        self.kind.append(kind)
        return row

    def document_frequency(self, cols: np.ndarray) -> np.ndarray:
        base = np.zeros(len(cols), dtype=np.int64)
        inside = cols < len(self._base_df)
        base[inside] = self._base_df[cols[inside]]
        pending = np.array([self._pending_df.get(int(c), 0) for c in cols], dtype=np.int64)
        return base + pending

    def postings(self, cols: np.ndarray, col_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding any of ``cols`` and each row's weighted sum over them."""
        self.compact_if_needed()
        parts_rows, parts_vals = [], []
        indptr, indices, data = self._base.indptr, self._base.indices, self._base.data
        n_base_cols = self._base.shape[1]
        for col, w in zip(cols.tolist(), col_weights.tolist(), strict=True):
            if col < n_base_cols:
                lo, hi = indptr[col], indptr[col + 1]
                parts_rows.append(indices[lo:hi])
                parts_vals.append(data[lo:hi] * w)
        if self._pending[0]:
            p_rows, p_cols, p_vals = (np.frombuffer(a, dtype=a.typecode) for a in self._pending)
            hit = np.isin(p_cols, cols)
            lookup = dict(zip(cols.tolist(), col_weights.tolist(), strict=True))
            weights = np.array([lookup[c] for c in p_cols[hit].tolist()])
            parts_rows.append(p_rows[hit])
            parts_vals.append(p_vals[hit] * weights)
        if not parts_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = np.concatenate(parts_rows)
        sums = np.bincount(rows, weights=np.concatenate(parts_vals), minlength=self.n_rows)
        touched = np.flatnonzero(sums)
        return touched, sums[touched]

    def compact_if_needed(self) -> None:
        if len(self._pending[0]) > max(_MIN_PENDING, self._base.nnz // 8):
            self.compact()

    def compact(self) -> None:
        """Merge the append buffer into the column-sliced matrix."""
        if not self._pending[0]:
            return
        rows, cols, vals = (np.frombuffer(a, dtype=a.typecode) for a in self._pending)
        shape = (self.n_rows, len(self.vocabulary))
        fresh = sp.csc_matrix((vals, (rows, cols)), shape=shape)
        base = self._base.copy()
        base.resize(shape)
        self._base = (base + fresh).tocsc()
        self._base.sort_indices()
        self._base_df = np.diff(self._base.indptr).astype(np.int64)
        self._pending = (array("i"), array("i"), array("d"))
        self._pending_df = Counter()

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
