"""Who helped whom: one directed edge per (helper, asker) pair, from the answers.

A helper is the author of an answer, the asker the question's author;
answering your own question is not help. An edge is cross-team when both
people have a team and the teams differ (case and spacing ignored); people
without a team never count as a bridge.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import tables as t


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    team: str


@dataclass(frozen=True)
class HelpEdge:
    helper_id: int
    asker_id: int
    answers: int
    cross_team: bool


@dataclass(frozen=True)
class HelpNetwork:
    people: dict[int, Member]
    edges: list[HelpEdge]

    @property
    def cross_team_edges(self) -> int:
        return sum(edge.cross_team for edge in self.edges)

    @property
    def teams(self) -> list[str]:
        return sorted({person.team for person in self.people.values() if person.team})

    def team_links(self) -> list[tuple[str, str, int]]:
        """(helper team, asker team, answers) across teams, busiest first."""
        links: dict[tuple[str, str], int] = {}
        for edge in self.edges:
            if edge.cross_team:
                key = (self.people[edge.helper_id].team, self.people[edge.asker_id].team)
                links[key] = links.get(key, 0) + edge.answers
        return sorted(((a, b, n) for (a, b), n in links.items()), key=lambda x: (-x[2], x[0], x[1]))


def same_team(one: str, other: str) -> bool:
    return one.strip().casefold() == other.strip().casefold()


async def load_network(connection: AsyncConnection) -> HelpNetwork:
    q, a, p = t.questions.c, t.answers.c, t.people.c
    query = (
        select(a.person_id, q.asker_id, func.count())
        .select_from(t.answers)
        .join(t.questions, q.id == a.question_id)
        .where(a.person_id != q.asker_id)
        .group_by(a.person_id, q.asker_id)
    )
    pairs = [(int(h), int(k), int(n)) for h, k, n in await connection.execute(query)]
    ids = {helper for helper, _, _ in pairs} | {asker for _, asker, _ in pairs}
    people = {
        row.id: Member(row.id, row.name, (row.team or "").strip())
        for row in await connection.execute(select(p.id, p.name, p.team).where(p.id.in_(ids)))
    }
    edges = [
        HelpEdge(helper, asker, count, _crosses(people[helper], people[asker]))
        for helper, asker, count in pairs
        if helper in people and asker in people
    ]
    edges.sort(key=lambda edge: (-edge.answers, edge.helper_id, edge.asker_id))
    return HelpNetwork(people, edges)


def _crosses(helper: Member, asker: Member) -> bool:
    return bool(helper.team and asker.team and not same_team(helper.team, asker.team))
