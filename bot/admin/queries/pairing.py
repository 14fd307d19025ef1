"""Pairing figures per programme and round: groups, met rate, teaching value, cross-team.

The met rate is the share of a round's groups whose outcome is 'met' (groups
that have not answered the check-in count as not met, so a quiet round reads
as one). Teaching value is the solver's score for what the members can teach
each other, as stored on each group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import tables as t

MET = "met"


@dataclass(frozen=True)
class RoundRow:
    program: str
    period: str
    scheduled_for: datetime
    groups: int
    people: int
    met: int
    answered: int  # groups with any recorded outcome
    mean_teaching_value: float | None
    cross_team: int

    @property
    def met_rate(self) -> float | None:
        return self.met / self.groups if self.groups else None

    @property
    def cross_team_share(self) -> float | None:
        return self.cross_team / self.groups if self.groups else None


@dataclass
class ProgramReport:
    name: str
    mode: str
    state: str
    rounds: list[RoundRow] = field(default_factory=list)
    teaching_values: list[float] = field(default_factory=list)

    @property
    def groups(self) -> int:
        return sum(row.groups for row in self.rounds)

    @property
    def met_rate(self) -> float | None:
        return sum(row.met for row in self.rounds) / self.groups if self.groups else None

    @property
    def cross_team_share(self) -> float | None:
        return sum(row.cross_team for row in self.rounds) / self.groups if self.groups else None

    @property
    def mean_teaching_value(self) -> float | None:
        return fmean(self.teaching_values) if self.teaching_values else None


@dataclass(frozen=True)
class _Group:
    outcome: str | None
    teaching_value: float
    cross_team: bool


async def load_pairing(connection: AsyncConnection) -> list[ProgramReport]:
    pg, rd, pr = t.programs.c, t.rounds.c, t.pairs.c
    programs = {
        row.id: ProgramReport(row.name, row.mode, row.state)
        for row in await connection.execute(select(pg.id, pg.name, pg.mode, pg.state))
    }
    groups: dict[int, list[_Group]] = {}
    pair_rows = select(pr.round_id, pr.outcome, pr.teaching_value, pr.cross_team)
    for round_id, outcome, value, cross in await connection.execute(pair_rows):
        groups.setdefault(round_id, []).append(_Group(outcome, float(value or 0), bool(cross)))
    people_per_round = await _people_per_round(connection)
    rounds = select(rd.id, rd.program_id, rd.period, rd.scheduled_for).order_by(rd.scheduled_for)
    for round_id, program_id, period, scheduled in await connection.execute(rounds):
        program = programs.get(program_id)
        if program is None:
            continue
        in_round = groups.get(round_id, [])
        people = people_per_round.get(round_id, 0)
        program.rounds.append(_round(program.name, period, scheduled, in_round, people))
        program.teaching_values.extend(group.teaching_value for group in in_round)
    return sorted(programs.values(), key=lambda program: program.name.lower())


async def _people_per_round(connection: AsyncConnection) -> dict[int, int]:
    pr, pm = t.pairs.c, t.pair_members.c
    query = (
        select(pr.round_id, func.count(pm.person_id.distinct()))
        .select_from(t.pair_members)
        .join(t.pairs, pr.id == pm.pair_id)
        .group_by(pr.round_id)
    )
    return {round_id: int(count) for round_id, count in await connection.execute(query)}


def _round(
    program: str, period: str, scheduled: datetime, groups: list[_Group], people: int
) -> RoundRow:
    return RoundRow(
        program=program,
        period=period,
        scheduled_for=scheduled,
        groups=len(groups),
        people=people,
        met=sum(group.outcome == MET for group in groups),
        answered=sum(group.outcome is not None for group in groups),
        mean_teaching_value=fmean(g.teaching_value for g in groups) if groups else None,
        cross_team=sum(group.cross_team for group in groups),
    )
