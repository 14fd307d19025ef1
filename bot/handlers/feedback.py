"""Feedback: what experts and askers do after a question is routed.

Every outcome is stored twice: as referral/question state (so routing moves
on) and as evidence (so the expertise index learns: an answer is evidence
of knowing, a resolving answer more so, a "not me" lowers that topic).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Answer, Evidence, Question, QuestionStatus, ReferralState
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.handlers.events import MessagePosted, ReactionAdded
from bot.handlers.expertise import observed
from bot.handlers.people import person_for
from bot.handlers.routing import advance
from bot.rendering.callbacks import QuestionAction, ReferralAction
from bot.rendering.views import Notice, resolve_button

RESOLVED_REACTIONS = {"white_check_mark", "heavy_check_mark", "check", "white_tick"}
MAX_ANSWER_CHARS = 4000


async def respond_to_ask(
    ctx: Context, platform: str, user_id: str, action: ReferralAction
) -> Notice:
    """An expert clicked I can help / Not me / Not now on an ask."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        referral = await uow.referrals.get(action.referral_id)
        person = await uow.people.by_identity(platform, user_id)
        if referral is None or person is None or referral.person_id != person.id:
            return Notice("This request was meant for someone else, so I left it as it was.")
        if referral.state not in (ReferralState.ASKED, ReferralState.QUEUED):
            return Notice(f"You already answered this one ({referral.state}). Thanks!")
        question = await uow.questions.get(referral.question_id)
        assert question is not None
        referral.responded_at = now
        referral.state = {
            "accept": ReferralState.ACCEPTED,
            "decline": ReferralState.DECLINED,
            "snooze": ReferralState.SNOOZED,
        }[action.action]
        ctx.metrics.referrals.labels(referral.state).inc()
        evidence = None
        if action.action == "accept" and question.first_response_at is None:
            question.first_response_at = now
        if action.action == "decline":
            evidence = await uow.evidence.add(_not_me(person.id or 0, question, now))
        await uow.commit()
    if evidence is not None:
        ctx.expertise.observe([observed(evidence)])
    if action.action == "accept":
        await _announce_helper(ctx, question, user_id)
        return Notice("Thanks! I told the asker in the thread that you're on it.")
    await advance(ctx, question.id or 0)
    if action.action == "decline":
        return Notice("Got it, I won't ask you about this again and I'll learn from it.")
    return Notice("No problem, I'll ask someone else this time.")


def _not_me(person_id: int, question: Question, now: datetime) -> Evidence:
    """ "Not me" lowers what the question is about for this person."""
    return Evidence(person_id, "not_me", now, text=question.text, question_id=question.id)


async def _announce_helper(ctx: Context, question: Question, user_id: str) -> None:
    gateway = ctx.gateway(await _platform(ctx, question))
    if gateway is None or not question.channel_id or not question.thread_id:
        return
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get(question.workspace_id)
    mention = f"<@{user_id}>"
    note = Notice(
        f"{mention} knows about this and is on it. When you have your answer, press Resolved.",
        buttons=(resolve_button(question.id or 0),),
    )
    await gateway.post(
        workspace.external_id if workspace else "",
        question.channel_id,
        note,
        key=f"on-it:{question.id}:{user_id}",
        thread_id=question.thread_id,
    )


async def _platform(ctx: Context, question: Question) -> str:
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get(question.workspace_id)
    return workspace.platform if workspace else ""


async def record_answer(ctx: Context, message: MessagePosted) -> int | None:
    """A reply in the thread of a tracked question; returns the question id if recorded."""
    if message.is_bot or message.subtype or not message.thread_id:
        return None
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(message.platform, message.workspace_id)
        question = await uow.questions.by_thread(
            workspace.id or 0, message.channel_id, message.thread_id
        )
        if question is None or question.id is None:
            return None
        person = await person_for(uow, message.platform, message.user_id)
        if person.id == question.asker_id:
            return None  # the asker following up is not an answer
        if await uow.questions.answer_by_message(question.id, message.message_id):
            return question.id
        evidence = await _answered(uow, ctx, question, person.id or 0, message)
        await uow.commit()
    ctx.expertise.observe([observed(evidence)])
    return question.id


