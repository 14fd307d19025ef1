"""People the bot cannot reach yet are reported to the admins it can reach, once a day each."""

from __future__ import annotations

import pytest

from bot.bootstrap import Services
from bot.domain.model import Person
from bot.handlers.teams.gateway import NOT_INSTALLED, TeamsGateway, Unreachable
from bot.rendering.views import Notice
from tests.fakes.bot_connector import cards
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import ASKER, Teams
from tests.handlers.teams.test_flows import texts
from tests.handlers.teams.validation import card_errors

REPORT = "I could not reach these people in Teams"


async def add_person(services: Services, name: str, aad: str) -> None:
    """Someone known (imported) but never seen by the bot: no conversation reference."""
    async with services.uow() as uow:
        person = await uow.people.add(Person(name=name))
        await uow.people.link(person, "teams", aad)
        await uow.commit()


async def make_admin(services: Services, aad: str) -> None:
    async with services.uow() as uow:
        person = await uow.people.by_identity("teams", aad)
        assert person is not None
        person.is_admin = True
        await uow.commit()


async def reports(teams: Teams, aad: str) -> list[str]:
    """The texts of the reports `aad` got in their 1:1 chat (opened by the bot)."""
    async with teams.services.uow() as uow:
        person = await uow.people.by_identity("teams", aad)
    chats = [
        c
        for c, scope, p in await teams.references()
        if scope == "personal" and p == (person.id if person else None)
    ]
    found = []
    for chat in chats:
        for call in teams.connector.sent(chat):
            (card,) = cards(call)
            assert card_errors(card) == []
            if REPORT in texts(card):
                found.append(texts(card))
    return found


async def test_an_admin_is_told_who_could_not_be_reached(installed: Teams) -> None:
    await add_person(installed.services, "Gus Ghost", "aad-ghost")
    await add_person(installed.services, "Pat Phantom", "aad-phantom")
    await make_admin(installed.services, "aad-kim")
    gateway = installed.runtime.gateway
    sent = await gateway.send_direct(
        a.TENANT, ["aad-tess", "aad-ghost", "aad-phantom"], Notice("Hello"), key="hello:1"
    )
    assert set(sent.unreachable) == {"aad-ghost", "aad-phantom"}  # type: ignore[attr-defined]
    (report,) = await reports(installed, "aad-kim")
    assert f"Gus Ghost — {NOT_INSTALLED}" in report
    assert f"Pat Phantom — {NOT_INSTALLED}" in report
    assert "Tess" not in report


async def test_each_person_is_reported_once_a_day(installed: Teams) -> None:
    await add_person(installed.services, "Gus Ghost", "aad-ghost")
    await add_person(installed.services, "Pat Phantom", "aad-phantom")
    await make_admin(installed.services, "aad-kim")
    gateway = installed.runtime.gateway
    await gateway.send_direct(a.TENANT, ["aad-tess", "aad-ghost"], Notice("One"), key="k:1")
    await gateway.send_direct(a.TENANT, ["aad-tom", "aad-ghost"], Notice("Two"), key="k:2")
    assert len(await reports(installed, "aad-kim")) == 1  # Gus already reported today

    await gateway.send_direct(
        a.TENANT, ["aad-tom", "aad-ghost", "aad-phantom"], Notice("Three"), key="k:3"
    )
    latest = (await reports(installed, "aad-kim"))[-1]
    assert "Pat Phantom" in latest and "Gus Ghost" not in latest  # only who is new today

    installed.clock.advance(days=1)
    await gateway.send_direct(a.TENANT, ["aad-tom", "aad-ghost"], Notice("Four"), key="k:4")
    assert len(await reports(installed, "aad-kim")) == 3
    assert "Gus Ghost" in (await reports(installed, "aad-kim"))[-1]


async def test_with_nobody_reachable_the_send_fails_and_admins_still_hear(
    installed: Teams,
) -> None:
    await add_person(installed.services, "Gus Ghost", "aad-ghost")
    await make_admin(installed.services, "aad-kim")
    with pytest.raises(Unreachable):
        await installed.runtime.gateway.send_direct(
            a.TENANT, ["aad-ghost"], Notice("Hello"), key="hello:ghost"
        )
    (report,) = await reports(installed, "aad-kim")
    assert "Gus Ghost" in report


async def test_admins_from_the_settings_are_told(installed: Teams) -> None:
    await add_person(installed.services, "Gus Ghost", "aad-ghost")
    services = installed.services
    gateway = TeamsGateway(
        installed.runtime.adapter, None, services.uow, installed.clock, admin_ids=["aad-tom"]
    )
    await gateway.send_direct(a.TENANT, ["aad-tess", "aad-ghost"], Notice("Hi"), key="hi:1")
    (report,) = await reports(installed, "aad-tom")
    assert "Gus Ghost" in report
    assert await reports(installed, "aad-kim") == []  # not an admin


async def test_an_unreachable_admin_is_told_once_they_can_be_reached(teams: Teams) -> None:
    """Before the app is in the team nobody, the admin included, can be reached."""
    await add_person(teams.services, "Gus Ghost", "aad-ghost")
    await make_admin(teams.services, "aad-kim")
    gateway = teams.runtime.gateway
    with pytest.raises(Unreachable):
        await gateway.send_direct(a.TENANT, ["aad-ghost"], Notice("Hi"), key="hi:1")
    assert teams.connector.sent() == []

    assert (await teams.post(a.bot_added_to_team(teams.service_url, ASKER))).status in (200, 201)
    await teams.settle()
    await make_admin(teams.services, "aad-kim")  # the roster sync takes the flag from Teams
    with pytest.raises(Unreachable):
        await gateway.send_direct(a.TENANT, ["aad-ghost"], Notice("Hi"), key="hi:2")
    (report,) = await reports(teams, "aad-kim")
    assert "Gus Ghost" in report


async def test_nobody_is_told_without_admins(installed: Teams) -> None:
    await add_person(installed.services, "Gus Ghost", "aad-ghost")
    await installed.runtime.gateway.send_direct(
        a.TENANT, ["aad-tess", "aad-ghost"], Notice("Hi"), key="hi:1"
    )
    assert len(installed.connector.sent()) == 1  # Tess's card only
