"""Who must not be grouped again soon, and who must never be grouped.

Why sparse matrices: history is a few thousand pairs per round, tiny next to
n², and a sparse row slice lines up with the scorer's blocks of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.sparse as sp

from bot.matching.pairs.model import Mode
from bot.matching.pairs.population import Population

Round = Sequence[Collection[str]]


@dataclass(frozen=True, eq=False, slots=True)
class Constraints:
    """`penalty[i, j]` is subtracted from the pair score; `forbidden` pairs never meet."""

    penalty: sp.csr_matrix
    forbidden: sp.csr_matrix


def build_constraints(
    population: Population,
    history: Sequence[Round],
    do_not_pair: Iterable[Collection[str]],
    *,
    mode: Mode,
    window: int,
    repeat_penalty: float,
) -> Constraints:
    penalties = repeat_penalties(population, history, mode, window, repeat_penalty)
    return Constraints(
        penalty=symmetric(population.size, penalties, np.float32),
        forbidden=symmetric(population.size, forbidden_pairs(population, do_not_pair), np.bool_),
    )


def repeat_penalties(
    population: Population,
    history: Sequence[Round],
    mode: Mode,
    window: int,
    repeat_penalty: float,
) -> dict[tuple[int, int], float]:
    """Penalty per pair, the strongest for the most recent meeting.

    Inside the window (last `window` rounds) the penalty runs from 2x (last
    round) down towards 1x, so if a repeat is unavoidable the oldest one is
    chosen; random and cross-team modes also penalise any older meeting in the
    history given, at 1x.
    """
    found: dict[tuple[int, int], float] = {}
    for age, groups in enumerate(reversed(history)):
        if age < window:
            value = repeat_penalty * (2.0 - age / window)
        elif mode is not Mode.LEARNING:
            value = repeat_penalty
        else:
            continue
        for pair in pairs_in_round(population, groups):
            found[pair] = max(found.get(pair, 0.0), value)
    return found


def pairs_in_round(population: Population, groups: Round) -> Iterable[tuple[int, int]]:
    """Every pair of current participants who shared a group; leavers are ignored."""
    for group in groups:
        rows = sorted(population.index[p] for p in group if p in population.index)
        yield from combinations(rows, 2)


def forbidden_pairs(
    population: Population, do_not_pair: Iterable[Collection[str]]
) -> dict[tuple[int, int], bool]:
    found: dict[tuple[int, int], bool] = {}
    for entry in do_not_pair:
        rows = sorted({population.index[p] for p in entry if p in population.index})
        for pair in combinations(rows, 2):
            found[pair] = True
    return found


def symmetric(
    n: int, values: dict[tuple[int, int], float] | dict[tuple[int, int], bool], dtype: type
) -> sp.csr_matrix:
    """An n x n matrix holding each (i, j) value at both (i, j) and (j, i)."""
    keys = sorted(values)
    rows = np.array([i for i, _ in keys] + [j for _, j in keys], dtype=np.int64)
    cols = np.array([j for _, j in keys] + [i for i, _ in keys], dtype=np.int64)
    data: np.ndarray = np.array([values[k] for k in keys] * 2, dtype=dtype)
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n), dtype=dtype)
