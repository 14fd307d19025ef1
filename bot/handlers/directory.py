"""Finding experts on demand: `/learnlink experts TOPIC`, `/experts TOPIC`."""

from __future__ import annotations

from bot.domain.model import Person
from bot.handlers.context import Context
from bot.rendering.views import ExpertLine, ExpertList

MAX_SHOWN = 5


async def find_experts(ctx: Context, platform: str, user_id: str, topic: str) -> ExpertList:
    """Who knows about `topic`, best first, never showing opted-out or paused people."""
    now = ctx.clock.now()
    allow_guests = ctx.settings.organisation.allow_guests
    async with ctx.uow() as uow:
        people = {p.id: p for p in await uow.people.list() if p.id is not None}
        reachable = await uow.people.user_ids(platform)
        me = await uow.people.by_identity(platform, user_id)
    visible = {
        pid
        for pid, person in people.items()
        if person.is_available(now, allow_guests=allow_guests) and (me is None or pid != me.id)
    }
    ranked = [
        r
        for r in ctx.expertise.rank(topic, now, candidates=visible, limit=MAX_SHOWN)
        if r.relevance > 0
    ]
    lines = tuple(_line(people[int(r.person_id)], reachable, r.reasons) for r in ranked)
    return ExpertList(topic=topic, experts=lines)


def _line(person: Person, reachable: dict[int, str], reasons: tuple[str, ...]) -> ExpertLine:
    return ExpertLine(person.name, reachable.get(person.id or 0), tuple(reasons[:3]))
