"""Overview figures: questions per week, time to first response, routed-expert share.

Definitions (the dashboard's glossary says the same):
- asked: questions created that week (weeks are cohorts of created_at);
- routed: at least one referral was actually sent (referrals.asked_at set);
- answered: someone answered in the thread, or the question is answered/resolved;
- resolved: resolved_at is set or the status is resolved;
- time to first helpful response: first_response_at - created_at, median in minutes;
- answered by a routed expert: among questions with answers, the share where an
  answer's author had a referral for that question.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.admin.weeks import week_of, week_span
from bot.storage import tables as t

ANSWERED_STATUSES = ("answered", "resolved")


@dataclass(frozen=True)
class WeekRow:
    week: date
    asked: int
    routed: int
    answered: int
    resolved: int
    median_minutes: float | None


@dataclass(frozen=True)
class Overview:
    weeks: list[WeekRow]
    asked: int
    routed: int
    answered: int
    resolved: int
    median_minutes: float | None
    with_answers: int
    answered_by_routed: int

    @property
    def routed_share(self) -> float | None:
        """Share of answered questions (with an answer on record) a routed expert answered."""
        return self.answered_by_routed / self.with_answers if self.with_answers else None


@dataclass(frozen=True)
class _Question:
    id: int
    created_at: datetime
    status: str
    first_response_at: datetime | None
    resolved_at: datetime | None


async def load_overview(connection: AsyncConnection) -> Overview:
    q, a, r = t.questions.c, t.answers.c, t.referrals.c
    rows = await connection.execute(
        select(q.id, q.created_at, q.status, q.first_response_at, q.resolved_at)
    )
    questions = [_Question(*row) for row in rows]
    routed = set(await connection.scalars(select(r.question_id).where(r.asked_at.is_not(None))))
    with_answers = set(await connection.scalars(select(a.question_id).distinct()))
    by_referred = set(
        await connection.scalars(
            select(a.question_id)
            .join(t.referrals, and_(r.question_id == a.question_id, r.person_id == a.person_id))
            .distinct()
        )
    )
    answered = {x.id for x in questions if x.id in with_answers or x.status in ANSWERED_STATUSES}
    resolved = {x.id for x in questions if x.resolved_at is not None or x.status == "resolved"}
    by_week: dict[date, list[_Question]] = defaultdict(list)
    for question in questions:
        by_week[week_of(question.created_at)].append(question)
    weeks = [
        _week_row(week, by_week[week], routed, answered, resolved)
        for week in week_span(x.created_at for x in questions)
    ]
    return Overview(
        weeks=weeks,
        asked=len(questions),
        routed=len(routed & {x.id for x in questions}),
        answered=len(answered),
        resolved=len(resolved),
        median_minutes=_median_minutes(questions),
        with_answers=len(with_answers),
        answered_by_routed=len(by_referred & with_answers),
    )


def _week_row(
    week: date, questions: list[_Question], routed: set[int], answered: set[int], resolved: set[int]
) -> WeekRow:
    ids = {x.id for x in questions}
    return WeekRow(
        week=week,
        asked=len(ids),
        routed=len(ids & routed),
        answered=len(ids & answered),
        resolved=len(ids & resolved),
        median_minutes=_median_minutes(questions),
    )


def _median_minutes(questions: list[_Question]) -> float | None:
    waits = [
        (x.first_response_at - x.created_at).total_seconds() / 60
        for x in questions
        if x.first_response_at is not None and x.first_response_at >= x.created_at
    ]
    return float(median(waits)) if waits else None
