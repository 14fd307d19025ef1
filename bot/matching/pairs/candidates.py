"""The sparse candidate graph: each person's top-k partners by score.

Why top-k: a good partner for someone is almost always among their best few
dozen; keeping only those makes the matching graph O(n·k) instead of O(n²)
while the score matrix itself is only ever held one block of rows at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.matching.pairs.scoring import PairScorer

BLOCK_ROWS = 256


@dataclass(frozen=True, eq=False, slots=True)
class Edges:
    """Undirected weighted edges with `left < right`, sorted and unique."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.left)

    @classmethod
    def empty(cls) -> Edges:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, np.zeros(0))

    def nodes(self) -> np.ndarray:
        return np.unique(np.concatenate([self.left, self.right]))

    def among(self, people: np.ndarray) -> Edges:
        """Only the edges with both ends in `people`."""
        return self.keep(np.isin(self.left, people) & np.isin(self.right, people))

    def keep(self, mask: np.ndarray) -> Edges:
        return Edges(self.left[mask], self.right[mask], self.weight[mask])


def candidate_edges(scorer: PairScorer, top_k: int, people: np.ndarray | None = None) -> Edges:
    """Union of every person's top-k partners among `people` (everybody by default)."""
    people = np.arange(scorer.size) if people is None else np.asarray(people)
    k = min(top_k, len(people) - 1)
    if k < 1:
        return Edges.empty()
    parts = [
        best_in_block(scorer, people[start : start + BLOCK_ROWS], people, k)
        for start in range(0, len(people), BLOCK_ROWS)
    ]
    left, right, weight = (np.concatenate(columns) for columns in zip(*parts, strict=True))
    return undirected(left, right, weight, scorer.size)


def best_in_block(
    scorer: PairScorer, rows: np.ndarray, cols: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k best allowed partners of each row (fewer when the rest are forbidden)."""
    scores = scorer.block(rows, cols)
    best = np.argpartition(scores + scorer.tie_breaker(rows, cols), -k, axis=1)[:, -k:]
    values = np.take_along_axis(scores, best, axis=1)
    allowed = np.isfinite(values)
    left = np.broadcast_to(rows[:, None], best.shape)[allowed]
    return left, cols[best[allowed]], values[allowed].astype(np.float64)


def undirected(left: np.ndarray, right: np.ndarray, weight: np.ndarray, n: int) -> Edges:
    """Merge i→j and j→i into one edge, sorted by (low, high) end."""
    low = np.minimum(left, right).astype(np.int64)
    high = np.maximum(left, right).astype(np.int64)
    keys, first = np.unique(low * n + high, return_index=True)
    return Edges(keys // n, keys % n, weight[first])
