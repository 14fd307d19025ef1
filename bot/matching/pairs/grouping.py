"""Groups of 3..6 built greedily from the pair solution.

Why from pairs: the matching already found who fits best one-to-one. Pairs
are merged (pairs into fours, fours and pairs into sixes) by how well their
members score with each other, never beyond the requested size; then the
best `n // size` groups are kept, and the people of the rest join the kept
groups where they add most: first to fill each group up to the size, then
one extra each as leftovers.
"""

from __future__ import annotations

import heapq
from itertools import product

import numpy as np
import scipy.sparse as sp

from bot.matching.pairs.candidates import BLOCK_ROWS, Edges
from bot.matching.pairs.placement import Groups
from bot.matching.pairs.scoring import PairScorer

CHOICES_PER_PERSON = 16
VERY_LOW = -1e12  # stands in for -inf inside sums, where -inf * 0 would give nan


def build_groups(
    scorer: PairScorer, pairs: Groups, edges: Edges, size: int
) -> tuple[Groups, list[int]]:
    """Groups of `size` (a few of `size` + 1), and anyone do-not-pair left nowhere to go."""
    clusters = merge_pairs(scorer, pairs, edges, size)
    kept, singles = keep_best(scorer, clusters, size)
    unplaced = fill_groups(scorer, kept, singles, size)
    return [sorted(group) for group in kept], unplaced


def merge_pairs(scorer: PairScorer, pairs: Groups, edges: Edges, size: int) -> Groups:
    """Greedy agglomeration: repeatedly merge the two neighbouring clusters that gain most."""
    merger = _Merger(scorer, pairs, edges, size)
    merger.run()
    return merger.clusters()


class _Merger:
    """State of the agglomeration: clusters, who touches whom, and a heap of merges."""

    def __init__(self, scorer: PairScorer, pairs: Groups, edges: Edges, size: int) -> None:
        self.scorer = scorer
        self.size = size
        self.members: dict[int, list[int]] = {c: list(g) for c, g in enumerate(pairs)}
        self.version = dict.fromkeys(self.members, 0)
        self.neighbours = neighbour_sets(scorer.size, pairs, edges)
        self.heap: list[tuple[float, int, int, int, int]] = []
        self._push_all(
            [(u, v) for u in sorted(self.neighbours) for v in sorted(self.neighbours[u]) if u < v]
        )

    def run(self) -> None:
        while self.heap:
            _, u, v, version_u, version_v = heapq.heappop(self.heap)
            if self._still_valid(u, v, version_u, version_v):
                self._merge(u, v)

    def clusters(self) -> Groups:
        return [self.members[c] for c in sorted(self.members)]

    def _still_valid(self, u: int, v: int, version_u: int, version_v: int) -> bool:
        return (
            u in self.members
            and v in self.members
            and self.version[u] == version_u
            and self.version[v] == version_v
        )

    def _merge(self, u: int, v: int) -> None:
        self.members[u] += self.members.pop(v)
        self.version[u] += 1
        touching = (self.neighbours.pop(v, set()) | self.neighbours.get(u, set())) - {u, v}
        for w in touching:
            self.neighbours[w].discard(v)
            self.neighbours[w].add(u)
        self.neighbours[u] = touching
        self._push_all([(min(u, w), max(u, w)) for w in sorted(touching)])

    def _push_all(self, candidates: list[tuple[int, int]]) -> None:
        fitting = [
            (u, v)
            for u, v in candidates
            if len(self.members[u]) + len(self.members[v]) <= self.size
        ]
        gains = cross_gains(self.scorer, [(self.members[u], self.members[v]) for u, v in fitting])
        for (u, v), gain in zip(fitting, gains.tolist(), strict=True):
            if np.isfinite(gain):
                entry = (-gain, u, v, self.version[u], self.version[v])
                heapq.heappush(self.heap, entry)


def neighbour_sets(n: int, pairs: Groups, edges: Edges) -> dict[int, set[int]]:
    """Clusters joined by at least one candidate edge between their members."""
    owner = np.full(n, -1, dtype=np.int64)
    for c, group in enumerate(pairs):
        owner[group] = c
    a, b = owner[edges.left], owner[edges.right]
    keep = (a >= 0) & (b >= 0) & (a != b)
    found: dict[int, set[int]] = {}
    for u, v in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
        found.setdefault(u, set()).add(v)
        found.setdefault(v, set()).add(u)
    return found


