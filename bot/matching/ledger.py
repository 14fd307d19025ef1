"""Per-person, per-topic tallies: the source of profiles and of "why" lines.

Why separate from the term matrix: ranking works on words, but people read
topics ("answered 4 questions on kubernetes"). Counting evidence per
canonical topic as it arrives makes every explanation a dictionary look-up.
Weights are kept in the time-shifted log domain (see ``decay``), so the
current weight of a topic costs one multiplication.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.matching.evidence import EvidenceKind


@dataclass(slots=True)
class TopicTally:
    """What one person did on one topic."""

    declared: int = 0
    answered: int = 0  # answers that were not marked resolving
    resolved: int = 0
    reactions: int = 0
    asked: int = 0
    not_me: int = 0
    knows: float = 0.0  # signed, growth-scaled (multiply by the decay factor)
    wants: float = 0.0  # growth-scaled


@dataclass(slots=True)
class PersonTally:
    topics: dict[str, TopicTally] = field(default_factory=dict)
    answers: int = 0
    resolved: int = 0


_COUNTERS = {
    EvidenceKind.DECLARED: "declared",
    EvidenceKind.ANSWER: "answered",
    EvidenceKind.RESOLVED_ANSWER: "resolved",
    EvidenceKind.REACTION: "reactions",
    EvidenceKind.ASKED: "asked",
    EvidenceKind.NOT_ME: "not_me",
}


class TopicLedger:
    """Tallies keyed by person slot, then by canonical topic."""

    def __init__(self) -> None:
        self._people: dict[int, PersonTally] = {}

    def record(self, slot: int, kind: EvidenceKind, topics: list[str], scaled: float) -> None:
        """Count one fact; ``scaled`` is its signed, growth-scaled weight."""
        person = self._people.get(slot)
        if person is None:
            person = self._people[slot] = PersonTally()
        if kind is EvidenceKind.RESOLVED_ANSWER:
            person.resolved += 1
            person.answers += 1
        elif kind is EvidenceKind.ANSWER:
            person.answers += 1
        if not topics:
            return
        counter = _COUNTERS[kind]
        for topic in topics:
            tally = person.topics.setdefault(topic, TopicTally())
            setattr(tally, counter, getattr(tally, counter) + 1)
            if kind is EvidenceKind.ASKED:
                tally.wants += scaled
            else:
                tally.knows += scaled

    def forget(self, slot: int) -> None:
        self._people.pop(slot, None)

    def person(self, slot: int) -> PersonTally:
        return self._people.get(slot) or PersonTally()

    def tally(self, slot: int, topic: str) -> TopicTally | None:
        person = self._people.get(slot)
        return person.topics.get(topic) if person else None

    def slots_knowing(self, topic: str) -> list[int]:
        """People with positive (undecayed) knowledge of ``topic``."""
        return [s for s, p in self._people.items() if (t := p.topics.get(topic)) and t.knows > 0]


def topic_reasons(tally: TopicTally, topic: str) -> list[str]:
    """One-line reasons for one topic, strongest first."""
    reasons: list[str] = []
    total = tally.answered + tally.resolved
    if tally.resolved and tally.answered:
        reasons.append(f"answered {_n(total, 'question')} on {topic} ({tally.resolved} resolved)")
    elif tally.resolved:
        reasons.append(f"resolved {_n(tally.resolved, 'question')} on {topic}")
    elif tally.answered:
        reasons.append(f"answered {_n(tally.answered, 'question')} on {topic}")
    if tally.declared:
        reasons.append(f"declared {topic}")
    return reasons


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
