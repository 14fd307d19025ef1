"""Repository contract: the same cases on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Services
from bot.domain.model import (
    Answer,
    Evidence,
    Identity,
    InboxEvent,
    Person,
    PersonTopic,
    Question,
    Referral,
    TopicKind,
    TopicSource,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


async def add_person(services: Services, name: str = "Ana", **fields: object) -> Person:
    async with services.uow() as uow:
        person = await uow.people.add(Person(name=name, **fields))  # type: ignore[arg-type]
        await uow.commit()
        return person


async def test_people_found_by_email_and_identity(services: Services) -> None:
    async with services.uow() as uow:
        ana = await uow.people.add(Person(name="Ana", email="ana@example.com", team="Data"))
        await uow.people.link(ana, "slack", "U1")
        await uow.people.link(ana, "teams", "aad-1")
        await uow.commit()
    async with services.uow() as uow:
        by_email = await uow.people.by_email("ANA@example.com")
        by_slack = await uow.people.by_identity("slack", "U1")
        by_teams = await uow.people.by_identity("teams", "aad-1")
        assert by_email is not None and by_slack is not None and by_teams is not None
        assert by_email.id == by_slack.id == by_teams.id == ana.id
        assert await uow.people.by_identity("slack", "U2") is None
        assert [i.platform for i in await uow.people.identities(ana.id or 0)] == ["slack", "teams"]


async def test_linking_an_identity_twice_moves_it_instead_of_duplicating(
    services: Services,
) -> None:
    async with services.uow() as uow:
        ana = await uow.people.add(Person(name="Ana"))
        bo = await uow.people.add(Person(name="Bo"))
        await uow.people.link(ana, "slack", "U1")
        await uow.people.link(bo, "slack", "U1")
        await uow.commit()
    async with services.uow() as uow:
        owner = await uow.people.by_identity("slack", "U1")
        assert owner is not None and owner.name == "Bo"
        rows = (await uow.session.scalars(select(Identity))).all()
        assert len(rows) == 1


async def test_times_come_back_aware_utc(services: Services) -> None:
    paused = datetime(2026, 5, 1, 12, 0, tzinfo=UTC) + timedelta(hours=3)
    person = await add_person(services, paused_until=paused)
    async with services.uow() as uow:
        loaded = await uow.people.get(person.id)  # type: ignore[arg-type]
        assert loaded is not None and loaded.paused_until == paused
        assert loaded.paused_until.tzinfo is not None
        assert loaded.paused_until.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(services: Services) -> None:
    async with services.uow() as uow:
        uow.session.add(Person(name="Naive", paused_until=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            await uow.session.flush()


async def test_topics_are_unique_and_person_topics_replace(services: Services) -> None:
    person = await add_person(services)
    assert person.id is not None
    async with services.uow() as uow:
        first = await uow.topics.get_or_create("Kubernetes")
        again = await uow.topics.get_or_create("kubernetes")
        helm = await uow.topics.get_or_create("helm")
        assert first.id == again.id
        assert first.id is not None and helm.id is not None
        await uow.topics.set_person_topics(
            person.id, TopicKind.KNOWS, TopicSource.DECLARED, [first.id, helm.id, first.id]
        )
        await uow.topics.set_person_topics(
            person.id, TopicKind.KNOWS, TopicSource.DECLARED, [helm.id]
        )
        await uow.topics.add_person_topic(
            PersonTopic(person.id, first.id, TopicKind.WANTS_TO_LEARN, TopicSource.DECLARED)
        )
        await uow.commit()
    async with services.uow() as uow:
        held = {(pt.kind, t.name) for pt, t in await uow.topics.person_topics(person.id)}
        assert held == {("knows", "helm"), ("wants_to_learn", "kubernetes")}
        removed = await uow.topics.remove_person_topic(person.id, helm.id, TopicKind.KNOWS)
        assert removed is True
        assert len(await uow.topics.all_person_topics()) == 1


async def test_inbox_records_each_event_once(services: Services) -> None:
    event = {"platform": "slack", "event_id": "Ev1", "kind": "message", "payload": {"a": 1}}
    async with services.uow() as uow:
        assert await uow.inbox.record(InboxEvent(**event)) is True  # type: ignore[arg-type]
        assert await uow.inbox.record(InboxEvent(**event)) is False  # type: ignore[arg-type]
        assert await uow.inbox.record(InboxEvent(**{**event, "platform": "teams"})) is True  # type: ignore[arg-type]
        await uow.commit()
    async with services.uow() as uow:
        assert len(await uow.inbox.pending()) == 2
        stored = await uow.inbox.get("slack", "Ev1")
        assert stored is not None and stored.payload == {"a": 1}


async def test_questions_answers_and_referrals(services: Services) -> None:
    asker = await add_person(services, "Asker")
    expert = await add_person(services, "Expert")
    assert asker.id is not None and expert.id is not None
    async with services.uow() as uow:
        workspace = await uow.workspaces.get_or_create("slack", "T1", "Acme")
        assert workspace.id is not None
        question = await uow.questions.add(
            Question(
                workspace.id,
                asker.id,
                "how do I roll back a helm release?",
                channel_id="C1",
                message_id="1.1",
                topics=["helm"],
                created_at=T0,
            )
        )
        assert question.id is not None
        await uow.questions.add_answer(Answer(question.id, expert.id, "helm rollback", "1.2"))
        await uow.referrals.add(Referral(question.id, expert.id, rank=1, score=0.9, asked_at=T0))
        await uow.commit()
    async with services.uow() as uow:
        found = await uow.questions.by_message(workspace.id, "C1", "1.1")
        assert found is not None and found.topics == ["helm"] and found.created_at == T0
        assert [a.text for a in await uow.questions.answers(found.id)] == ["helm rollback"]  # type: ignore[arg-type]
        assert len(await uow.referrals.asked_since(T0 - timedelta(minutes=1))) == 1
        assert await uow.referrals.asked_since(T0 + timedelta(minutes=1)) == []
        assert [q.id for q in await uow.questions.by_asker(asker.id)] == [question.id]
        # one referral per (question, person): the router cannot ask someone twice
        uow.session.add(Referral(question.id, expert.id, rank=2, score=0.5))
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_the_routing_job_gets_only_questions_it_has_work_for(services: Services) -> None:
    people = [await add_person(services, name) for name in ("Asker", "A", "B", "C")]
    asker, a, b, c = (p.id or 0 for p in people)
    fresh, stale = T0 - timedelta(minutes=5), T0 - timedelta(minutes=61)
    sent = {"state": "asked", "message_id": "M"}
    cases: dict[str, list[tuple[int, dict[str, object]]]] = {
        "waiting": [(a, {**sent, "asked_at": fresh}), (b, {**sent, "asked_at": fresh})],
        "waiting, a queued one behind full slots": [
            (a, {**sent, "asked_at": fresh}),
            (b, {**sent, "asked_at": fresh}),
            (c, {}),
        ],
        "timed out": [(a, {**sent, "asked_at": stale}), (b, {**sent, "asked_at": fresh})],
        "never recorded as sent": [(a, {"state": "asked", "asked_at": fresh})],
        "a free slot and a queued one": [(a, {**sent, "asked_at": fresh}), (b, {})],
        "nobody asked": [(a, {"state": "declined"})],
        "accepted": [(a, {"state": "accepted"}), (b, {**sent, "asked_at": stale})],
        "one asked, nobody left": [(a, {**sent, "asked_at": fresh})],
    }
    ids = {}
    async with services.uow() as uow:
        workspace = await uow.workspaces.get_or_create("slack", "T1", "Acme")
        for n, (name, referrals) in enumerate(cases.items()):
            question = await uow.questions.add(
                Question(workspace.id or 0, asker, name, message_id=f"1.{n}", status="routing")
            )
            ids[question.id] = name
            for rank, (person, fields) in enumerate(referrals):
                await uow.referrals.add(Referral(question.id or 0, person, rank, 0.5, **fields))  # type: ignore[arg-type]
        await uow.questions.add(Question(workspace.id or 0, asker, "resolved", status="resolved"))
        await uow.commit()
    async with services.uow() as uow:
        found = [ids[i] for i in await uow.questions.to_advance(T0 - timedelta(minutes=60), 2)]
    assert sorted(found) == [
        "a free slot and a queued one",
        "never recorded as sent",
        "nobody asked",
        "timed out",
    ]


async def test_loads_count_each_persons_day_week_and_last_ask(services: Services) -> None:
    asker = await add_person(services, "Asker")
    tokyo = await add_person(services, "Tokyo")
    london = await add_person(services, "London")
    idle = await add_person(services, "Idle")
    assert asker.id and tokyo.id and london.id and idle.id
    async with services.uow() as uow:
        workspace = await uow.workspaces.get_or_create("slack", "T1", "Acme")
        assert workspace.id is not None
        times = {
            tokyo.id: [T0 - timedelta(days=8), T0 - timedelta(days=2), T0 - timedelta(hours=2)],
            london.id: [T0 - timedelta(days=1), T0 - timedelta(hours=1), T0],
        }
        for n in range(3):
            question = await uow.questions.add(
                Question(workspace.id, asker.id, f"q{n}", channel_id="C1", message_id=f"1.{n}")
            )
            assert question.id is not None
            for pid, asked in times.items():
                await uow.referrals.add(Referral(question.id, pid, 1, 0.5, asked_at=asked[n]))
        await uow.commit()
    # T0 is 09:30 UTC: 18:30 in Tokyo (its day began 15:00 UTC the day before), 09:30 in London
    day_starts = {
        tokyo.id: datetime(2026, 2, 28, 15, 0, tzinfo=UTC),
        london.id: datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
        idle.id: datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
    }
    async with services.uow() as uow:
        loads = await uow.referrals.loads(day_starts, T0 - timedelta(days=7))
    assert loads == {
        tokyo.id: (1, 2, T0 - timedelta(hours=2)),  # the 8-day-old ask is outside the week
        london.id: (2, 3, T0),  # yesterday's ask counts for the week, not the day
    }
    async with services.uow() as uow:
        assert await uow.referrals.loads({}, T0) == {}


async def test_evidence_text_is_forgotten_after_retention(services: Services) -> None:
    person = await add_person(services)
    assert person.id is not None
    async with services.uow() as uow:
        await uow.evidence.add(Evidence(person.id, "answer", T0, text="old answer"))
        await uow.evidence.add(Evidence(person.id, "answer", T0 + timedelta(days=400), text="new"))
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.evidence.forget_text_before(T0 + timedelta(days=1)) == 1
        await uow.commit()
    async with services.uow() as uow:
        kept = await uow.evidence.for_person(person.id)
        assert [e.text for e in kept] == [None, "new"]  # the fact stays, the text goes


async def test_deleting_a_person_removes_what_hangs_off_them(services: Services) -> None:
    async with services.uow() as uow:
        ana = await uow.people.add(Person(name="Ana"))
        assert ana.id is not None
        await uow.people.link(ana, "slack", "U1")
        await uow.evidence.add(Evidence(ana.id, "declared", T0, text="terraform"))
        await uow.commit()
        await uow.people.delete(ana.id)
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.people.by_identity("slack", "U1") is None
        assert await uow.evidence.all() == []


async def test_uncommitted_work_is_rolled_back(services: Services) -> None:
    async with services.uow() as uow:
        await uow.people.add(Person(name="Ghost"))
    async with services.uow() as uow:
        assert await uow.people.list() == []


async def test_workspaces_are_unique_per_platform(services: Services) -> None:
    async with services.uow() as uow:
        first = await uow.workspaces.get_or_create("slack", "T1", "Acme")
        second = await uow.workspaces.get_or_create("slack", "T1")
        other = await uow.workspaces.get_or_create("teams", "T1")
        await uow.commit()
        assert first.id == second.id != other.id
        assert len(await uow.workspaces.list()) == 2
