"""Topic figures: what is asked most, what goes unanswered, what few people know.

Question topics are the JSON list stored on each question (names as the
expertise catalogue spells them); holders are distinct active people with a
'knows' topic (declared or inferred). A topic is thin when at most
`THIN_HOLDERS` people hold it: one person leaving or on holiday and nobody can help.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import tables as t

THIN_HOLDERS = 2


@dataclass(frozen=True)
class TopicRow:
    topic: str
    asked: int
    unanswered: int
    holders: int


@dataclass(frozen=True)
class TopicReport:
    rows: list[TopicRow]  # every topic asked or held, most asked first
    questions: int  # questions with at least one topic

    @property
    def most_asked(self) -> list[TopicRow]:
        return [row for row in self.rows if row.asked > 0]

    @property
    def gaps(self) -> list[TopicRow]:
        """Topics with questions nobody answered, most unanswered first."""
        gaps = [row for row in self.rows if row.unanswered > 0]
        return sorted(gaps, key=lambda row: (-row.unanswered, -row.asked, row.topic))

    @property
    def thin(self) -> list[TopicRow]:
        """Asked or known topics held by at most THIN_HOLDERS people, most asked first."""
        thin = [row for row in self.rows if row.holders <= THIN_HOLDERS]
        return sorted(thin, key=lambda row: (-row.asked, row.holders, row.topic))


async def load_topics(connection: AsyncConnection) -> TopicReport:
    q, a = t.questions.c, t.answers.c
    answered_ids = set(await connection.scalars(select(a.question_id).distinct()))
    asked: Counter[str] = Counter()
    unanswered: Counter[str] = Counter()
    questions = 0
    for question_id, status, names in await connection.execute(select(q.id, q.status, q.topics)):
        topics = _topic_names(names)
        questions += bool(topics)
        asked.update(topics)
        if question_id not in answered_ids and status not in ("answered", "resolved"):
            unanswered.update(topics)
    holders = await _holders(connection)
    names = set(asked) | {name for name, count in holders.items() if count > 0}
    rows = [TopicRow(name, asked[name], unanswered[name], holders.get(name, 0)) for name in names]
    rows.sort(key=lambda row: (-row.asked, -row.unanswered, row.topic))
    return TopicReport(rows, questions)


def _topic_names(raw: object) -> list[str]:
    """Distinct, normalised names from the stored JSON list (tolerating odd entries)."""
    if not isinstance(raw, list):
        return []
    names = (str(item).strip().lower() for item in raw if isinstance(item, str | int))
    return list(dict.fromkeys(name for name in names if name))


async def _holders(connection: AsyncConnection) -> dict[str, int]:
    pt, tp, p = t.person_topics.c, t.topics.c, t.people.c
    query = (
        select(tp.name, func.count(pt.person_id.distinct()))
        .select_from(t.person_topics)
        .join(t.topics, tp.id == pt.topic_id)
        .join(t.people, p.id == pt.person_id)
        .where(pt.kind == "knows", p.deactivated.is_(False), p.is_bot.is_(False))
        .group_by(tp.name)
    )
    return {str(name).lower(): int(count) for name, count in await connection.execute(query)}
