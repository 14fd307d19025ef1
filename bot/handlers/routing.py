"""Routing use cases: plan who to ask for a question, ask them in waves, fall back.

`route_question` ranks and plans once (referrals in state queued, each with
the earliest time it may be sent); `advance` is called after every change
(a decline, a timeout, the periodic job) and sends the next wave. State lives
in the database, so a restart resumes where it stopped, and every DM carries
an idempotency key so a repeated `advance` never asks anyone twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import (
    ENGAGED_REFERRAL_STATES,
    Person,
    Question,
    QuestionStatus,
    Referral,
    ReferralState,
)
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.matching.expertise import RankedExpert
from bot.matching.policy import Candidate, Limits, Load, QuietHours, WorkingHours, plan
from bot.rendering.views import ExpertAsk, Notice
from bot.settings import Settings

log = logging.getLogger("learnlink.routing")
CLOSED = {QuestionStatus.RESOLVED, QuestionStatus.FALLBACK, QuestionStatus.UNROUTED}


@dataclass(frozen=True)
class Wave:
    """What `advance` decided: who to ask now, and whether the question fell back."""

    question: Question
    platform: str
    workspace: str
    asks: tuple[tuple[Referral, str], ...] = ()  # (referral, platform user id)
    fallback: bool = False


def limits_from(settings: Settings) -> Limits:
    """The policy's limits; relevance is already filtered (see `relevant`), not re-cut here."""
    routing = settings.routing
    return Limits(
        asks_at_once=routing.asks_at_once,
        max_asks_per_day=routing.max_asks_per_day,
        min_gap=timedelta(minutes=routing.min_gap_minutes),
        accept_timeout=timedelta(minutes=routing.accept_timeout_minutes),
        load_spread=routing.load_spread,
        min_relative_score=0.0,
        max_candidates=routing.max_candidates,
        quiet=QuietHours.parse(settings.quiet_hours.start, settings.quiet_hours.end),
    )


def relevant(ranked: Sequence[RankedExpert], minimum: float) -> list[RankedExpert]:
    """Only people whose evidence matches the question's words: being active is not enough.

    `minimum` is a share of the best text match, so a strong expert does not
    drown out everyone who merely declared the topic.
    """
    return [r for r in ranked if r.relevance > 0 and r.relevance >= minimum]


def working_hours(person: Person, settings: Settings) -> WorkingHours:
    org = settings.organisation
    return WorkingHours.parse(
        person.timezone or org.default_timezone,
        person.working_hours_start or org.working_hours_start,
        person.working_hours_end or org.working_hours_end,
        org.working_days,
    )


