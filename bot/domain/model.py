"""The pure model: people, topics, evidence, questions, referrals, programmes, pairs.

Plain dataclasses with no framework imports. Storage maps them onto tables
(SQLAlchemy imperative mapping), so use cases work with these objects and
never see a session or a row. Identity, not value, defines equality: two
people with the same name are still two people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


def utcnow() -> datetime:
    return datetime.now(UTC)


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


class TopicKind(StrEnum):
    KNOWS = "knows"
    WANTS_TO_LEARN = "wants_to_learn"


class TopicSource(StrEnum):
    DECLARED = "declared"
    INFERRED = "inferred"


class QuestionStatus(StrEnum):
    OPEN = "open"
    ROUTING = "routing"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    FALLBACK = "fallback"
    UNROUTED = "unrouted"


class ReferralState(StrEnum):
    QUEUED = "queued"
    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SNOOZED = "snoozed"
    EXPIRED = "expired"
    HELPED = "helped"


# An expert took the question on: routing asks nobody else about it.
ENGAGED_REFERRAL_STATES = frozenset({ReferralState.ACCEPTED, ReferralState.HELPED})


class InboxState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(eq=False)
class Workspace:
    platform: str
    external_id: str
    name: str = ""
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class Person:
    """Someone in the organisation; reachable through one or more identities."""

    name: str
    email: str | None = None
    team: str | None = None
    timezone: str | None = None
    working_hours_start: str | None = None
    working_hours_end: str | None = None
    is_bot: bool = False
    is_guest: bool = False
    is_admin: bool = False
    deactivated: bool = False
    opted_out: bool = False
    paused_until: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    id: int | None = None

    def is_available(self, now: datetime, *, allow_guests: bool = False) -> bool:
        """Whether Learnlink may contact this person at all (not about hours)."""
        if self.deactivated or self.is_bot or self.opted_out:
            return False
        if self.is_guest and not allow_guests:
            return False
        return self.paused_until is None or self.paused_until <= now


@dataclass(eq=False)
class Identity:
    """A person's user id on one platform (Slack U..., Teams AAD object id)."""

    person_id: int
    platform: str
    user_id: str
    workspace_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Topic:
    name: str
    aliases: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass(eq=False)
class PersonTopic:
    person_id: int
    topic_id: int
    kind: str = TopicKind.KNOWS
    source: str = TopicSource.DECLARED
    weight: float = 1.0
    updated_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class Evidence:
    """One observation of what someone knows or wants to learn."""

    person_id: int
    kind: str
    at: datetime
    text: str | None = None
    topic_id: int | None = None
    question_id: int | None = None
    channel_id: str | None = None
    weight: float = 1.0
    id: int | None = None


@dataclass(eq=False)
class Channel:
    workspace_id: int
    platform_channel_id: str
    name: str = ""
    is_private: bool = False
    capture_mode: str | None = None
    id: int | None = None


@dataclass(eq=False)
class Question:
    workspace_id: int
    asker_id: int
    text: str
    channel_id: str | None = None
    message_id: str | None = None
    thread_id: str | None = None
    permalink: str | None = None
    source: str = "channel"
    status: str = QuestionStatus.OPEN
    is_private: bool = False
    urgent: bool = False
    topics: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=utcnow)
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_answer_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Answer:
    question_id: int
    person_id: int
    text: str | None = None
    message_id: str | None = None
    reactions: int = 0
    resolving: bool = False
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class Referral:
    """A question put to one expert, and what became of it."""

    question_id: int
    person_id: int
    rank: int
    score: float
    reason: str = ""
    state: str = ReferralState.QUEUED
    due_at: datetime | None = None
    asked_at: datetime | None = None
    responded_at: datetime | None = None
    message_channel: str | None = None
    message_id: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class Program:
    """A pairing programme: a channel's members, met on a cadence."""

    workspace_id: int
    name: str
    channel_id: str
    cadence: str = "weekly"
    cron: str | None = None
    day: str = "mon"
    time: str = "10:00"
    timezone: str = "UTC"
    group_size: int = 2
    mode: str = "learning"
    state: str = "active"
    created_by: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class ProgramParticipant:
    program_id: int
    person_id: int
    opted_out: bool = False
    skip_next: bool = False
    paused_until: datetime | None = None
    missed_intros: int = 0
    id: int | None = None


@dataclass(eq=False)
class DoNotPair:
    person_id: int
    other_person_id: int
    id: int | None = None


@dataclass(eq=False)
class Round:
    program_id: int
    period: str
    scheduled_for: datetime
    state: str = "open"
    checkin_sent_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class PairGroup:
    round_id: int
    reason: str = ""
    suggested_topics: list[str] = field(default_factory=list)
    teaching_value: float = 0.0
    cross_team: bool = False
    outcome: str | None = None
    message_channel: str | None = None
    message_id: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class PairMember:
    pair_id: int
    person_id: int
    response: str | None = None
    id: int | None = None


@dataclass(eq=False)
class InboxEvent:
    """Every platform event, stored once by its id before it is acknowledged."""

    platform: str
    event_id: str
    kind: str
    payload: dict[str, Any]
    workspace_external_id: str | None = None
    state: str = InboxState.PENDING
    attempts: int = 0
    last_error: str | None = None
    received_at: datetime = field(default_factory=utcnow)
    processed_at: datetime | None = None
    claimed_until: datetime | None = None  # a process is working on it until then
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Arrival:
    """An event as it arrives, on its way into the inbox as a pending `InboxEvent`.

    Plain (not mapped), because one is made on every request's ack path.
    """

    platform: str
    event_id: str
    kind: str
    payload: dict[str, Any]
    workspace_external_id: str | None
    received_at: datetime


@dataclass(eq=False)
class Delivery:
    """A side effect already performed, by idempotency key (no double DMs)."""

    key: str
    platform: str
    channel: str | None = None
    message_id: str | None = None
    sent_at: datetime = field(default_factory=utcnow)
    id: int | None = None


@dataclass(eq=False)
class ConversationReference:
    """Where the bot can write proactively in Teams (a DM, a channel, a group chat)."""

    conversation_id: str
    scope: str
    reference: dict[str, Any]
    person_id: int | None = None
    tenant_id: str | None = None
    team_id: str | None = None
    updated_at: datetime = field(default_factory=utcnow)
    id: int | None = None