async def _answered(
    uow: UnitOfWork, ctx: Context, question: Question, person_id: int, message: MessagePosted
) -> Evidence:
    now = ctx.clock.now()
    text = message.text[:MAX_ANSWER_CHARS]
    await uow.questions.add_answer(
        Answer(question.id or 0, person_id, text, message.message_id, created_at=now)
    )
    question.first_response_at = question.first_response_at or now
    if question.status != QuestionStatus.RESOLVED:
        question.status = QuestionStatus.ANSWERED
    for referral in await uow.referrals.for_question(question.id or 0):
        if referral.person_id == person_id:
            referral.state = ReferralState.HELPED
    return await uow.evidence.add(
        Evidence(
            person_id,
            "answer",
            now,
            text=f"{question.text}\n{text}",
            question_id=question.id,
            channel_id=question.channel_id,
        )
    )


async def record_reaction(ctx: Context, reaction: ReactionAdded) -> str:
    """A check mark from the asker resolves; other reactions on an answer count a little."""
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(reaction.platform, reaction.workspace_id)
        found = await uow.questions.answer_at(
            workspace.id or 0, reaction.channel_id, reaction.message_id
        )
        if found is None:
            return "ignored"
        question, answer = found
        reactor = await person_for(uow, reaction.platform, reaction.user_id)
        if reactor.id == answer.person_id:
            return "ignored"
        is_asker = reactor.id == question.asker_id
        if is_asker and reaction.reaction in RESOLVED_REACTIONS:
            evidence = await _resolve(uow, ctx, question, answer)
            outcome = "resolved"
        else:
            answer.reactions += 1
            evidence = await uow.evidence.add(
                Evidence(
                    answer.person_id,
                    "reaction",
                    ctx.clock.now(),
                    text=f"{question.text}\n{answer.text or ''}",
                    question_id=question.id,
                )
            )
            outcome = "reaction"
        await uow.commit()
    ctx.expertise.observe([observed(evidence)])
    return outcome


async def resolve_from_button(
    ctx: Context, platform: str, user_id: str, action: QuestionAction
) -> Notice:
    return await resolve_question(ctx, platform, user_id, action.question_id)


async def resolve_question(ctx: Context, platform: str, user_id: str, question_id: int) -> Notice:
    """The asker's "Resolved" button: the latest answer is the one that resolved it."""
    async with ctx.uow() as uow:
        question = await uow.questions.get(question_id)
        person = await uow.people.by_identity(platform, user_id)
        if question is None or person is None or person.id != question.asker_id:
            return Notice("Only the person who asked can mark a question resolved.")
        if question.status == QuestionStatus.RESOLVED:
            return Notice("This question is already resolved.")
        answers = await uow.questions.answers(question_id)
        if not answers:
            question.status = QuestionStatus.RESOLVED
            question.resolved_at = ctx.clock.now()
            await uow.commit()
            return Notice("Marked resolved. Glad it worked out!")
        evidence = await _resolve(uow, ctx, question, answers[-1])
        await uow.commit()
    ctx.expertise.observe([observed(evidence)])
    return Notice("Marked resolved, and I'll remember who helped.")


async def _resolve(uow: UnitOfWork, ctx: Context, question: Question, answer: Answer) -> Evidence:
    now = ctx.clock.now()
    answer.resolving = True
    question.status = QuestionStatus.RESOLVED
    question.resolved_at = now
    question.resolved_answer_id = answer.id
    return await uow.evidence.add(
        Evidence(
            answer.person_id,
            "resolved_answer",
            now,
            text=f"{question.text}\n{answer.text or ''}",
            question_id=question.id,
        )
    )
