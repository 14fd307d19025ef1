"""Import and export the people directory as CSV rows.

Admins seed Learnlink from an HR export before anyone has answered anything,
so declared skills give routing a prior from day one. Importing again updates
people (matched by email, then by platform id) instead of duplicating them;
bad rows are reported with their line numbers and good rows are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.model import Person, Platform, TopicKind, TopicSource
from bot.domain.ports import UnitOfWork

COLUMNS = (
    "name",
    "email",
    "slack_user_id",
    "teams_user_id",
    "team",
    "timezone",
    "knows",
    "wants_to_learn",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TOPIC_LENGTH = 100


@dataclass(frozen=True)
class PersonRow:
    name: str
    email: str | None
    slack_user_id: str | None
    teams_user_id: str | None
    team: str | None
    timezone: str | None
    knows: tuple[str, ...]
    wants_to_learn: tuple[str, ...]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


class RowError(ValueError):
    """A row that cannot be imported; the message says what to fix."""


def missing_columns(header: Sequence[str]) -> list[str]:
    return [column for column in COLUMNS if column not in header]


def parse_row(raw: Mapping[str, str | None]) -> PersonRow:
    value = {key: (raw.get(key) or "").strip() for key in COLUMNS}
    if not value["name"]:
        raise RowError("name is empty")
    email = value["email"].lower() or None
    if email and not EMAIL.match(email):
        raise RowError(f"email {value['email']!r} is not an email address")
    if not (email or value["slack_user_id"] or value["teams_user_id"]):
        raise RowError("needs an email, a slack_user_id or a teams_user_id to identify the person")
    return PersonRow(
        name=value["name"],
        email=email,
        slack_user_id=value["slack_user_id"] or None,
        teams_user_id=value["teams_user_id"] or None,
        team=value["team"] or None,
        timezone=_timezone(value["timezone"]),
        knows=_topics(value["knows"], "knows"),
        wants_to_learn=_topics(value["wants_to_learn"], "wants_to_learn"),
    )


def _timezone(raw: str) -> str | None:
    if not raw:
        return None
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise RowError(f"timezone {raw!r} is not an IANA timezone like Europe/London") from None
    return raw


def _topics(raw: str, column: str) -> tuple[str, ...]:
    topics = [" ".join(part.split()).lower() for part in raw.split(";")]
    for topic in topics:
        if len(topic) > MAX_TOPIC_LENGTH:
            raise RowError(f"{column} has a topic longer than {MAX_TOPIC_LENGTH} characters")
    return tuple(dict.fromkeys(topic for topic in topics if topic))


async def import_people(
    uow: UnitOfWork, rows: Iterable[tuple[int, Mapping[str, str | None]]]
) -> ImportReport:
    """Upsert each (line number, row); one bad row never stops the others."""
    report = ImportReport()
    for line, raw in rows:
        try:
            row = parse_row(raw)
        except RowError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        created = await _upsert(uow, row)
        report.created += created
        report.updated += not created
    await uow.commit()
    return report


async def _upsert(uow: UnitOfWork, row: PersonRow) -> bool:
    person = await _find(uow, row)
    created = person is None
    if person is None:
        person = await uow.people.add(Person(name=row.name))
    person.name = row.name
    person.email = row.email or person.email
    person.team = row.team or person.team
    person.timezone = row.timezone or person.timezone
    if row.slack_user_id:
        await uow.people.link(person, Platform.SLACK, row.slack_user_id)
    if row.teams_user_id:
        await uow.people.link(person, Platform.TEAMS, row.teams_user_id)
    assert person.id is not None
    for kind, names in (
        (TopicKind.KNOWS, row.knows),
        (TopicKind.WANTS_TO_LEARN, row.wants_to_learn),
    ):
        topic_ids = [(await uow.topics.get_or_create(name)).id for name in names]
        await uow.topics.set_person_topics(
            person.id, kind, TopicSource.DECLARED, [t for t in topic_ids if t is not None]
        )
    return created


async def _find(uow: UnitOfWork, row: PersonRow) -> Person | None:
    if row.email and (person := await uow.people.by_email(row.email)):
        return person
    for platform, user_id in (
        (Platform.SLACK, row.slack_user_id),
        (Platform.TEAMS, row.teams_user_id),
    ):
        if user_id and (person := await uow.people.by_identity(platform, user_id)):
            return person
    return None


async def export_people(uow: UnitOfWork) -> list[dict[str, str]]:
    """The same columns as the import, so an export can be edited and re-imported."""
    rows = []
    for person in await uow.people.list():
        assert person.id is not None
        ids = {i.platform: i.user_id for i in await uow.people.identities(person.id)}
        topics = await uow.topics.person_topics(person.id)
        declared = [(pt.kind, t.name) for pt, t in topics if pt.source == TopicSource.DECLARED]
        rows.append(
            {
                "name": person.name,
                "email": person.email or "",
                "slack_user_id": ids.get(Platform.SLACK, ""),
                "teams_user_id": ids.get(Platform.TEAMS, ""),
                "team": person.team or "",
                "timezone": person.timezone or "",
                "knows": ";".join(n for k, n in declared if k == TopicKind.KNOWS),
                "wants_to_learn": ";".join(n for k, n in declared if k == TopicKind.WANTS_TO_LEARN),
            }
        )
    return rows


async def who_knows_what(uow: UnitOfWork) -> dict[str, list[str]]:
    """Topic -> names of the people who declared they know it, for a quick overview."""
    people = {p.id: p.name for p in await uow.people.list()}
    directory: dict[str, list[str]] = {}
    for person_topic, topic in await uow.topics.all_person_topics():
        if person_topic.kind == TopicKind.KNOWS and person_topic.person_id in people:
            directory.setdefault(topic.name, []).append(people[person_topic.person_id])
    return {name: sorted(names) for name, names in sorted(directory.items())}