def cross_gains(
    scorer: PairScorer, pairs_of_groups: list[tuple[list[int], list[int]]]
) -> np.ndarray:
    """For each (A, B): the sum of scores of every a in A with every b in B."""
    left: list[int] = []
    right: list[int] = []
    owner: list[int] = []
    for k, (first, second) in enumerate(pairs_of_groups):
        for a, b in product(first, second):
            left.append(a)
            right.append(b)
            owner.append(k)
    scores = scorer.pairs(np.array(left, dtype=np.int64), np.array(right, dtype=np.int64))
    return np.bincount(
        np.array(owner, dtype=np.int64), weights=scores, minlength=len(pairs_of_groups)
    )


def internal_score(scorer: PairScorer, group: list[int]) -> float:
    """The sum of scores over every pair inside a group."""
    rows = np.array(group, dtype=np.int64)
    a, b = np.triu_indices(len(rows), k=1)
    return float(scorer.pairs(rows[a], rows[b]).sum())


def keep_best(scorer: PairScorer, clusters: Groups, size: int) -> tuple[Groups, np.ndarray]:
    """The `n // size` fullest, best-scoring clusters; everyone else becomes a single."""
    total = sum(len(c) for c in clusters)
    count = max(1, total // size)
    ranked = sorted(clusters, key=lambda c: (-len(c), -internal_score(scorer, c), min(c)))
    singles = sorted(x for c in ranked[count:] for x in c)
    return [list(c) for c in ranked[:count]], np.array(singles, dtype=np.int64)


def fill_groups(scorer: PairScorer, groups: Groups, singles: np.ndarray, size: int) -> list[int]:
    """Singles join groups: up to `size` first, then evenly as leftovers; returns the stuck."""
    total = sum(len(g) for g in groups) + len(singles)
    limit = max(size, -(-total // len(groups)))
    pending = singles
    for cap in (size, limit, total):
        pending = assign_while_possible(scorer, groups, pending, cap)
    return sorted(pending.tolist())


def assign_while_possible(
    scorer: PairScorer, groups: Groups, pending: np.ndarray, cap: int
) -> np.ndarray:
    """Greedy rounds of best (single, group) choices until nobody more can join."""
    while len(pending):
        room = np.array([cap - len(g) for g in groups])
        if not (room > 0).any():
            break
        gains = gains_to_groups(scorer, pending, groups)
        gains[:, room <= 0] = -np.inf
        chosen = greedy_choices(gains, room)
        if not chosen:
            break
        for position, group in chosen.items():
            groups[group].append(int(pending[position]))
        pending = np.delete(pending, list(chosen))
    return pending


def gains_to_groups(scorer: PairScorer, people: np.ndarray, groups: Groups) -> np.ndarray:
    """people x groups: the sum of each person's scores with the group's members."""
    rows = [m for g in groups for m in g]
    cols = [c for c, g in enumerate(groups) for _ in g]
    membership = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(scorer.size, len(groups)))
    parts = []
    for start in range(0, len(people), BLOCK_ROWS):
        scores = scorer.block(people[start : start + BLOCK_ROWS]).astype(np.float64)
        scores[~np.isfinite(scores)] = VERY_LOW
        parts.append(np.asarray((membership.T @ scores.T).T))
    gains = np.vstack(parts)
    gains[gains < VERY_LOW / 2] = -np.inf
    return gains


def greedy_choices(gains: np.ndarray, room: np.ndarray) -> dict[int, int]:
    """Best gains first, each person once, each group while it has room."""
    m = min(CHOICES_PER_PERSON, gains.shape[1])
    best = np.argpartition(-gains, m - 1, axis=1)[:, :m]
    values = np.take_along_axis(gains, best, axis=1)
    people = np.broadcast_to(np.arange(len(gains))[:, None], best.shape)
    finite = np.isfinite(values)
    order = np.lexsort((best[finite], people[finite], -values[finite]))
    room = room.copy()
    chosen: dict[int, int] = {}
    for person, group in zip(
        people[finite][order].tolist(), best[finite][order].tolist(), strict=True
    ):
        if person not in chosen and room[group] > 0:
            chosen[person] = group
            room[group] -= 1
    return chosen
