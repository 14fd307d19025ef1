"""The pair score, computed for whole blocks of people at once.

Why blocks: one block of rows against everybody is a few sparse-times-sparse
products over topic-incidence matrices (K·Wᵀ is "what row i knows that j
wants") and elementwise numpy, so 10,000 people cost seconds and bounded
memory instead of 50 million Python calls.

score = teaching (capped topics each way + a bonus when both ways)
      + shared interests (small) + context (different teams, shared hours)
      - repeat penalty;  random mode: seeded noise - repeat penalty.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from bot.matching.pairs.constraints import Constraints
from bot.matching.pairs.model import Mode
from bot.matching.pairs.population import HOURS_PER_DAY, Population
from bot.matching.pairs.weights import ScoreWeights

FORBIDDEN = -np.inf
TIE_BREAK = 1e-3
MIX_1 = np.uint64(0x9E3779B97F4A7C15)
MIX_2 = np.uint64(0xBF58476D1CE4E5B9)
MIX_3 = np.uint64(0x94D049BB133111EB)


class PairScorer:
    """Scores between participants; the same value whichever way round a pair is asked."""

    def __init__(
        self,
        population: Population,
        constraints: Constraints,
        *,
        mode: Mode,
        weights: ScoreWeights,
        seed: int,
    ) -> None:
        self.population = population
        self.constraints = constraints
        self.mode = mode
        self.weights = weights
        self.seed = np.uint64((seed * 0x94D049BB133111EB + 0x2545F4914F6CDD1D) % 2**64)
        self._knows_t = population.knows.T.tocsr()
        self._wants_t = population.wants.T.tocsr()
        self._interests_t = population.interests.T.tocsr()
        self._context = ContextScores(population, weights, mode)
        self._spread = (population.key >> np.uint64(40)).astype(np.float32) / np.float32(2**24)

    @property
    def size(self) -> int:
        return self.population.size

    def block(self, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Dense float32 scores of `rows` x `cols` (everybody by default); -inf if forbidden."""
        cols = np.arange(self.size) if cols is None else cols
        if self.mode is Mode.RANDOM:
            scores = self._noise(rows[:, None], cols[None, :])
        else:
            scores = self._profile_block(rows, cols)
        subtract_sparse(scores, self.constraints.penalty[rows][:, cols])
        set_sparse(scores, self.constraints.forbidden[rows][:, cols], FORBIDDEN)
        forbid_self(scores, rows, cols)
        return scores

    def pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """float64 scores of the pairs (left[k], right[k]); -inf if forbidden or the same."""
        if len(left) == 0:
            return np.zeros(0)
        if self.mode is Mode.RANDOM:
            scores = self._noise(left, right).astype(np.float64)
        else:
            scores = self._profile_pairs(left, right).astype(np.float64)
        scores -= np.asarray(self.constraints.penalty[left, right]).ravel()
        blocked = np.asarray(self.constraints.forbidden[left, right]).ravel().astype(bool)
        scores[blocked | (left == right)] = FORBIDDEN
        return scores

    def repeated(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether each pair carries a repeat penalty (met recently, or ever in some modes).

        `left` and `right` are matched element-wise, or `left` is one row
        broadcast against every `right`.
        """
        if len(left) == 0 or len(right) == 0:
            return np.zeros(0, dtype=bool)
        if len(left) == 1 and len(right) != 1:
            row = self.constraints.penalty[int(left[0])].toarray().ravel()
            return np.asarray(row[right] > 0)
        return np.asarray(self.constraints.penalty[left, right]).ravel() > 0

    def tie_breaker(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """A tiny symmetric pseudo-random value per pair, below any real score difference.

        Why: many pairs tie exactly; without this, every person's top-k would
        favour the same few people among equals (and selection with many ties
        is also several times slower).
        """
        mixed = self._spread[rows][:, None] + self._spread[cols][None, :]
        mixed -= np.floor(mixed)
        mixed *= np.float32(TIE_BREAK)
        return mixed

    def _profile_block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        p = self.population
        score = self._teaching(
            dense(p.knows[rows] @ self._wants_t[:, cols]),
            dense(p.wants[rows] @ self._knows_t[:, cols]),
        )
        score += self._interests(dense(p.interests[rows] @ self._interests_t[:, cols]))
        score += self._context.score(rows[:, None], cols[None, :])
        return score

    def _profile_pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        p = self.population
        score = self._teaching(
            row_dots(p.knows, p.wants, left, right), row_dots(p.wants, p.knows, left, right)
        )
        score += self._interests(row_dots(p.interests, p.interests, left, right))
        score += self._context.score(left, right)
        return score

    def _teaching(self, out: np.ndarray, back: np.ndarray) -> np.ndarray:
        """Capped topics each way, plus a bonus when both ways are non-zero.

        Works in place on the two count arrays (they are throwaway products).
        """
        w = self.weights
        np.minimum(out, w.teach_cap, out=out)
        np.minimum(back, w.teach_cap, out=back)
        score = out + back
        score *= np.float32(w.teach_per_topic)
        np.minimum(out, 1, out=out)
        np.minimum(back, 1, out=back)
        out *= back
        out *= np.float32(w.mutual_bonus)
        score += out
        return score

    def _interests(self, shared: np.ndarray) -> np.ndarray:
        w = self.weights
        np.minimum(shared, w.interest_cap, out=shared)
        shared *= np.float32(w.interest_per_topic)
        return shared

    def _noise(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        noise = pair_noise(self.population.key[a], self.population.key[b], self.seed)
        return (self.weights.random_scale * noise).astype(np.float32)


class ContextScores:
    """Team mixing and shared working hours, looked up per pair of distinct profiles.

    Why a table: an organisation has a few hundred distinct (team, timezone,
    hours) combinations, so scoring each pair of those once and gathering is
    far cheaper than interval arithmetic on every pair of people. With very
    many distinct combinations the arithmetic is done directly instead.
    """

    MAX_TABLE = 2048

    def __init__(self, population: Population, weights: ScoreWeights, mode: Mode) -> None:
        self.weights = weights
        self.team_weight = (
            weights.cross_team_mode if mode is Mode.CROSS_TEAM else weights.cross_team_learning
        )
        self.team = population.team
        self.start = population.window_start
        self.end = population.window_end
        profiles = np.stack([self.team.astype(np.float64), self.start, self.end], axis=1)
        distinct, kind = np.unique(profiles, axis=0, return_inverse=True)
        self.kind = kind.ravel()
        self.table: np.ndarray | None = None
        if len(distinct) <= self.MAX_TABLE:
            team, s, e = distinct[:, 0].astype(np.int32), distinct[:, 1], distinct[:, 2]
            self.table = self.formula(
                (team[:, None], s[:, None], e[:, None]), (team[None, :], s[None, :], e[None, :])
            )

    def score(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self.table is not None:
            return self.table[self.kind[a], self.kind[b]]
        return self.formula(
            (self.team[a], self.start[a], self.end[a]), (self.team[b], self.start[b], self.end[b])
        )

    def formula(
        self,
        first: tuple[np.ndarray, np.ndarray, np.ndarray],
        second: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> np.ndarray:
        """Teams: a bonus when both are known and differ. Hours: reward overlap up to a
        point, penalise having almost none."""
        w = self.weights
        team_a, start_a, end_a = first
        team_b, start_b, end_b = second
        different = (team_a != team_b) & (team_a >= 0) & (team_b >= 0)
        shared = overlap_hours(start_a, end_a, start_b, end_b)
        reward = w.overlap_weight * np.minimum(shared, w.overlap_good_hours) / w.overlap_good_hours
        shortfall = np.maximum(w.overlap_min_hours - shared, 0.0) / w.overlap_min_hours
        hours = reward - w.no_overlap_penalty * shortfall
        return (self.team_weight * different + hours).astype(np.float32)


def dense(matrix: sp.spmatrix | sp.sparray) -> np.ndarray:
    """A sparse product as a dense float32 array (the scorer's working type)."""
    return np.asarray(matrix.toarray(), dtype=np.float32)


def subtract_sparse(scores: np.ndarray, values: sp.spmatrix | sp.sparray) -> None:
    """scores -= values, touching only the stored entries (penalties are rare)."""
    entries = sp.coo_matrix(values)
    scores[entries.row, entries.col] -= entries.data


def set_sparse(scores: np.ndarray, where: sp.spmatrix | sp.sparray, value: float) -> None:
    entries = sp.coo_matrix(where)
    scores[entries.row[entries.data != 0], entries.col[entries.data != 0]] = value


def forbid_self(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Nobody is paired with themselves: -inf wherever a row's person is also a column."""
    order = np.argsort(cols, kind="stable")
    position = np.searchsorted(cols[order], rows).clip(max=len(cols) - 1)
    hit = cols[order][position] == rows
    scores[np.flatnonzero(hit), order[position[hit]]] = FORBIDDEN


def row_dots(x: sp.csr_matrix, y: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair k: the dot product of row left[k] of x with row right[k] of y."""
    product = x[left].multiply(y[right])
    return np.asarray(product.sum(axis=1), dtype=np.float32).ravel()


def overlap_hours(
    start_a: np.ndarray, end_a: np.ndarray, start_b: np.ndarray, end_b: np.ndarray
) -> np.ndarray:
    """Hours two daily windows share, on a 24-hour clock (windows may wrap midnight)."""
    best = np.zeros(np.broadcast_shapes(np.shape(start_a), np.shape(start_b)))
    for shift in (-HOURS_PER_DAY, 0.0, HOURS_PER_DAY):
        shared = np.minimum(end_a, end_b + shift) - np.maximum(start_a, start_b + shift)
        best = np.maximum(best, shared)
    return best


def pair_noise(key_a: np.ndarray, key_b: np.ndarray, seed: np.uint64) -> np.ndarray:
    """A seeded uniform [0, 1) value per unordered pair, stable across processes.

    Keyed on person-id hashes (not row numbers), so adding someone to the
    programme does not reshuffle everybody else's random draws.
    """
    low = np.atleast_1d(np.minimum(key_a, key_b))
    high = np.atleast_1d(np.maximum(key_a, key_b))
    x = (low * MIX_1) ^ ((high ^ seed) * MIX_2)
    x = (x ^ (x >> np.uint64(30))) * MIX_2
    x = (x ^ (x >> np.uint64(27))) * MIX_3
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(2**53)
