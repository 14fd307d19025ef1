"""The weekly digest: each expert once a week, in their own working hours."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.handlers.ask import capture_message
from bot.handlers.digest import send_weekly_digest
from bot.rendering.views import Notice
from tests.handlers.conftest import World, message

MONDAY_0905_UTC = datetime(2026, 3, 9, 9, 5, tzinfo=UTC)


async def test_experts_get_open_questions_once_in_their_own_hours(world: World) -> None:
    services, gateway, clock = world
    async with services.uow() as uow:
        for person in await uow.people.list():
            person.opted_out = person.name not in ("Sam Sydney", "Asker")  # nobody to ask now
        await uow.commit()
    await capture_message(services.context, message("Why is postgresql vacuum so slow?"))
    clock.current = MONDAY_0905_UTC  # 20:05 in Sydney: after work
    assert await send_weekly_digest(services.context) == 0
    clock.current = datetime(2026, 3, 9, 22, 5, tzinfo=UTC)  # Tuesday 09:05 in Sydney
    assert await send_weekly_digest(services.context) == 1
    digest = gateway.directs()[-1]
    assert digest.targets == ("USYD",) and isinstance(digest.view, Notice)
    assert digest.view.text.startswith("1 unanswered question this week (1 about postgresql)")
    assert digest.view.quotes[0].startswith("Why is postgresql vacuum so slow?")
    clock.current = datetime(2026, 3, 9, 23, 5, tzinfo=UTC)
    await send_weekly_digest(services.context)
    assert [m.targets for m in gateway.directs()].count(("USYD",)) == 1  # once a week


async def test_admins_hear_about_knowledge_gaps(world: World) -> None:
    services, gateway, clock = world
    async with services.uow() as uow:
        asker = await uow.people.by_identity("slack", "UASK")
        assert asker is not None
        asker.is_admin = True
        for person in await uow.people.list():
            person.opted_out = person.name != "Asker"
        await uow.commit()
    await capture_message(services.context, message("How do I set up terraform workspaces?"))
    clock.current = MONDAY_0905_UTC
    await send_weekly_digest(services.context)
    gaps = [m for m in gateway.directs() if m.targets == ("UASK",)]
    assert gaps and "Knowledge gaps this week" in gaps[0].view.text  # type: ignore[union-attr]
    assert "terraform: 1 unanswered" in gaps[0].view.lines  # type: ignore[union-attr]
