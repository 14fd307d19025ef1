"""`/learnlink stats` for admins: is Learnlink helping? The last 30 days in numbers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import median

from bot.domain.model import QuestionStatus
from bot.handlers.context import Context
from bot.rendering.views import Notice

WINDOW = timedelta(days=30)


async def stats(ctx: Context) -> Notice:
    since = ctx.clock.now() - WINDOW
    async with ctx.uow() as uow:
        questions = await uow.questions.since(since)
        referrals = await uow.referrals.asked_since(since)
    statuses = Counter(q.status for q in questions)
    answered = statuses[QuestionStatus.ANSWERED] + statuses[QuestionStatus.RESOLVED]
    waits = [
        (q.first_response_at - q.created_at).total_seconds() / 60
        for q in questions
        if q.first_response_at is not None
    ]
    outcomes = Counter(r.state for r in referrals)
    lines = (
        f"Questions asked: {len(questions)}; answered: {answered}; "
        f"resolved: {statuses[QuestionStatus.RESOLVED]}",
        f"Median time to first response: {median(waits):.0f} min"
        if waits
        else "Median time to first response: no responses yet",
        f"Experts asked: {len(referrals)} times; "
        + ", ".join(f"{state} {count}" for state, count in sorted(outcomes.items())),
        f"Waiting for the digest or a fallback: "
        f"{statuses[QuestionStatus.FALLBACK] + statuses[QuestionStatus.UNROUTED]}",
    )
    return Notice("Learnlink, last 30 days", lines=lines)
