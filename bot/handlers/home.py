"""A person's own learning picture: what they know, asked, and who they learn with."""

from __future__ import annotations

from bot.domain.model import Person, ReferralState, TopicKind
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.handlers.people import person_for
from bot.rendering.views import Home, QuestionLine

SHOWN = 10


async def home_view(ctx: Context, platform: str, user_id: str) -> Home:
    async with ctx.uow() as uow:
        person = await person_for(uow, platform, user_id)
        await uow.commit()
        assert person.id is not None
        topics = await uow.topics.person_topics(person.id)
        asked = [
            _line(q.id or 0, q.text, q.status, q.permalink)
            for q in (await uow.questions.by_asker(person.id))[-SHOWN:]
        ]
        waiting = await _waiting(uow, person.id)
        helped, helped_by = await connections(uow, person.id)
    return Home(
        name=person.name,
        knows=tuple(t.name for pt, t in topics if pt.kind == TopicKind.KNOWS),
        wants_to_learn=tuple(t.name for pt, t in topics if pt.kind == TopicKind.WANTS_TO_LEARN),
        asked=tuple(reversed(asked)),
        waiting_for_you=tuple(waiting),
        helped=tuple(helped),
        helped_by=tuple(helped_by),
        status=_status(person, ctx),
    )


def _line(question_id: int, text: str, status: str, permalink: str | None) -> QuestionLine:
    short = text if len(text) <= 150 else text[:149] + "…"
    return QuestionLine(question_id, short, status, permalink)


async def _waiting(uow: UnitOfWork, person_id: int) -> list[QuestionLine]:
    lines = []
    for referral in await uow.referrals.for_person(person_id):
        if referral.state == ReferralState.ASKED:
            question = await uow.questions.get(referral.question_id)
            if question is not None:
                text = question.text
                if question.is_private and question.source == "channel":
                    text = f"A question about {', '.join(question.topics) or 'your topics'}"
                lines.append(_line(question.id or 0, text, question.status, None))
    return lines[-SHOWN:]


async def connections(uow: UnitOfWork, person_id: int) -> tuple[list[str], list[str]]:
    """Names of the people this person helped, and of those who helped them."""
    helped: list[str] = []
    helped_by: list[str] = []
    for asker_id, helper_id in await uow.questions.help_edges(person_id):
        other = asker_id if helper_id == person_id else helper_id
        person = await uow.people.get(other)
        if person is not None:
            (helped if helper_id == person_id else helped_by).append(person.name)
    return sorted(set(helped)), sorted(set(helped_by))


def _status(person: Person, ctx: Context) -> str:
    if person.opted_out:
        return "Opted out: nobody is routed to you. Send `optin` to take part again."
    if person.paused_until and person.paused_until > ctx.clock.now():
        return f"Paused until {person.paused_until:%a %d %b}. Send `resume` to come back sooner."
    return "Active: colleagues may ask you about what you know."
