"""Why a group was made, in words for the intro card.

Why here and not in rendering: the reasons are facts about the match (who
teaches whom what), computed from the same profiles the solver scored, so
they can never disagree with the choice; rendering only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations, permutations

from bot.matching.pairs.model import Group, Lesson, Participant

TOPICS_PER_CLAUSE = 3
SUGGESTIONS = 3


def describe(
    members: Sequence[str],
    score: float,
    people: Mapping[str, Participant],
    names: Mapping[str, str],
) -> Group:
    """The intro facts for one group of person ids."""
    ordered = tuple(sorted(members))
    teaching = lessons(ordered, people)
    shared = shared_interests(ordered, people)
    return Group(
        members=ordered,
        score=score,
        teaching=teaching,
        shared=shared,
        cross_team=is_cross_team(ordered, people),
        reason=reason(ordered, teaching, shared, people, names),
        suggested_topics=suggested_topics(ordered, teaching, shared),
    )


def lessons(members: Sequence[str], people: Mapping[str, Participant]) -> tuple[Lesson, ...]:
    """Every (teacher, learner, topic) where the teacher knows what the learner wants."""
    return tuple(
        Lesson(teacher, learner, topic)
        for teacher, learner in permutations(members, 2)
        for topic in sorted(people[teacher].knows & people[learner].wants)
    )


def shared_interests(members: Sequence[str], people: Mapping[str, Participant]) -> tuple[str, ...]:
    """Interests held by at least two members, the most widely shared first."""
    count: dict[str, int] = {}
    for a, b in combinations(members, 2):
        for topic in people[a].interests & people[b].interests:
            count[topic] = count.get(topic, 0) + 1
    return tuple(sorted(count, key=lambda t: (-count[t], t)))


def is_cross_team(members: Sequence[str], people: Mapping[str, Participant]) -> bool:
    """Two known, different teams; an unknown team never counts as different."""
    return len({people[m].team for m in members if people[m].team}) > 1


def reason(
    members: Sequence[str],
    teaching: Sequence[Lesson],
    shared: Sequence[str],
    people: Mapping[str, Participant],
    names: Mapping[str, str],
) -> str:
    """ "Ana knows terraform and wants to learn go; Bo knows go and wants to learn terraform"."""
    clauses = [c for m in members if (c := teaching_clause(m, teaching, names))]
    if clauses:
        return "; ".join(clauses)
    everyone = listing([names.get(m, m) for m in members], limit=len(members))
    if shared:
        return f"{everyone} share an interest in {listing(shared)}"
    if is_cross_team(members, people):
        return f"{everyone} work in different teams"
    return f"{everyone} have not been introduced yet"


def teaching_clause(member: str, teaching: Sequence[Lesson], names: Mapping[str, str]) -> str:
    gives = sorted({lesson.topic for lesson in teaching if lesson.teacher == member})
    gets = sorted({lesson.topic for lesson in teaching if lesson.learner == member})
    name = names.get(member, member)
    if gives and gets:
        return f"{name} knows {listing(gives)} and wants to learn {listing(gets)}"
    if gives:
        return f"{name} knows {listing(gives)}"
    if gets:
        return f"{name} wants to learn {listing(gets)}"
    return ""


def listing(items: Sequence[str], limit: int = TOPICS_PER_CLAUSE) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 2 more"."""
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def suggested_topics(
    members: Sequence[str], teaching: Sequence[Lesson], shared: Sequence[str]
) -> tuple[str, ...]:
    """Up to three first topics: taken in turn from each teacher, then shared interests."""
    per_teacher = [
        sorted({lesson.topic for lesson in teaching if lesson.teacher == m}) for m in members
    ]
    picked: list[str] = []
    for turn in range(max((len(t) for t in per_teacher), default=0)):
        for topics in per_teacher:
            if turn < len(topics) and topics[turn] not in picked:
                picked.append(topics[turn])
    picked += [t for t in shared if t not in picked]
    return tuple(picked[:SUGGESTIONS])
