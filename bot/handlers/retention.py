"""Retention: message text is kept only as long as the settings allow.

The facts (who answered what topic, when) stay and keep the expertise index
useful; the words people wrote are blanked once they are older than
retention.message_text_days, and processed inbox events are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.handlers.context import Context


@dataclass(frozen=True)
class Purged:
    evidence_texts: int
    message_texts: int
    inbox_events: int


async def apply_retention(ctx: Context) -> Purged:
    now = ctx.clock.now()
    text_cutoff = now - timedelta(days=ctx.settings.retention.message_text_days)
    inbox_cutoff = now - timedelta(days=ctx.settings.retention.inbox_days)
    async with ctx.uow() as uow:
        purged = Purged(
            evidence_texts=await uow.evidence.forget_text_before(text_cutoff),
            message_texts=await uow.questions.forget_text_before(text_cutoff),
            inbox_events=await uow.inbox.purge_processed(inbox_cutoff),
        )
        await uow.commit()
    return purged
