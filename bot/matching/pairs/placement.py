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
    """Groups covering everybody, and the few that do-not-pair lists made impossible.

    Repeats are a last resort: leftovers first pair among themselves and join
    existing groups without meeting anyone again; only whoever is still
    left may repeat a recent partner.
    """
    groups: Groups = [list(p) for p in pairs]
    for allow_repeats in (False, True):
        leftovers = unmatched(scorer.size, groups)
        groups += pair_leftovers(scorer, leftovers, top_k, exact_limit, allow_repeats)
        unplaced = join_best_groups(scorer, groups, unmatched(scorer.size, groups), allow_repeats)
    return groups, unplaced


def unmatched(n: int, groups: Groups) -> np.ndarray:
    placed = np.zeros(n, dtype=bool)
    for group in groups:
        placed[group] = True
    return np.flatnonzero(~placed)


def pair_leftovers(
    scorer: PairScorer, leftovers: np.ndarray, top_k: int, exact_limit: int, allow_repeats: bool
) -> Groups:
    """Match the leftovers among themselves until no further pair can be formed."""
    found: Groups = []
    while len(leftovers) >= 2:
        k = len(leftovers) - 1 if len(leftovers) <= exact_limit else top_k
        edges = candidate_edges(scorer, k, leftovers)
        if not allow_repeats:
            edges = edges.keep(~scorer.repeated(edges.left, edges.right))
        pairs = match_pairs(edges, exact_limit)
        if not pairs:
            break
        found += [list(p) for p in pairs]
        taken = np.array([x for p in pairs for x in p])
        leftovers = leftovers[~np.isin(leftovers, taken)]
    return found


def join_best_groups(
    scorer: PairScorer, groups: Groups, singles: np.ndarray, allow_repeats: bool
) -> list[int]:
    """Each single joins the smallest group where they add most; returns who could not."""
    unplaced = []
    for single in singles.tolist():
        row = np.array([single])
        met = scorer.repeated(row, np.arange(scorer.size)) if not allow_repeats else None
        target = best_group(scorer.block(row)[0], groups, met)
        if target is None:
            unplaced.append(single)
        else:
            groups[target].append(single)
    return unplaced


def best_group(scores: np.ndarray, groups: Groups, met: np.ndarray | None) -> int | None:
    """Among groups the person may join, the smallest, then the one they add most to.

    `met` marks people this person must not meet again now (None: anyone).
    """
    options = [
        (len(group), -gain, position)
        for position, group in enumerate(groups)
        if np.isfinite(gain := float(scores[group].sum())) and (met is None or not met[group].any())
    ]
    return min(options)[2] if options else None
