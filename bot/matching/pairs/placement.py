"""Nobody is left out: pair whoever the candidate graph missed, then absorb the odd one.

Why a second matching: someone whose top-k partners were all taken by
others still deserves the best partner among the other leftovers, so the
leftovers are matched among themselves (on a complete graph when few). A last
odd person joins the pair where they add the most, making a trio.
"""

from __future__ import annotations

import numpy as np

from bot.matching.pairs.candidates import candidate_edges
from bot.matching.pairs.matching import Pair, match_pairs
from bot.matching.pairs.scoring import PairScorer

Groups = list[list[int]]


def place_everyone(
    scorer: PairScorer, pairs: list[Pair], *, top_k: int, exact_limit: int
) -> tuple[Groups, list[int]]:
    """Groups covering everybody, and the few that do-not-pair lists made impossible."""
    groups: Groups = [list(p) for p in pairs]
    groups += pair_leftovers(scorer, unmatched(scorer.size, groups), top_k, exact_limit)
    unplaced = join_best_groups(scorer, groups, unmatched(scorer.size, groups))
    return groups, unplaced


def unmatched(n: int, groups: Groups) -> np.ndarray:
    placed = np.zeros(n, dtype=bool)
    for group in groups:
        placed[group] = True
    return np.flatnonzero(~placed)


def pair_leftovers(
    scorer: PairScorer, leftovers: np.ndarray, top_k: int, exact_limit: int
) -> Groups:
    """Match the leftovers among themselves until no further pair can be formed."""
    found: Groups = []
    while len(leftovers) >= 2:
        k = len(leftovers) - 1 if len(leftovers) <= exact_limit else top_k
        pairs = match_pairs(candidate_edges(scorer, k, leftovers), exact_limit)
        if not pairs:
            break
        found += [list(p) for p in pairs]
        taken = np.array([x for p in pairs for x in p])
        leftovers = leftovers[~np.isin(leftovers, taken)]
    return found


def join_best_groups(scorer: PairScorer, groups: Groups, singles: np.ndarray) -> list[int]:
    """Each single joins the smallest group where they add most; returns who could not."""
    unplaced = []
    for single in singles.tolist():
        target = best_group(scorer.block(np.array([single]))[0], groups)
        if target is None:
            unplaced.append(single)
        else:
            groups[target].append(single)
    return unplaced


def best_group(scores: np.ndarray, groups: Groups) -> int | None:
    """Among groups the person may join, the smallest, then the one they add most to."""
    options = [
        (len(group), -gain, position)
        for position, group in enumerate(groups)
        if np.isfinite(gain := float(scores[group].sum()))
    ]
    return min(options)[2] if options else None
