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
from itertools import combinations

import numpy as np
import scipy.sparse as sp

from bot.matching.pairs.candidates import BLOCK_ROWS, Edges
from bot.matching.pairs.placement import Groups
from bot.matching.pairs.scoring import PairScorer

CHOICES_PER_PERSON = 16
MIN_CLUSTER = 2  # every cluster starts as a pair (or the one trio)
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
    """Clusters as rows of a padded member matrix, and a heap of possible merges.

    Clusters are neighbours when a candidate edge joins two of their members;
    a merge gain is the sum of scores across the two clusters, so merging
    never breaks do-not-pair (a forbidden pair makes the gain -inf).
    """

    def __init__(self, scorer: PairScorer, pairs: Groups, edges: Edges, size: int) -> None:
        self.scorer = scorer
        self.size = size
        self.members = np.full((len(pairs), size), -1, dtype=np.int64)
        for c, group in enumerate(pairs):
            self.members[c, : len(group)] = group
        self.count = np.array([len(g) for g in pairs], dtype=np.int64)
        self.alive = np.ones(len(pairs), dtype=bool)
        self.version = np.zeros(len(pairs), dtype=np.int64)
        self.owner = np.full(scorer.size, -1, dtype=np.int64)
        for c, group in enumerate(pairs):
            self.owner[group] = c
        self.adjacency = person_graph(scorer.size, edges)
        self.heap: list[tuple[float, int, int, int, int]] = []
        first, second = touching_clusters(self.owner, edges)
        self._push(first, second)

    def run(self) -> None:
        while self.heap:
            _, u, v, version_u, version_v = heapq.heappop(self.heap)
            if self.version[u] == version_u and self.version[v] == version_v:
                self._merge(u, v)

    def clusters(self) -> Groups:
        return [self.members[c, : self.count[c]].tolist() for c in np.flatnonzero(self.alive)]

    def _merge(self, u: int, v: int) -> None:
        """v joins u; u's new neighbours are offered again if u can still grow."""
        joined = self.count[u] + self.count[v]
        self.members[u, self.count[u] : joined] = self.members[v, : self.count[v]]
        self.owner[self.members[v, : self.count[v]]] = u
        self.count[u], self.count[v] = joined, 0
        self.alive[v] = False
        self.version[u] += 1
        self.version[v] += 1
        if joined + MIN_CLUSTER <= self.size:
            people = self.members[u, :joined]
            around = np.unique(self.owner[self.adjacency[people].indices])
            around = around[(around != u) & (around >= 0)]
            self._push(np.full(len(around), u), around)

    def _push(self, first: np.ndarray, second: np.ndarray) -> None:
        """Offer every fitting merge (first[k], second[k]) with a finite gain."""
        fits = self.alive[first] & self.alive[second]
        fits &= self.count[first] + self.count[second] <= self.size
        first, second = first[fits], second[fits]
        gains = cross_gains(self.scorer, self.members[first], self.members[second])
        for u, v, gain in zip(first.tolist(), second.tolist(), gains.tolist(), strict=True):
            if np.isfinite(gain):
                low, high = min(u, v), max(u, v)
                entry = (-gain, low, high, int(self.version[low]), int(self.version[high]))
                heapq.heappush(self.heap, entry)


def person_graph(n: int, edges: Edges) -> sp.csr_matrix:
    """The candidate edges as a symmetric person x person adjacency matrix."""
    ones = np.ones(2 * len(edges), dtype=np.int8)
    rows = np.concatenate([edges.left, edges.right])
    cols = np.concatenate([edges.right, edges.left])
    return sp.csr_matrix((ones, (rows, cols)), shape=(n, n))


def touching_clusters(owner: np.ndarray, edges: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Each unordered pair of clusters joined by a candidate edge, once, sorted."""
    a, b = owner[edges.left], owner[edges.right]
    keep = (a >= 0) & (b >= 0) & (a != b)
    low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    span = int(owner.max()) + 1
    keys = np.unique(low * span + high)
    return keys // span, keys % span


def cross_gains(scorer: PairScorer, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row k: the sum of scores of every member of first[k] with every member of second[k].

    Both are padded member matrices (-1 for no member).
    """
    left = np.broadcast_to(first[:, :, None], (len(first), first.shape[1], second.shape[1]))
    right = np.broadcast_to(second[:, None, :], left.shape)
    real = (left >= 0) & (right >= 0)
    scores = np.zeros(left.shape)
    scores[real] = scorer.pairs(left[real], right[real])
    return scores.sum(axis=(1, 2))


def group_scores(scorer: PairScorer, groups: Groups) -> np.ndarray:
    """Each group's score: the sum over every pair of its members."""
    inside = [(a, b, k) for k, g in enumerate(groups) for a, b in combinations(g, 2)]
    if not inside:
        return np.zeros(len(groups))
    left, right, owner = (np.array(column, dtype=np.int64) for column in zip(*inside, strict=True))
    return np.bincount(owner, weights=scorer.pairs(left, right), minlength=len(groups))


def keep_best(scorer: PairScorer, clusters: Groups, size: int) -> tuple[Groups, np.ndarray]:
    """The `n // size` fullest, best-scoring clusters; everyone else becomes a single."""
    total = sum(len(c) for c in clusters)
    count = max(1, total // size)
    inside = group_scores(scorer, clusters).tolist()
    order = sorted(range(len(clusters)), key=lambda c: (-len(clusters[c]), -inside[c], c))
    ranked = [clusters[c] for c in order]
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
    """Greedy rounds of best (single, group) choices until nobody more can join.

    At most one newcomer per group per round: gains are measured against the
    members already there, so two newcomers who must not meet (or who simply
    do not fit together) can never arrive in the same round unseen.
    """
    while len(pending):
        room = np.array([cap - len(g) for g in groups])
        if not (room > 0).any():
            break
        gains = gains_to_groups(scorer, pending, groups)
        gains[:, room <= 0] = -np.inf
        chosen = greedy_choices(gains, np.minimum(room, 1))
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
