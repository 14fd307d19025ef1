"""Evidence: the facts the expertise index learns from, and how much each kind counts.

Why kinds and weights: what someone *did* (answered, and was marked as
resolving) says more than what they *said* (declared), and asking about a
topic means wanting to learn it, not knowing it. Keeping each fact with its
kind lets the weights change (settings) without losing history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EvidenceKind(StrEnum):
    DECLARED = "declared"  # the person said they know ``topic``
    ANSWER = "answer"  # answered a question (text: question + answer)
    RESOLVED_ANSWER = "resolved_answer"  # ... and the asker marked it as resolving
    REACTION = "reaction"  # someone reacted to the person's answer (text: that answer)
    ASKED = "asked"  # asked a question, or declared an interest: wants to learn
    NOT_ME = "not_me"  # declined a question about ``topic`` / this text


ANSWER_KINDS = frozenset({EvidenceKind.ANSWER, EvidenceKind.RESOLVED_ANSWER})


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact about one person; ``at`` must be timezone-aware (UTC preferred).

    ``weight`` scales this one fact (e.g. several reactions at once);
    ``topic`` names the topic of ``declared``, ``not_me`` and declared
    interests (``asked`` with a topic), where the text may be empty.
    """

    person_id: str
    kind: EvidenceKind
    text: str
    at: datetime
    weight: float = 1.0
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("Evidence.at must be timezone-aware")
        if not self.person_id:
            raise ValueError("Evidence.person_id must not be empty")

    @property
    def subject(self) -> str:
        """The text the fact is about: the text, else the topic name."""
        return self.text if self.text.strip() else (self.topic or "")


@dataclass(frozen=True, slots=True)
class EvidenceWeights:
    """How much each kind of evidence counts, and how fast it fades.

    Defaults match ``config/default.yaml`` (section ``expertise``). ``asked``
    only feeds *wants to learn*; ``not_me`` is subtracted for that topic.
    """

    declared: float = 3.0
    answer: float = 1.0
    resolved_answer: float = 2.5
    reaction: float = 0.3
    asked: float = 1.0
    not_me: float = 1.5
    half_life_days: float = 180.0

    def __post_init__(self) -> None:
        if self.half_life_days <= 0:
            raise ValueError("half_life_days must be positive")

    def of(self, kind: EvidenceKind) -> float:
        """Signed weight of a kind: negative for ``not_me``."""
        if kind is EvidenceKind.NOT_ME:
            return -abs(self.not_me)
        return float(getattr(self, kind.value))
