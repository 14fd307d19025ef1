"""Peer learning pairs: the public face of the pairing solver (`bot.matching.pairs`).

Use cases import from here; the subpackage holds one module per step
(population encoding, constraints, scoring, candidate graph, matching,
placement, grouping, explanation).
"""

from __future__ import annotations

from bot.matching.pairs.model import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    Group,
    Lesson,
    Mode,
    PairingOptions,
    PairingResult,
    Participant,
)
from bot.matching.pairs.solver import pair_participants, pair_score
from bot.matching.pairs.weights import ScoreWeights

__all__ = [
    "MAX_GROUP_SIZE",
    "MIN_GROUP_SIZE",
    "Group",
    "Lesson",
    "Mode",
    "PairingOptions",
    "PairingResult",
    "Participant",
    "ScoreWeights",
    "pair_participants",
    "pair_score",
]