async def route_question(ctx: Context, question_id: int) -> int:
    """Rank and plan the referrals of a new question, then send the first wave.

    Returns the number of people planned (0 means nobody fits: the question
    is left for the digest or the fallback channel).
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        question = await uow.questions.get(question_id)
        if question is None or question.status != QuestionStatus.OPEN:
            return 0
        platform = (await _workspace(uow, question.workspace_id))[0]
        reachable = await uow.people.user_ids(platform)
        eligible = await _eligible(uow, ctx.settings, now, question, reachable)
        with ctx.metrics.routing_seconds.time():
            ranked = relevant(
                ctx.expertise.rank(
                    question.text,
                    now,
                    candidates=eligible,
                    limit=ctx.settings.routing.max_candidates * 2,
                ),
                ctx.settings.routing.min_relative_score,
            )
        loads = await loads_at(uow, now, {int(r.person_id) for r in ranked}, ctx.settings)
        candidates = [
            Candidate(
                r.person_id,
                r.score,
                working_hours(eligible[int(r.person_id)], ctx.settings),
                loads.get(int(r.person_id), Load()),
            )
            for r in ranked
        ]
        reasons = {r.person_id: "; ".join(r.reasons[:2]) for r in ranked}
        planned = plan(candidates, now, limits_from(ctx.settings), urgent=question.urgent)
        for rank, item in enumerate(planned, start=1):
            await uow.referrals.add(
                Referral(
                    question_id,
                    int(item.person_id),
                    rank,
                    round(item.adjusted, 6),
                    reason=reasons[item.person_id][:500],
                    due_at=item.due_at,
                    created_at=now,
                )
            )
        question.topics = ctx.expertise.topics(question.text)
        question.status = QuestionStatus.ROUTING
        await uow.commit()
    await advance(ctx, question_id)
    return len(planned)


async def _eligible(
    uow: UnitOfWork,
    settings: Settings,
    now: datetime,
    question: Question,
    reachable: dict[int, str],
) -> dict[int, Person]:
    """People who may be asked at all: reachable, available, not the asker."""
    allow_guests = settings.organisation.allow_guests
    return {
        person.id: person
        for person in await uow.people.list()
        if person.id is not None
        and person.id != question.asker_id
        and person.id in reachable
        and person.is_available(now, allow_guests=allow_guests)
    }


async def loads_at(
    uow: UnitOfWork, now: datetime, person_ids: set[int], settings: Settings
) -> dict[int, Load]:
    """Asks per person today (in their timezone), in the last week, and the last one."""
    day_starts = {}
    for pid in person_ids:
        person = await uow.people.get(pid)
        zone = ZoneInfo((person and person.timezone) or settings.organisation.default_timezone)
        local = now.astimezone(zone)
        day_starts[pid] = local.replace(hour=0, minute=0, second=0, microsecond=0)
    loads = await uow.referrals.loads(day_starts, now - timedelta(days=7))
    return {pid: Load(today, week, last) for pid, (today, week, last) in loads.items()}


async def advance(ctx: Context, question_id: int) -> Wave | None:
    """Expire stale asks, send the next wave, or hand the question to the fallback."""
    wave = await _next_wave(ctx, question_id)
    if wave is None:
        return None
    for referral, user_id in wave.asks:
        await _send_ask(ctx, wave, referral, user_id)
    if wave.fallback:
        await _fall_back(ctx, wave)
    return wave


async def _next_wave(ctx: Context, question_id: int) -> Wave | None:
    now = ctx.clock.now()
    limits = limits_from(ctx.settings)
    async with ctx.uow() as uow:
        question = await uow.questions.get(question_id)
        if question is None or question.status in CLOSED:
            return None
        platform, workspace = await _workspace(uow, question.workspace_id)
        referrals = list(await uow.referrals.for_question(question_id))
        engaged = any(r.state in ENGAGED_REFERRAL_STATES for r in referrals)
        if engaged or question.status == QuestionStatus.ANSWERED:
            return None
        for referral in referrals:
            asked_at = referral.asked_at
            if referral.state == ReferralState.ASKED and asked_at and _stale(asked_at, now, limits):
                referral.state = ReferralState.EXPIRED
                ctx.metrics.referrals.labels(ReferralState.EXPIRED).inc()
        active = sum(r.state == ReferralState.ASKED for r in referrals)
        # Marked asked but no message recorded: a crash may have cut the send short.
        # Sending again is safe: the delivery key lets the DM out at most once.
        unsent = [r for r in referrals if r.state == ReferralState.ASKED and not r.message_id]
        queued = [r for r in referrals if r.state == ReferralState.QUEUED]
        slots = limits.asks_at_once - active
        chosen = await _due(uow, ctx, queued, now, slots, urgent=question.urgent)
        reachable = await uow.people.user_ids(platform) if unsent or chosen else {}
        for referral in chosen:
            referral.state = ReferralState.ASKED
            referral.asked_at = now
            ctx.metrics.referrals.labels(ReferralState.ASKED).inc()
        fallback = not chosen and active == 0 and not queued
        if fallback:
            question.status = QuestionStatus.FALLBACK
        await uow.commit()
        asks = tuple(
            (r, reachable[r.person_id]) for r in [*unsent, *chosen] if r.person_id in reachable
        )
        return Wave(question, platform, workspace, asks, fallback)


def _stale(asked_at: datetime, now: datetime, limits: Limits) -> bool:
    return asked_at + limits.accept_timeout <= now


async def _due(
    uow: UnitOfWork,
    ctx: Context,
    queued: Sequence[Referral],
    now: datetime,
    slots: int,
    *,
    urgent: bool,
) -> list[Referral]:
    """Queued referrals that may be sent now, re-checked against today's load."""
    if slots <= 0:
        return []
    limits = limits_from(ctx.settings)
    loads = await loads_at(uow, now, {r.person_id for r in queued}, ctx.settings)
    chosen: list[Referral] = []
    for referral in queued:
        person = await uow.people.get(referral.person_id)
        if person is None or not person.is_available(
            now, allow_guests=ctx.settings.organisation.allow_guests
        ):
            referral.state = ReferralState.EXPIRED
            continue
        load = loads.get(referral.person_id, Load())
        hours = working_hours(person, ctx.settings)
        candidate = Candidate(str(person.id), referral.score, hours, load)
        due = plan([candidate], now, limits, urgent=urgent)
        if due and due[0].due_at <= now:
            chosen.append(referral)
        if len(chosen) == slots:
            break
    return chosen


