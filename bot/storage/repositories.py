"""SQLAlchemy implementations of the repository ports in bot.domain.ports.

Each repository is a thin layer over one session: queries, no business rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, case, cast, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import (
    ENGAGED_REFERRAL_STATES,
    Answer,
    Channel,
    Delivery,
    DoNotPair,
    Evidence,
    Identity,
    InboxEvent,
    PairGroup,
    PairMember,
    Person,
    PersonTopic,
    Program,
    ProgramParticipant,
    Question,
    QuestionStatus,
    Referral,
    ReferralState,
    Round,
    Topic,
    Workspace,
)
from bot.storage import tables as t


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class SqlWorkspaceRepository(_Repository):
    async def get_or_create(self, platform: str, external_id: str, name: str = "") -> Workspace:
        """The workspace, created on first sight; a replica creating it at the same time wins."""
        query = select(Workspace).filter_by(platform=platform, external_id=external_id)
        found = await self.session.scalar(query)
        if found is not None:
            return found
        workspace = Workspace(platform=platform, external_id=external_id, name=name)
        try:
            async with self.session.begin_nested():
                self.session.add(workspace)
        except IntegrityError:
            created = await self.session.scalar(query)
            if created is None:
                raise
            return created
        return workspace

    async def get(self, workspace_id: int) -> Workspace | None:
        return await self.session.get(Workspace, workspace_id)

    async def list(self) -> Sequence[Workspace]:
        return (await self.session.scalars(select(Workspace).order_by(t.workspaces.c.id))).all()


class SqlPeopleRepository(_Repository):
    async def add(self, person: Person) -> Person:
        self.session.add(person)
        await self.session.flush()
        return person

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def by_email(self, email: str) -> Person | None:
        return await self.session.scalar(select(Person).filter_by(email=email.lower()))

    async def by_identity(self, platform: str, user_id: str) -> Person | None:
        query = (
            select(Person)
            .join(t.identities, t.identities.c.person_id == t.people.c.id)
            .where(t.identities.c.platform == platform, t.identities.c.user_id == user_id)
        )
        return await self.session.scalar(query)

    async def identities(self, person_id: int) -> Sequence[Identity]:
        query = select(Identity).filter_by(person_id=person_id).order_by(t.identities.c.platform)
        return (await self.session.scalars(query)).all()

    async def user_ids(self, platform: str) -> dict[int, str]:
        query = select(t.identities.c.person_id, t.identities.c.user_id).where(
            t.identities.c.platform == platform
        )
        return {row.person_id: row.user_id for row in await self.session.execute(query)}

    async def link(self, person: Person, platform: str, user_id: str) -> Identity:
        assert person.id is not None, "add the person before linking an identity"
        existing = await self.session.scalar(
            select(Identity).filter_by(platform=platform, user_id=user_id)
        )
        if existing is not None:
            existing.person_id = person.id
            return existing
        identity = Identity(person_id=person.id, platform=platform, user_id=user_id)
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def list(self) -> Sequence[Person]:
        return (await self.session.scalars(select(Person).order_by(t.people.c.name))).all()

    async def delete(self, person_id: int) -> None:
        await self.session.execute(delete(t.people).where(t.people.c.id == person_id))


class SqlTopicRepository(_Repository):
    async def get_or_create(self, name: str) -> Topic:
        found = await self.by_name(name)
        if found is not None:
            return found
        topic = Topic(name=name.lower())
        self.session.add(topic)
        await self.session.flush()
        return topic

    async def by_name(self, name: str) -> Topic | None:
        return await self.session.scalar(select(Topic).filter_by(name=name.lower()))

    async def set_person_topics(
        self, person_id: int, kind: str, source: str, topic_ids: Sequence[int]
    ) -> None:
        """Replace one kind of declared topics, e.g. on a CSV re-import."""
        await self.session.execute(
            delete(PersonTopic).filter_by(person_id=person_id, kind=kind, source=source)
        )
        for topic_id in dict.fromkeys(topic_ids):
            self.session.add(
                PersonTopic(person_id=person_id, topic_id=topic_id, kind=kind, source=source)
            )
        await self.session.flush()

    async def add_person_topic(self, person_topic: PersonTopic) -> None:
        existing = await self.session.scalar(
            select(PersonTopic).filter_by(
                person_id=person_topic.person_id,
                topic_id=person_topic.topic_id,
                kind=person_topic.kind,
                source=person_topic.source,
            )
        )
        if existing is None:
            self.session.add(person_topic)
        else:
            existing.weight = person_topic.weight
            existing.updated_at = person_topic.updated_at
        await self.session.flush()

    async def remove_person_topic(self, person_id: int, topic_id: int, kind: str) -> bool:
        result = await self.session.execute(
            delete(PersonTopic).filter_by(person_id=person_id, topic_id=topic_id, kind=kind)
        )
        return bool(getattr(result, "rowcount", 0))

    async def person_topics(self, person_id: int) -> Sequence[tuple[PersonTopic, Topic]]:
        query = (
            select(PersonTopic, Topic)
            .join(t.topics, t.topics.c.id == t.person_topics.c.topic_id)
            .where(t.person_topics.c.person_id == person_id)
            .order_by(t.topics.c.name)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def all_person_topics(self) -> Sequence[tuple[PersonTopic, Topic]]:
        query = select(PersonTopic, Topic).join(
            t.topics,
            t.topics.c.id == t.person_topics.c.topic_id,
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]


class SqlEvidenceRepository(_Repository):
    async def add(self, evidence: Evidence) -> Evidence:
        self.session.add(evidence)
        await self.session.flush()
        return evidence

    async def for_person(self, person_id: int) -> Sequence[Evidence]:
        query = (
            select(Evidence)
            .filter_by(person_id=person_id)
            .order_by(t.evidence.c.at, t.evidence.c.id)
        )
        return (await self.session.scalars(query)).all()

    async def all(self) -> Sequence[Evidence]:
        return (
            await self.session.scalars(select(Evidence).order_by(t.evidence.c.at, t.evidence.c.id))
        ).all()

    async def forget_text_before(self, cutoff: datetime) -> int:
        """Retention: keep the fact that someone answered, drop what they wrote."""
        result = await self.session.execute(
            update(t.evidence)
            .where(t.evidence.c.at < cutoff, t.evidence.c.text.is_not(None))
            .values(text=None)
        )
        return int(getattr(result, "rowcount", 0))


class SqlChannelRepository(_Repository):
    async def get(self, workspace_id: int, channel_id: str) -> Channel | None:
        return await self.session.scalar(
            select(Channel).filter_by(workspace_id=workspace_id, platform_channel_id=channel_id)
        )

    async def get_or_create(self, workspace_id: int, channel_id: str) -> Channel:
        found = await self.get(workspace_id, channel_id)
        if found is not None:
            return found
        channel = Channel(workspace_id=workspace_id, platform_channel_id=channel_id)
        self.session.add(channel)
        await self.session.flush()
        return channel


class SqlQuestionRepository(_Repository):
    async def add(self, question: Question) -> Question:
        self.session.add(question)
        await self.session.flush()
        return question

    async def get(self, question_id: int) -> Question | None:
        return await self.session.get(Question, question_id)

    async def by_message(
        self, workspace_id: int, channel_id: str, message_id: str
    ) -> Question | None:
        return await self.session.scalar(
            select(Question).filter_by(
                workspace_id=workspace_id, channel_id=channel_id, message_id=message_id
            )
        )

    async def by_asker(self, asker_id: int) -> Sequence[Question]:
        query = select(Question).filter_by(asker_id=asker_id).order_by(t.questions.c.created_at)
        return (await self.session.scalars(query)).all()

    async def by_thread(
        self, workspace_id: int, channel_id: str, thread_id: str
    ) -> Question | None:
        """The tracked question a thread hangs off (the thread id is its message id)."""
        return await self.by_message(workspace_id, channel_id, thread_id)

    async def to_advance(self, stale_before: datetime, asks_at_once: int) -> Sequence[int]:
        """Ids of the questions still routing that the routing job has work for.

        Work means: an ask that timed out (asked before `stale_before`) or was
        never recorded as sent, a free slot with a queued expert behind it, or
        nobody asked at all (the fallback). Not work: every ask out and waiting
        for its answer, which is where almost every open question sits, so the
        minute job no longer loads thousands of questions that it would leave
        as they are (it did, and under steady traffic it took a growing share
        of the CPU the events needed). Questions an expert took on are skipped,
        as the job skips them.
        """
        q, r = t.questions.c, t.referrals.c

        def any_referral(*where: Any) -> Any:
            return select(r.id).where(r.question_id == q.id, *where).exists()

        asked = r.state == ReferralState.ASKED
        active = (
            select(func.count(r.id))
            .where(r.question_id == q.id, asked, r.asked_at > stale_before)
            .scalar_subquery()
        )
        query = (
            select(q.id)
            .where(
                q.status == QuestionStatus.ROUTING,
                ~any_referral(r.state.in_(sorted(ENGAGED_REFERRAL_STATES))),
                or_(
                    any_referral(asked, or_(r.asked_at <= stale_before, r.message_id.is_(None))),
                    and_(
                        active < asks_at_once,
                        or_(active == 0, any_referral(r.state == ReferralState.QUEUED)),
                    ),
                ),
            )
            .order_by(q.created_at)
        )
        return (await self.session.scalars(query)).all()

    async def since(self, cutoff: datetime) -> Sequence[Question]:
        query = select(Question).where(t.questions.c.created_at >= cutoff)
        return (await self.session.scalars(query)).all()

    async def forget_text_before(self, cutoff: datetime) -> int:
        q, a = t.questions.c, t.answers.c
        questions = await self.session.execute(
            update(t.questions).where(q.created_at < cutoff, q.text != "").values(text="")
        )
        answers = await self.session.execute(
            update(t.answers).where(a.created_at < cutoff, a.text.is_not(None)).values(text=None)
        )
        return int(getattr(questions, "rowcount", 0)) + int(getattr(answers, "rowcount", 0))

    async def help_edges(self, person_id: int) -> Sequence[tuple[int, int]]:
        q, a = t.questions.c, t.answers.c
        query = (
            select(q.asker_id, a.person_id)
            .join(t.answers, a.question_id == q.id)
            .where((q.asker_id == person_id) | (a.person_id == person_id))
            .distinct()
        )
        return [(row[0], row[1]) for row in await self.session.execute(query)]

    async def answer_by_message(self, question_id: int, message_id: str) -> Answer | None:
        return await self.session.scalar(
            select(Answer).filter_by(question_id=question_id, message_id=message_id)
        )

    async def answer_at(
        self, workspace_id: int, channel_id: str, message_id: str
    ) -> tuple[Question, Answer] | None:
        query = (
            select(Question, Answer)
            .join(t.answers, t.answers.c.question_id == t.questions.c.id)
            .where(
                t.questions.c.workspace_id == workspace_id,
                t.questions.c.channel_id == channel_id,
                t.answers.c.message_id == message_id,
            )
        )
        row = (await self.session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def add_answer(self, answer: Answer) -> Answer:
        self.session.add(answer)
        await self.session.flush()
        return answer

    async def answers(self, question_id: int) -> Sequence[Answer]:
        query = select(Answer).filter_by(question_id=question_id).order_by(t.answers.c.created_at)
        return (await self.session.scalars(query)).all()


class SqlReferralRepository(_Repository):
    async def add(self, referral: Referral) -> Referral:
        self.session.add(referral)
        await self.session.flush()
        return referral

    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)

    async def for_question(self, question_id: int) -> Sequence[Referral]:
        query = select(Referral).filter_by(question_id=question_id).order_by(t.referrals.c.rank)
        return (await self.session.scalars(query)).all()

    async def for_person(self, person_id: int) -> Sequence[Referral]:
        query = select(Referral).filter_by(person_id=person_id).order_by(t.referrals.c.created_at)
        return (await self.session.scalars(query)).all()

    async def asked_since(self, since: datetime) -> Sequence[Referral]:
        query = select(Referral).where(t.referrals.c.asked_at >= since)
        return (await self.session.scalars(query)).all()

    async def loads(
        self, day_starts: Mapping[int, datetime], week_start: datetime
    ) -> dict[int, tuple[int, int, datetime]]:
        """One aggregate over the week's asks of the people being considered.

        Each person's day starts at their own local midnight, hence one CASE
        arm per person; the work stays in the database however many asks
        there were.
        """
        if not day_starts:
            return {}
        c = t.referrals.c
        arms = [(and_(c.person_id == pid, c.asked_at >= day), 1) for pid, day in day_starts.items()]
        today = case(*arms, else_=0)
        query = (
            select(c.person_id, func.sum(today), func.count(), func.max(c.asked_at))
            .where(c.person_id.in_(sorted(day_starts)), c.asked_at >= week_start)
            .group_by(c.person_id)
        )
        rows = await self.session.execute(query)
        return {int(pid): (int(day), int(week), last) for pid, day, week, last in rows}


class SqlProgramRepository(_Repository):
    async def add(self, program: Program) -> Program:
        self.session.add(program)
        await self.session.flush()
        return program

    async def get(self, program_id: int) -> Program | None:
        return await self.session.get(Program, program_id)

    async def by_name(self, workspace_id: int, name: str) -> Program | None:
        return await self.session.scalar(
            select(Program).filter_by(workspace_id=workspace_id, name=name)
        )

    async def list(self) -> Sequence[Program]:
        return (await self.session.scalars(select(Program).order_by(t.programs.c.name))).all()

    async def participant(self, program_id: int, person_id: int) -> ProgramParticipant:
        found = await self.session.scalar(
            select(ProgramParticipant).filter_by(program_id=program_id, person_id=person_id)
        )
        if found is None:
            found = ProgramParticipant(program_id=program_id, person_id=person_id)
            self.session.add(found)
            await self.session.flush()
        return found

    async def participants(self, program_id: int) -> Sequence[ProgramParticipant]:
        query = select(ProgramParticipant).filter_by(program_id=program_id)
        return (await self.session.scalars(query)).all()

    async def do_not_pair(self) -> Sequence[DoNotPair]:
        return (await self.session.scalars(select(DoNotPair))).all()

    async def add_do_not_pair(self, person_id: int, other_person_id: int) -> None:
        existing = await self.session.scalar(
            select(DoNotPair).filter_by(person_id=person_id, other_person_id=other_person_id)
        )
        if existing is None:
            self.session.add(DoNotPair(person_id=person_id, other_person_id=other_person_id))
            await self.session.flush()

    async def add_round(self, round_: Round) -> Round | None:
        try:
            async with self.session.begin_nested():
                self.session.add(round_)
        except IntegrityError:
            return None
        return round_

    async def rounds(self, program_id: int, limit: int) -> Sequence[Round]:
        query = (
            select(Round)
            .filter_by(program_id=program_id)
            .order_by(t.rounds.c.scheduled_for.desc(), t.rounds.c.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def open_rounds(self) -> Sequence[Round]:
        query = select(Round).where(t.rounds.c.checkin_sent_at.is_(None))
        return (await self.session.scalars(query)).all()

    async def get_round(self, round_id: int) -> Round | None:
        return await self.session.get(Round, round_id)

    async def add_group(self, group: PairGroup, person_ids: Sequence[int]) -> PairGroup:
        self.session.add(group)
        await self.session.flush()
        for person_id in person_ids:
            self.session.add(PairMember(pair_id=group.id or 0, person_id=person_id))
        await self.session.flush()
        return group

    async def groups(self, round_id: int) -> Sequence[PairGroup]:
        query = select(PairGroup).filter_by(round_id=round_id).order_by(t.pairs.c.id)
        return (await self.session.scalars(query)).all()

    async def get_group(self, pair_id: int) -> PairGroup | None:
        return await self.session.get(PairGroup, pair_id)

    async def delete_groups_of(self, person_id: int) -> int:
        """Delete every pairing group the person was in (forget-me: a group's intro
        and reason name its members)."""
        groups = select(t.pair_members.c.pair_id).where(t.pair_members.c.person_id == person_id)
        result = await self.session.execute(delete(t.pairs).where(t.pairs.c.id.in_(groups)))
        return int(getattr(result, "rowcount", 0))

    async def members(self, pair_id: int) -> Sequence[PairMember]:
        query = select(PairMember).filter_by(pair_id=pair_id).order_by(t.pair_members.c.id)
        return (await self.session.scalars(query)).all()


class SqlInboxRepository(_Repository):
    async def record(self, event: InboxEvent) -> bool:
        """Insert in a savepoint so a duplicate id leaves the transaction usable."""
        try:
            async with self.session.begin_nested():
                self.session.add(event)
        except IntegrityError:
            return False
        return True

    async def pending(self, limit: int = 100) -> Sequence[InboxEvent]:
        query = (
            select(InboxEvent)
            .filter_by(state="pending")
            .order_by(t.inbox.c.received_at, t.inbox.c.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def purge_processed(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(t.inbox).where(t.inbox.c.state == "done", t.inbox.c.received_at < before)
        )
        return int(getattr(result, "rowcount", 0))

    async def forget_user(self, user_id: str) -> int:
        payload_text = cast(t.inbox.c.payload, Text)
        result = await self.session.execute(
            delete(t.inbox).where(payload_text.contains(user_id, autoescape=True))
        )
        return int(getattr(result, "rowcount", 0))

    async def get(self, platform: str, event_id: str) -> InboxEvent | None:
        return await self.session.scalar(
            select(InboxEvent).filter_by(platform=platform, event_id=event_id)
        )

    async def claim(
        self, platform: str, event_id: str, now: datetime, until: datetime, max_attempts: int
    ) -> InboxEvent | None:
        """Take the event for processing until `until`; None when done, spent or claimed.

        One conditional UPDATE ... RETURNING, so of two replicas (or a replica
        and its retry loop) claiming the same event at once exactly one wins,
        and the winner gets the row in the same round trip; a claim whose
        process died runs out at `until` and the event can be taken again.
        """
        c = t.inbox.c
        claimed = await self.session.scalars(
            update(InboxEvent)
            .where(
                c.platform == platform,
                c.event_id == event_id,
                c.state != "done",
                c.attempts < max_attempts,
                or_(c.claimed_until.is_(None), c.claimed_until < now),
            )
            .values(attempts=c.attempts + 1, claimed_until=until)
            .returning(InboxEvent),
            execution_options={"synchronize_session": False, "populate_existing": True},
        )
        return claimed.one_or_none()

    async def finish(
        self, platform: str, event_id: str, state: str, error: str | None, at: datetime
    ) -> None:
        """Record the outcome and let go of the claim, in one UPDATE."""
        c = t.inbox.c
        await self.session.execute(
            update(t.inbox)
            .where(c.platform == platform, c.event_id == event_id)
            .values(state=state, last_error=error, processed_at=at, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    async def retryable(
        self, platform: str, before: datetime, max_attempts: int, limit: int = 100
    ) -> Sequence[InboxEvent]:
        """Events not done or claimed that arrived before `before`, with attempts left."""
        query = (
            select(InboxEvent)
            .where(
                t.inbox.c.platform == platform,
                t.inbox.c.state.in_(("pending", "failed")),
                t.inbox.c.received_at < before,
                t.inbox.c.attempts < max_attempts,
                or_(t.inbox.c.claimed_until.is_(None), t.inbox.c.claimed_until < before),
            )
            .order_by(t.inbox.c.received_at, t.inbox.c.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()


class SqlDeliveryRepository(_Repository):
    async def claim(self, delivery: Delivery) -> bool:
        """Insert the key in a savepoint; False when someone already claimed it."""
        try:
            async with self.session.begin_nested():
                self.session.add(delivery)
        except IntegrityError:
            return False
        return True

    async def get(self, key: str) -> Delivery | None:
        return await self.session.scalar(select(Delivery).filter_by(key=key))

    async def forget_channels(self, user_id: str) -> int:
        """Forget where messages went when the channel names the user (forget-me).

        The key stays, so nothing is ever sent twice; only the address goes.
        """
        result = await self.session.execute(
            update(t.deliveries)
            .where(t.deliveries.c.channel.contains(user_id, autoescape=True))
            .values(channel=None, message_id=None)
        )
        return int(getattr(result, "rowcount", 0))

    async def release(self, key: str) -> None:
        """Forget a claim whose send failed, so a retry may send it."""
        await self.session.execute(delete(t.deliveries).where(t.deliveries.c.key == key))
