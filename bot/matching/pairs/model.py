"""Plain inputs and outputs of the pairing solver.

Why plain frozen dataclasses: the solver is pure, so use cases build these from
whatever storage holds and tests build them by hand; nothing here knows about
databases or chat platforms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from typing import NamedTuple

from bot.matching.pairs.weights import ScoreWeights

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 6


class Mode(StrEnum):
    """What a programme optimises for; `learning` is the default."""

    LEARNING = "learning"
    CROSS_TEAM = "cross-team"
    RANDOM = "random"


@dataclass(frozen=True, slots=True)
class Participant:
    """One person taking part in a round, with their profile and working day."""

    person_id: str
    team: str | None
    timezone: str
    knows: frozenset[str]
    wants: frozenset[str]
    interests: frozenset[str] = frozenset()
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)


@dataclass(frozen=True, slots=True)
class PairingOptions:
    """How one round is solved. Every knob is explicit so a programme can store it.

    `exact_limit`: candidate graphs with at most this many people are solved by
    networkx's exact blossom matching; larger ones by the LP relaxation with
    networkx on the fractional remainder (networkx alone takes minutes at 10k).
    """

    mode: Mode = Mode.LEARNING
    group_size: int = 2
    repeat_window_rounds: int = 6
    top_k: int = 25
    seed: int = 0
    exact_limit: int = 100
    weights: ScoreWeights = field(default_factory=ScoreWeights)

    def __post_init__(self) -> None:
        if not MIN_GROUP_SIZE <= self.group_size <= MAX_GROUP_SIZE:
            raise ValueError(f"group_size must be 2..6, not {self.group_size}")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")
        if self.repeat_window_rounds < 0:
            raise ValueError("repeat_window_rounds must not be negative")
        object.__setattr__(self, "mode", Mode(self.mode))


class Lesson(NamedTuple):
    """`teacher` knows `topic` and `learner` wants to learn it."""

    teacher: str
    learner: str
    topic: str


@dataclass(frozen=True, slots=True)
class Group:
    """One introduction: who, how good, and why (for the intro card)."""

    members: tuple[str, ...]
    score: float
    teaching: tuple[Lesson, ...]
    shared: tuple[str, ...]
    cross_team: bool
    reason: str
    suggested_topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PairingResult:
    """A round's groups; `unplaced` is empty unless placing someone was impossible.

    Impossible means fewer than two participants, or do-not-pair lists that
    leave a person no group at all (do-not-pair is never broken).
    """

    groups: tuple[Group, ...]
    unplaced: tuple[str, ...] = ()

    @property
    def placed(self) -> frozenset[str]:
        return frozenset(m for g in self.groups for m in g.members)