async def _workspace(uow: UnitOfWork, workspace_id: int) -> tuple[str, str]:
    workspace = await uow.workspaces.get(workspace_id)
    assert workspace is not None, f"question refers to missing workspace {workspace_id}"
    return workspace.platform, workspace.external_id


async def _send_ask(ctx: Context, wave: Wave, referral: Referral, user_id: str) -> None:
    gateway = ctx.gateway(wave.platform)
    if gateway is None:
        log.warning("no %s gateway: referral %s not sent", wave.platform, referral.id)
        return
    view = await _ask_view(ctx, wave.question, referral)
    try:
        sent = await gateway.send_direct(wave.workspace, [user_id], view, key=f"ask:{referral.id}")
    except Exception:
        log.exception("could not send referral %s; it goes back to the queue", referral.id)
        await _set_state(ctx, referral, ReferralState.QUEUED, asked_at=None)
        return
    if not sent.message_id:
        return  # the key is held by a send still in flight: that one records the message
    async with ctx.uow() as uow:
        stored = await uow.referrals.get(referral.id or 0)
        if stored is not None:
            stored.message_channel, stored.message_id = sent.channel, sent.message_id
            await uow.commit()


async def _ask_view(ctx: Context, question: Question, referral: Referral) -> ExpertAsk:
    async with ctx.uow() as uow:
        asker = await uow.people.get(question.asker_id)
    private = question.is_private and question.source == "channel"
    topics = tuple(question.topics)
    text = question.text
    if private:
        about = ", ".join(topics) or "a topic you know"
        text = f"A question about {about}, asked in a private channel."
    return ExpertAsk(
        referral_id=referral.id or 0,
        asker_name=asker.name if asker else "A colleague",
        question_text=text,
        reason=referral.reason,
        permalink=None if private else question.permalink,
        topics=topics,
    )


async def _set_state(ctx: Context, referral: Referral, state: str, **fields: object) -> None:
    async with ctx.uow() as uow:
        stored = await uow.referrals.get(referral.id or 0)
        if stored is not None:
            stored.state = state
            for name, value in fields.items():
                setattr(stored, name, value)
            await uow.commit()


async def _fall_back(ctx: Context, wave: Wave) -> None:
    """Nobody could help: post in the fallback channel, or leave it for the digest."""
    channel = ctx.settings.routing.fallback_channel
    gateway = ctx.gateway(wave.platform)
    if not channel or gateway is None:
        log.info("question %s waits for the digest: nobody available", wave.question.id)
        return
    topics = ", ".join(wave.question.topics) or "this"
    view = Notice(
        f"Nobody I asked could help with a question about {topics}. Can anyone here?",
        lines=(wave.question.permalink or "",) if not wave.question.is_private else (),
    )
    await gateway.post(wave.workspace, channel, view, key=f"fallback:{wave.question.id}")


async def advance_open_questions(ctx: Context) -> int:
    """The periodic job: move every question still routing on; returns asks sent."""
    limits = limits_from(ctx.settings)
    stale_before = ctx.clock.now() - limits.accept_timeout
    async with ctx.uow() as uow:
        ids = await uow.questions.to_advance(stale_before, limits.asks_at_once)
    sent = 0
    for question_id in ids:
        wave = await advance(ctx, question_id)
        sent += len(wave.asks) if wave else 0
    return sent
