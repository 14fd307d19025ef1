"""A small organisation with four weeks of questions, answers, referrals and pairing rounds.

Built through the repositories (rounds and pairs, which have no repository
yet, through the unit of work's session), with figures small enough to work
out by hand; EXPECTED below is that working-out, and the tests compare the
dashboard against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.bootstrap import Services
from bot.domain.model import (
    Answer,
    PairGroup,
    PairMember,
    Person,
    PersonTopic,
    Program,
    Question,
    Referral,
    Round,
    TopicKind,
    TopicSource,
)
from bot.storage.unit_of_work import SqlUnitOfWork

PLATFORM, DATA, DESIGN = "Platform", "Data", "Design & UX"
FLO = 'Flo <b>"Fig"</b>'  # a name from chat with markup in it: must be escaped
GUS = "=Gus"  # a name that spreadsheets would read as a formula
PEOPLE = {
    "Ana": DATA,
    "Bo": PLATFORM,
    "Cy": PLATFORM,
    "Di": DESIGN,
    "Ed": DATA,
    FLO: DESIGN,
    GUS: None,
    "Hal": PLATFORM,
    "Zed": DATA,  # deactivated: knows postgresql but does not count as a holder
}
KNOWS = {
    "terraform": ["Bo", "Cy", "Hal"],
    "kubernetes": ["Bo"],
    "figma": ["Di", FLO],
    "postgresql": ["Ana", "Zed"],
}
WEEK1 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class Ask:
    """One question and what happened to it; times are offsets from WEEK1."""

    asker: str
    topics: list[str]
    day: int
    hour: int = 10
    status: str = "answered"
    response_minutes: int | None = None
    resolved: bool = False
    answers: list[str] = field(default_factory=list)
    referrals: list[tuple[str, str]] = field(default_factory=list)  # (person, state)


ASKS = [
    Ask("Ana", ["terraform"], 0, 10, "resolved", 30, True, ["Bo", "Bo"], [("Bo", "helped")]),
    Ask("Di", ["kubernetes"], 1, 9, "answered", 90, False, ["Bo"], [("Bo", "helped")]),
    Ask("Ed", ["python"], 2, 9, "unrouted"),
    Ask("Flo", ["terraform", "kubernetes"], 7, 11, "resolved", 10, True, ["Bo"],
        [("Cy", "declined"), ("Bo", "helped")]),
    Ask("Bo", ["postgresql"], 8, 9, "answered", 240, False, ["Ana"]),
    # week of 16 March: nothing asked
    Ask("Cy", ["figma"], 22, 9, "answered", 60, False, ["Di", GUS], [("Di", "accepted")]),
    Ask("Hal", ["python"], 23, 9, "routing", None, False, [], [("Ana", "declined")]),
    Ask("Ana", ["terraform"], 24, 9, "answered", 20, False, ["Cy"], [("Cy", "queued")]),
    Ask("Hal", ["terraform"], 25, 9, "answered", 5, False, ["Cy", "Hal"]),
]  # fmt: skip

EXPECTED_WEEKS = [
    # week, asked, routed, answered, resolved, median minutes
    ("2026-03-02", 3, 2, 2, 1, 60.0),
    ("2026-03-09", 2, 1, 2, 1, 125.0),
    ("2026-03-16", 0, 0, 0, 0, None),
    ("2026-03-23", 4, 2, 3, 0, 20.0),
]
EXPECTED_MEDIAN_MINUTES = 30.0
EXPECTED_ROUTED_SHARE = (5, 7)  # answered by someone with a referral / questions with answers
EXPECTED_CROSS_TEAM_EDGES = 6  # Bo→Ana, Bo→Di, Bo→Flo, Ana→Bo, Di→Cy, Cy→Ana
EXPECTED_EDGES = 8  # plus Cy→Hal (same team) and Gus→Cy (no team); Hal→Hal is not help

Group = tuple[list[str], bool, float, str | None]  # members, cross-team, teaching value, outcome
PAIR_ROUNDS: dict[str, list[Group]] = {
    "2026-W10": [
        (["Ana", "Bo"], True, 2.0, "met"),
        (["Cy", "Hal"], False, 1.0, None),
        (["Di", FLO, "Ed"], True, 3.0, "met"),
    ],
    "2026-W12": [(["Ana", "Di"], True, 1.5, "met"), (["Bo", "Cy"], False, 0.5, "met")],
}


async def seed(services: Services) -> dict[str, int]:
    """Fill the database; returns person ids by name."""
    async with services.uow() as uow:
        workspace = await uow.workspaces.get_or_create("slack", "T1", "Acme")
        ids: dict[str, int] = {}
        for name, team in PEOPLE.items():
            person = await uow.people.add(
                Person(name=name, team=team, deactivated=name == "Zed", created_at=WEEK1)
            )
            assert person.id is not None
            ids[name] = person.id
        ids["Flo"] = ids[FLO]
        for topic_name, holders in KNOWS.items():
            topic = await uow.topics.get_or_create(topic_name)
            assert topic.id is not None
            for holder in holders:
                await uow.topics.add_person_topic(
                    PersonTopic(ids[holder], topic.id, TopicKind.KNOWS, TopicSource.DECLARED)
                )
        python = await uow.topics.get_or_create("python")
        assert python.id is not None
        await uow.topics.add_person_topic(
            PersonTopic(ids["Ed"], python.id, TopicKind.WANTS_TO_LEARN, TopicSource.DECLARED)
        )
        assert workspace.id is not None
        for number, ask in enumerate(ASKS, start=1):
            await _add_question(uow, workspace.id, ids, number, ask)
        await _add_programs(uow, workspace.id, ids)
        await uow.commit()
    return ids


async def _add_question(
    uow: SqlUnitOfWork, workspace_id: int, ids: dict[str, int], n: int, ask: Ask
) -> None:
    created = WEEK1 + timedelta(days=ask.day, hours=ask.hour)
    first = (
        created + timedelta(minutes=ask.response_minutes)
        if ask.response_minutes is not None
        else None
    )
    question = await uow.questions.add(
        Question(
            workspace_id=workspace_id,
            asker_id=ids[ask.asker],
            text=f"question {n} about {', '.join(ask.topics)}?",
            channel_id="CHELP",
            message_id=f"{n}.0",
            status=ask.status,
            topics=ask.topics,
            created_at=created,
            first_response_at=first,
            resolved_at=first + timedelta(hours=1) if ask.resolved and first else None,
        )
    )
    for index, person in enumerate(ask.answers):
        await uow.questions.add_answer(
            Answer(
                question_id=saved(question.id),
                person_id=ids[person],
                text="try this",
                message_id=f"{n}.{index + 1}",
                created_at=created + timedelta(minutes=5 + index),
            )
        )
    for rank, (person, state) in enumerate(ask.referrals, start=1):
        await uow.referrals.add(
            Referral(
                question_id=saved(question.id),
                person_id=ids[person],
                rank=rank,
                score=1.0 / rank,
                state=state,
                asked_at=None if state == "queued" else created + timedelta(minutes=1),
                created_at=created,
            )
        )


async def _add_programs(uow: SqlUnitOfWork, workspace_id: int, ids: dict[str, int]) -> None:
    program = await uow.programs.add(
        Program(workspace_id=workspace_id, name="Tuesday pairs", channel_id="CPAIR")
    )
    await uow.programs.add(
        Program(workspace_id=workspace_id, name="Design crits", channel_id="CCRIT", group_size=3)
    )
    session = uow.session
    for week, (period, groups) in enumerate(PAIR_ROUNDS.items()):
        scheduled = WEEK1 + timedelta(days=1 + 14 * week, hours=10)
        round_ = Round(program_id=saved(program.id), period=period, scheduled_for=scheduled)
        session.add(round_)
        await session.flush()
        for members, cross, value, outcome in groups:
            pair = PairGroup(
                round_id=saved(round_.id),
                cross_team=cross,
                teaching_value=value,
                outcome=outcome,
                created_at=scheduled,
            )
            session.add(pair)
            await session.flush()
            session.add_all(PairMember(pair_id=saved(pair.id), person_id=ids[m]) for m in members)
        await session.flush()


def saved(row_id: int | None) -> int:
    """Ids exist once a row is flushed; this says so to the type checker."""
    assert row_id is not None
    return row_id
