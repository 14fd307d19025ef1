"""Capturing questions: channel messages, mentions, /ask, the shortcut, reactions.

A message becomes a question when detection says so (or it is an explicit
ask); it is stored once per message, the asker's curiosity is recorded as
evidence, and routing starts. Replies in the thread of a tracked question
are answers (see feedback.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Evidence, Question, QuestionStatus
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.handlers.directory import find_experts
from bot.handlers.events import MessagePosted
from bot.handlers.expertise import observed
from bot.handlers.feedback import record_answer
from bot.handlers.people import person_for
from bot.handlers.routing import advance, route_question
from bot.matching.detection import MessageFacts, detect_question
from bot.rendering.views import Notice

MAX_QUESTION_CHARS = 4000


@dataclass(frozen=True)
class Captured:
    """What became of a message: a question (with its id), an answer, or nothing."""

    outcome: str  # "question", "duplicate", "answer", "ignored", "off"
    reason: str = ""
    question_id: int | None = None


async def capture_message(ctx: Context, message: MessagePosted) -> Captured:
    if message.thread_id and message.thread_id != message.message_id:
        recorded = await record_answer(ctx, message)
        return Captured("answer" if recorded else "ignored", "thread reply", recorded)
    # detection first: most channel messages are not questions, and they
    # should cost no database round trip at all
    detection = detect_question(
        MessageFacts(
            text=message.text,
            is_bot=message.is_bot,
            subtype=message.subtype,
            in_thread=False,
            explicit=message.explicit,
        )
    )
    if not detection.is_question:
        return Captured("ignored", detection.reason)
    mode = await channel_mode(ctx, message)
    if mode == "off" and not message.explicit:
        return Captured("off", "capture is off in this channel")
    question_id, new = await _store_question(ctx, message)
    if mode == "suggest-only" and not message.explicit:
        await _suggest_in_thread(ctx, message, question_id)  # keyed: posted once
    elif new or await _resume_routing(ctx, question_id):
        await route_question(ctx, question_id)
        await _tell_asker(ctx, message, question_id)
    return Captured("question" if new else "duplicate", detection.reason, question_id)


async def _resume_routing(ctx: Context, question_id: int) -> bool:
    """A question seen before: finish what a crash may have cut short.

    The question is committed before it is routed, so a process killed in
    between leaves it open, and the retried event finds it stored: True means
    it still needs routing. One already routing gets its due asks sent (each
    keyed, so nobody is asked twice), as the periodic job would do later.
    """
    async with ctx.uow() as uow:
        question = await uow.questions.get(question_id)
    if question is None:
        return False
    if question.status == QuestionStatus.ROUTING:
        await advance(ctx, question_id)
    return question.status == QuestionStatus.OPEN


async def channel_mode(ctx: Context, message: MessagePosted) -> str:
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(message.platform, message.workspace_id)
        channel = await uow.channels.get(workspace.id or 0, message.channel_id)
    if channel is not None and channel.capture_mode:
        return channel.capture_mode
    return ctx.settings.routing.default_channel_mode


async def channel_mode_set(
    ctx: Context, platform: str, workspace_id: str, channel_id: str, mode: str
) -> None:
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(platform, workspace_id)
        channel = await uow.channels.get_or_create(workspace.id or 0, channel_id)
        channel.capture_mode = mode
        await uow.commit()


async def _store_question(ctx: Context, message: MessagePosted) -> tuple[int, bool]:
    """Store once per message: a retried event finds the question already there."""
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(message.platform, message.workspace_id)
        assert workspace.id is not None
        existing = await uow.questions.by_message(
            workspace.id, message.channel_id, message.message_id
        )
        if existing is not None and existing.id is not None:
            return existing.id, False
        asker = await person_for(uow, message.platform, message.user_id)
        question = await uow.questions.add(_question(ctx, message, workspace.id, asker.id or 0))
        assert question.id is not None
        evidence = await _curiosity(uow, ctx, question)
        await uow.commit()
    ctx.expertise.observe([observed(evidence)])
    return question.id, True


def _question(ctx: Context, message: MessagePosted, workspace_id: int, asker_id: int) -> Question:
    return Question(
        workspace_id=workspace_id,
        asker_id=asker_id,
        text=message.text[:MAX_QUESTION_CHARS],
        channel_id=message.channel_id,
        message_id=message.message_id,
        thread_id=message.message_id,
        permalink=message.permalink,
        source=message.source,
        is_private=message.channel_is_private,
        topics=ctx.expertise.topics(message.text[:MAX_QUESTION_CHARS]),
        created_at=ctx.clock.now(),
    )


async def _curiosity(uow: UnitOfWork, ctx: Context, question: Question) -> Evidence:
    """Asking is a 'wants to learn' signal for the asker, never expertise."""
    return await uow.evidence.add(
        Evidence(
            person_id=question.asker_id,
            kind="asked",
            at=question.created_at,
            text=question.text,
            question_id=question.id,
            channel_id=question.channel_id,
        )
    )


async def _suggest_in_thread(ctx: Context, message: MessagePosted, question_id: int) -> None:
    """Suggest-only channels: name who may know in the thread, DM nobody."""
    gateway = ctx.gateway(message.platform)
    if gateway is None:
        return
    found = await find_experts(ctx, message.platform, message.user_id, message.text)
    if not found.experts:
        return
    lines = tuple(f"{e.name}: {'; '.join(e.reasons[:1])}" for e in found.experts[:3])
    await gateway.post(
        message.workspace_id,
        message.channel_id,
        Notice("People who may know about this:", lines=lines),
        key=f"suggest:{question_id}",
        thread_id=message.message_id,
    )


async def _tell_asker(ctx: Context, message: MessagePosted, question_id: int) -> None:
    """A short note only the asker sees: who was asked, about what."""
    gateway = ctx.gateway(message.platform)
    if gateway is None:
        return
    async with ctx.uow() as uow:
        question = await uow.questions.get(question_id)
        referrals = await uow.referrals.for_question(question_id)
    if question is None:
        return
    asked = sum(r.asked_at is not None for r in referrals)
    queued = sum(r.state == "queued" for r in referrals)
    about = f" who know about {', '.join(question.topics[:3])}" if question.topics else ""
    if asked:
        text = f"I asked {asked} {'person' if asked == 1 else 'people'}{about} to help."
    elif queued:
        people = "person" if queued == 1 else "people"
        text = f"I'll ask {queued} {people}{about} when their day starts."
    else:
        text = "I couldn't find anyone to ask yet; your question goes into the weekly digest."
    await gateway.post_ephemeral(
        message.workspace_id, message.channel_id, message.user_id, Notice(text)
    )
