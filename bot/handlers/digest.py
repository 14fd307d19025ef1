"""The weekly digest: open questions to the people who know their topics, gaps to admins.

Questions nobody picked up are not lost: once a week each expert hears about
the unanswered ones in their topics, and admins see which topics people ask
about with nobody answering (knowledge gaps).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.domain.model import Person, Question, QuestionStatus, TopicKind
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.handlers.routing import working_hours
from bot.matching.policy import QuietHours
from bot.rendering.views import Notice

log = logging.getLogger("learnlink.digest")
WEEK = timedelta(days=7)
OPEN = {
    QuestionStatus.OPEN,
    QuestionStatus.ROUTING,
    QuestionStatus.FALLBACK,
    QuestionStatus.UNROUTED,
}


async def send_weekly_digest(ctx: Context) -> int:
    """DM each expert with open questions in their topics; returns messages sent.

    Runs every hour: from the digest's scheduled time on, each person gets
    this week's digest once, at the first run that falls in their own working
    hours and outside quiet hours (so Sydney does not get it at 20:00).
    """
    now = ctx.clock.now()
    fire = digest_time(ctx, now)
    period = this_week(fire)
    async with ctx.uow() as uow:
        open_questions = [q for q in await uow.questions.since(fire - WEEK) if q.status in OPEN]
        experts = await _experts_by_topic(uow)
        people = {p.id: p for p in await uow.people.list() if _good_time(ctx, p, now)}
        addresses = await _addresses(uow)
    sent = 0
    for person_id, questions in _digest_for(open_questions, experts).items():
        person = people.get(person_id)
        if person is not None:
            sent += await _send(
                ctx, addresses, person, expert_digest(questions), f"digest:{period}"
            )
    gaps = knowledge_gaps(open_questions)
    for admin in (p for p in people.values() if p.is_admin):
        sent += await _send(ctx, addresses, admin, gap_digest(gaps), f"gaps:{period}")
    return sent


def digest_time(ctx: Context, now: datetime) -> datetime:
    """The latest scheduled digest time (scheduler.digest_cron) at or before `now`."""
    zone = ZoneInfo(ctx.settings.scheduler.timezone)
    fire: datetime = croniter(ctx.settings.scheduler.digest_cron, now.astimezone(zone)).get_prev(
        datetime
    )
    return fire.astimezone(now.tzinfo)


def _good_time(ctx: Context, person: Person, now: datetime) -> bool:
    """Available, in their working hours, and not in quiet hours, in their own timezone."""
    settings = ctx.settings
    if not person.is_available(now, allow_guests=settings.organisation.allow_guests):
        return False
    hours = working_hours(person, settings)
    quiet = QuietHours.parse(settings.quiet_hours.start, settings.quiet_hours.end)
    return hours.contains(now) and not quiet.contains(now, hours.timezone)


async def _experts_by_topic(uow: UnitOfWork) -> dict[str, set[int]]:
    experts: dict[str, set[int]] = defaultdict(set)
    for person_topic, topic in await uow.topics.all_person_topics():
        if person_topic.kind == TopicKind.KNOWS:
            experts[topic.name].add(person_topic.person_id)
    return experts


def _digest_for(
    questions: list[Question], experts: dict[str, set[int]]
) -> dict[int, list[Question]]:
    """Each expert's open questions: about their topics and not asked by them."""
    digest: dict[int, list[Question]] = defaultdict(list)
    for question in questions:
        for person_id in set().union(*(experts.get(t, set()) for t in question.topics)):
            if person_id != question.asker_id:
                digest[person_id].append(question)
    return digest


def expert_digest(questions: list[Question]) -> Notice:
    topics = Counter(t for q in questions for t in q.topics)
    about = ", ".join(f"{count} about {topic}" for topic, count in topics.most_common(3))
    count = len(questions)
    return Notice(
        f"{count} unanswered question{'s' if count != 1 else ''} this week ({about}). "
        "Could you help with one?",
        quotes=tuple(_line(q) for q in questions[:10]),
    )


def _line(question: Question) -> str:
    if question.is_private and question.source == "channel":
        return f"A question about {', '.join(question.topics)} in a private channel"
    text = question.text if len(question.text) <= 140 else question.text[:139] + "…"
    return f"{text} {question.permalink or ''}".strip()


def knowledge_gaps(questions: list[Question]) -> list[tuple[str, int]]:
    """Topics asked about this week that are still unanswered, most asked first."""
    return Counter(t for q in questions for t in q.topics).most_common(10)


def gap_digest(gaps: list[tuple[str, int]]) -> Notice:
    if not gaps:
        return Notice("No knowledge gaps this week: every question found someone to answer it.")
    lines = tuple(f"{topic}: {count} unanswered" for topic, count in gaps)
    return Notice("Knowledge gaps this week (asked, nobody answered yet):", lines=lines)


async def _addresses(uow: UnitOfWork) -> dict[int, tuple[str, str]]:
    """Person id -> (platform, user id), preferring Slack where a person has both."""
    found: dict[int, tuple[str, str]] = {}
    for platform in ("teams", "slack"):
        for person_id, user_id in (await uow.people.user_ids(platform)).items():
            found[person_id] = (platform, user_id)
    return found


async def _send(
    ctx: Context, addresses: dict[int, tuple[str, str]], person: Person, view: Notice, key: str
) -> int:
    address = addresses.get(person.id or 0)
    gateway = ctx.gateway(address[0]) if address else None
    if address is None or gateway is None:
        log.info("digest for person %s not sent: not reachable", person.id)
        return 0
    workspace = await _workspace_of(ctx, person)
    await gateway.send_direct(workspace, [address[1]], view, key=f"{key}:{person.id}")
    return 1


async def _workspace_of(ctx: Context, person: Person) -> str:
    async with ctx.uow() as uow:
        for identity in await uow.people.identities(person.id or 0):
            if identity.workspace_id is not None:
                workspace = await uow.workspaces.get(identity.workspace_id)
                if workspace is not None:
                    return workspace.external_id
    return ""


def this_week(now: datetime) -> str:
    """ISO week, so each week's digest has its own idempotency key."""
    return f"{now:%G-W%V}"
