"""The schema, as SQLAlchemy Core tables, and their mapping onto domain classes.

Imperative mapping keeps `bot.domain` free of SQLAlchemy: the same dataclasses
serve the use cases and the database. Every timestamp column stores UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator

from bot.domain import model

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back aware UTC datetimes (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, *, nullable: bool = False) -> Column[Any]:
    return Column(name, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True)


workspaces = Table(
    "workspaces",
    metadata,
    _id(),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "external_id", name="uq_workspaces_platform_external_id"),
)

people = Table(
    "people",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("email", String(320), unique=True),
    Column("team", String(200)),
    Column("timezone", String(64)),
    Column("working_hours_start", String(5)),
    Column("working_hours_end", String(5)),
    Column("is_bot", Boolean, nullable=False, default=False),
    Column("is_guest", Boolean, nullable=False, default=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("deactivated", Boolean, nullable=False, default=False),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("paused_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

identities = Table(
    "identities",
    metadata,
    _id(),
    _fk("person_id", "people.id"),
    Column("platform", String(16), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("workspace_id", ForeignKey("workspaces.id", ondelete="SET NULL")),
    UniqueConstraint("platform", "user_id", name="uq_identities_platform_user_id"),
)

topics = Table(
    "topics",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("aliases", JSON, nullable=False, default=list),
)

person_topics = Table(
    "person_topics",
    metadata,
    _id(),
    _fk("person_id", "people.id"),
    _fk("topic_id", "topics.id"),
    Column("kind", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    Column("weight", Float, nullable=False, default=1.0),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("person_id", "topic_id", "kind", "source", name="uq_person_topics_key"),
)

channels = Table(
    "channels",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    Column("platform_channel_id", String(128), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("is_private", Boolean, nullable=False, default=False),
    Column("capture_mode", String(20)),
    UniqueConstraint("workspace_id", "platform_channel_id", name="uq_channels_key"),
)

questions = Table(
    "questions",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    _fk("asker_id", "people.id"),
    Column("text", Text),
    Column("channel_id", String(128)),
    Column("message_id", String(128)),
    Column("thread_id", String(128)),
    Column("permalink", String(500)),
    Column("source", String(20), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("is_private", Boolean, nullable=False, default=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("topics", JSON, nullable=False, default=list),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("first_response_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("resolved_answer_id", Integer),
    UniqueConstraint("workspace_id", "channel_id", "message_id", name="uq_questions_message"),
)

answers = Table(
    "answers",
    metadata,
    _id(),
    _fk("question_id", "questions.id"),
    _fk("person_id", "people.id"),
    Column("text", Text),
    Column("message_id", String(128)),
    Column("reactions", Integer, nullable=False, default=0),
    Column("resolving", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("question_id", "message_id", name="uq_answers_message"),
)

evidence = Table(
    "evidence",
    metadata,
    _id(),
    _fk("person_id", "people.id"),
    Column("kind", String(20), nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("text", Text),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE")),
    _fk("question_id", "questions.id", nullable=True),
    Column("channel_id", String(128)),
    Column("weight", Float, nullable=False, default=1.0),
)

referrals = Table(
    "referrals",
    metadata,
    _id(),
    _fk("question_id", "questions.id"),
    _fk("person_id", "people.id"),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("reason", String(500), nullable=False, default=""),
    Column("state", String(20), nullable=False, index=True),
    Column("due_at", UTCDateTime),
    Column("asked_at", UTCDateTime, index=True),
    Column("responded_at", UTCDateTime),
    Column("message_channel", String(128)),
    Column("message_id", String(128)),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("question_id", "person_id", name="uq_referrals_question_person"),
    # a person's asks this week (load spreading): read from the index alone
    Index("ix_referrals_person_asked", "person_id", "asked_at"),
)

programs = Table(
    "programs",
    metadata,
    _id(),
    _fk("workspace_id", "workspaces.id"),
    Column("name", String(100), nullable=False),
    Column("channel_id", String(128), nullable=False),
    Column("cadence", String(20), nullable=False),
    Column("cron", String(100)),
    Column("day", String(3), nullable=False),
    Column("time", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("group_size", Integer, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_programs_name"),
)

program_participants = Table(
    "program_participants",
    metadata,
    _id(),
    _fk("program_id", "programs.id"),
    _fk("person_id", "people.id"),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("skip_next", Boolean, nullable=False, default=False),
    Column("paused_until", UTCDateTime),
    Column("missed_intros", Integer, nullable=False, default=0),
    UniqueConstraint("program_id", "person_id", name="uq_program_participants_key"),
)

do_not_pair = Table(
    "do_not_pair",
    metadata,
    _id(),
    _fk("person_id", "people.id"),
    _fk("other_person_id", "people.id"),
    UniqueConstraint("person_id", "other_person_id", name="uq_do_not_pair_key"),
)

rounds = Table(
    "rounds",
    metadata,
    _id(),
    _fk("program_id", "programs.id"),
    Column("period", String(40), nullable=False),
    Column("scheduled_for", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False),
    Column("checkin_sent_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("program_id", "period", name="uq_rounds_program_period"),
)

pairs = Table(
    "pairs",
    metadata,
    _id(),
    _fk("round_id", "rounds.id"),
    Column("reason", Text, nullable=False, default=""),
    Column("suggested_topics", JSON, nullable=False, default=list),
    Column("teaching_value", Float, nullable=False, default=0.0),
    Column("cross_team", Boolean, nullable=False, default=False),
    Column("outcome", String(20)),
    Column("message_channel", String(128)),
    Column("message_id", String(128)),
    Column("created_at", UTCDateTime, nullable=False),
)

pair_members = Table(
    "pair_members",
    metadata,
    _id(),
    _fk("pair_id", "pairs.id"),
    _fk("person_id", "people.id"),
    Column("response", String(20)),
    UniqueConstraint("pair_id", "person_id", name="uq_pair_members_key"),
)

inbox = Table(
    "inbox",
    metadata,
    _id(),
    Column("platform", String(16), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("workspace_external_id", String(64)),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("received_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime),
    Column("claimed_until", UTCDateTime),
    UniqueConstraint("platform", "event_id", name="uq_inbox_platform_event_id"),
    Index("ix_inbox_state_received", "state", "received_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    _id(),
    Column("key", String(200), nullable=False, unique=True),
    Column("platform", String(16), nullable=False),
    Column("channel", String(128)),
    Column("message_id", String(128)),
    Column("sent_at", UTCDateTime, nullable=False),
)

conversation_references = Table(
    "conversation_references",
    metadata,
    _id(),
    Column("conversation_id", String(300), nullable=False, unique=True),
    Column("scope", String(20), nullable=False),
    Column("reference", JSON, nullable=False),
    _fk("person_id", "people.id", nullable=True),
    Column("tenant_id", String(64)),
    Column("team_id", String(300)),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Slack OAuth: slack-sdk's AsyncSQLAlchemyInstallationStore and
# AsyncSQLAlchemyOAuthStateStore read and write these through our engine. The
# definitions mirror the SDK's (build_installations_table, build_bots_table,
# build_oauth_states_table; a test keeps them in step) so that the tables are
# created by our migrations, not by the SDK's create_all at run time. Their
# DateTime columns are naive UTC, as the SDK writes them.
slack_installations = Table(
    "slack_installations",
    metadata,
    _id(),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False, default=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    _id(),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False, default=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    _id(),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)

MAPPINGS: list[tuple[type, Table]] = [
    (model.Workspace, workspaces),
    (model.Person, people),
    (model.Identity, identities),
    (model.Topic, topics),
    (model.PersonTopic, person_topics),
    (model.Channel, channels),
    (model.Question, questions),
    (model.Answer, answers),
    (model.Evidence, evidence),
    (model.Referral, referrals),
    (model.Program, programs),
    (model.ProgramParticipant, program_participants),
    (model.DoNotPair, do_not_pair),
    (model.Round, rounds),
    (model.PairGroup, pairs),
    (model.PairMember, pair_members),
    (model.InboxEvent, inbox),
    (model.Delivery, deliveries),
    (model.ConversationReference, conversation_references),
]


def start_mappers() -> None:
    """Map the domain classes onto the tables, once per process."""
    for cls, table in MAPPINGS:
        if getattr(cls, "__mapper__", None) is None:
            mapper_registry.map_imperatively(cls, table)
