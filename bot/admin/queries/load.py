"""People load: how the asks spread over experts, and who declines.

An ask is a referral that was actually sent (referrals.asked_at set). Routing
spreads load on purpose (routing.load_spread, max asks per day), and this page
shows whether that works: the share of all asks that went to the busiest 10%
of experts and to the busiest three, and anyone asked far more than the rest.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import tables as t

# Someone is flagged as overloaded with at least this many asks and at least
# OVERLOAD_FACTOR times the median asks of the people who were asked at all.
OVERLOAD_MIN_ASKS = 5
OVERLOAD_FACTOR = 3.0


@dataclass(frozen=True)
class PersonLoad:
    person_id: int
    name: str
    team: str
    asks: int
    accepted: int
    helped: int
    declined: int
    answers: int

    @property
    def decline_rate(self) -> float | None:
        return self.declined / self.asks if self.asks else None


@dataclass(frozen=True)
class LoadReport:
    people: list[PersonLoad]  # asked or answering people, most asked first

    @property
    def total_asks(self) -> int:
        return sum(person.asks for person in self.people)

    @property
    def experts(self) -> list[PersonLoad]:
        return [person for person in self.people if person.asks > 0]

    def top_share(self, count: int) -> float | None:
        """Share of all asks that went to the `count` most-asked people."""
        total = self.total_asks
        if not total:
            return None
        return sum(person.asks for person in self.experts[:count]) / total

    @property
    def top_decile_size(self) -> int:
        return max(1, math.ceil(len(self.experts) / 10))

    @property
    def median_asks(self) -> float | None:
        asks = [person.asks for person in self.experts]
        return float(median(asks)) if asks else None

    @property
    def overloaded(self) -> list[PersonLoad]:
        middle = self.median_asks or 0
        limit = max(OVERLOAD_MIN_ASKS, OVERLOAD_FACTOR * middle)
        return [person for person in self.experts if person.asks >= limit]


async def load_people_load(connection: AsyncConnection) -> LoadReport:
    r, a, p = t.referrals.c, t.answers.c, t.people.c
    states: dict[int, Counter[str]] = {}
    asked = select(r.person_id, r.state, func.count()).where(r.asked_at.is_not(None))
    for person_id, state, count in await connection.execute(asked.group_by(r.person_id, r.state)):
        states.setdefault(person_id, Counter())[state] += int(count)
    answers = {
        person_id: int(count)
        for person_id, count in await connection.execute(
            select(a.person_id, func.count()).group_by(a.person_id)
        )
    }
    ids = set(states) | set(answers)
    people = {
        row.id: row
        for row in await connection.execute(select(p.id, p.name, p.team).where(p.id.in_(ids)))
    }
    rows = [
        _person(person_id, people[person_id].name, people[person_id].team, states, answers)
        for person_id in ids
        if person_id in people
    ]
    rows.sort(key=lambda row: (-row.asks, -row.answers, row.name))
    return LoadReport(rows)


def _person(
    person_id: int,
    name: str,
    team: str | None,
    states: dict[int, Counter[str]],
    answers: dict[int, int],
) -> PersonLoad:
    counts = states.get(person_id, Counter())
    return PersonLoad(
        person_id=person_id,
        name=name,
        team=team or "",
        asks=sum(counts.values()),
        accepted=counts["accepted"] + counts["helped"],
        helped=counts["helped"],
        declined=counts["declined"],
        answers=answers.get(person_id, 0),
    )
