"""One pairing round, end to end: encode, score, match, place everyone, group, explain.

Why one orchestrating function: each step lives in its own module with one
job; this is the only place that knows their order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np

from bot.matching.pairs.candidates import candidate_edges
from bot.matching.pairs.constraints import Round, build_constraints
from bot.matching.pairs.explain import describe
from bot.matching.pairs.grouping import build_groups, group_scores
from bot.matching.pairs.matching import match_pairs
from bot.matching.pairs.model import PairingOptions, PairingResult, Participant
from bot.matching.pairs.placement import Groups, place_everyone
from bot.matching.pairs.population import encode
from bot.matching.pairs.scoring import PairScorer


def pair_participants(
    participants: Sequence[Participant],
    *,
    now: datetime,
    history: Sequence[Round] = (),
    do_not_pair: Iterable[Collection[str]] = (),
    options: PairingOptions | None = None,
    names: Mapping[str, str] | None = None,
) -> PairingResult:
    """Groups for one round. Same inputs and seed, same result, whatever the input order.

    `history` lists past rounds oldest first, each a collection of groups of
    person ids; `do_not_pair` holds pairs (or larger sets) never to group.
    """
    options = options or PairingOptions()
    if len(participants) < 2:
        return PairingResult((), tuple(sorted(p.person_id for p in participants)))
    scorer = build_scorer(participants, now, history, do_not_pair, options)
    groups, unplaced = solve(scorer, options)
    return explain(scorer, participants, groups, unplaced, names or {})


def pair_score(
    a: Participant,
    b: Participant,
    *,
    now: datetime,
    history: Sequence[Round] = (),
    do_not_pair: Iterable[Collection[str]] = (),
    options: PairingOptions | None = None,
) -> float:
    """The score the solver gives `a` and `b` together; -inf when they must never meet.

    For previews ("why not Ana and Bo?") and tests; a round never calls this.
    """
    scorer = build_scorer([a, b], now, history, do_not_pair, options or PairingOptions())
    return float(scorer.pairs(np.array([0]), np.array([1]))[0])


def build_scorer(
    participants: Sequence[Participant],
    now: datetime,
    history: Sequence[Round],
    do_not_pair: Iterable[Collection[str]],
    options: PairingOptions,
) -> PairScorer:
    """The scorer for this round's people, history and rules."""
    population = encode(participants, now)
    constraints = build_constraints(
        population,
        history,
        do_not_pair,
        mode=options.mode,
        window=options.repeat_window_rounds,
        repeat_penalty=options.weights.repeat_penalty,
    )
    return PairScorer(
        population, constraints, mode=options.mode, weights=options.weights, seed=options.seed
    )


def solve(scorer: PairScorer, options: PairingOptions) -> tuple[Groups, list[int]]:
    """Groups as row numbers: the pair matching, everyone placed, then grown to size.

    The matching never uses a repeat; `place_everyone` allows one only when
    nothing else places somebody.
    """
    edges = candidate_edges(scorer, options.top_k)
    pairs = match_pairs(edges.keep(~scorer.repeated(edges.left, edges.right)), options.exact_limit)
    groups, unplaced = place_everyone(
        scorer, pairs, top_k=options.top_k, exact_limit=options.exact_limit
    )
    if options.group_size > 2 and groups:
        groups, stuck = build_groups(scorer, groups, edges, options.group_size)
        unplaced += stuck
    return sorted(sorted(g) for g in groups), sorted(unplaced)


def explain(
    scorer: PairScorer,
    participants: Sequence[Participant],
    groups: Groups,
    unplaced: list[int],
    names: Mapping[str, str],
) -> PairingResult:
    """Row numbers back to person ids, with each group's score and reasons."""
    ids = scorer.population.ids
    people = {p.person_id: p for p in participants}
    scores = group_scores(scorer, groups)
    described = [
        describe([ids[m] for m in group], round(float(score), 4), people, names)
        for group, score in zip(groups, scores.tolist(), strict=True)
    ]
    described.sort(key=lambda g: g.members)
    return PairingResult(tuple(described), tuple(sorted(ids[m] for m in unplaced)))
