"""`pairing start here ...`: a Teams channel has no `#name`, so admins start one in place."""

from __future__ import annotations

from typing import Any

import pytest

from bot.bootstrap import Services
from bot.handlers.commands import run_command
from bot.handlers.events import CommandInvoked
from bot.handlers.rounds import run_round
from bot.rendering.views import Notice
from tests.fakes.bot_connector import cards
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import ASKER, KIM, Teams, roster
from tests.handlers.teams.test_commands import command
from tests.handlers.teams.test_flows import texts

START = "pairing start here weekly mon 10:00 Europe/London"


async def make_admin(services: Services, aad: str) -> None:
    async with services.uow() as uow:
        person = await uow.people.by_identity("teams", aad)
        assert person is not None
        person.is_admin = True
        await uow.commit()


async def in_channel(teams: Teams, who: dict[str, Any], text: str) -> str:
    """@Learnlink `text` in the channel; the text of the answer in the message's thread."""
    teams.connector.calls.clear()
    post = a.channel_message(teams.service_url, who, text, mention=True)
    assert (await teams.post(post)).status in (200, 201)
    await teams.settle()
    (answer,) = teams.connector.sent(f"{a.CHANNEL};messageid={post['id']}")
    return texts(cards(answer)[0])


async def programmes(services: Services) -> list[tuple[str, str, str, str]]:
    async with services.uow() as uow:
        return [(p.name, p.channel_id, p.day, p.timezone) for p in await uow.programs.list()]


async def test_an_admin_starts_a_programme_in_the_channel(installed: Teams) -> None:
    await make_admin(installed.services, "aad-asker")
    answer = await in_channel(installed, ASKER, START)
    assert "Started pairing-1" in answer
    assert "its Teams channel" in answer
    assert await programmes(installed.services) == [
        ("pairing-1", a.CHANNEL, "mon", "Europe/London")
    ]

    # A round of it posts the intros in that channel (the bot was there).
    async with installed.services.uow() as uow:
        (program,) = await uow.programs.list()
    installed.connector.rosters[a.CHANNEL] = roster()  # a standard channel: the team's members
    installed.connector.calls.clear()
    outcome = await run_round(installed.services.context, program.id or 0)
    assert outcome.groups
    assert len(installed.connector.sent(a.CHANNEL)) == len(outcome.groups)


async def test_a_second_programme_gets_the_next_name_or_its_own(installed: Teams) -> None:
    await make_admin(installed.services, "aad-asker")
    assert "Started pairing-1" in await in_channel(installed, ASKER, START)
    assert "Started pairing-2" in await in_channel(installed, ASKER, START)
    assert "Started guild" in await in_channel(installed, ASKER, f"{START} name guild")
    assert [p[0] for p in await programmes(installed.services)] == [
        "guild",
        "pairing-1",
        "pairing-2",
    ]


async def test_only_admins_start_programmes(installed: Teams) -> None:
    answer = await in_channel(installed, KIM, START)
    assert "is for Learnlink admins only" in answer
    assert await programmes(installed.services) == []


async def test_here_in_a_personal_chat_says_to_run_it_in_the_channel(teams: Teams) -> None:
    await make_admin(teams.services, "aad-kim")
    answer = await command(teams, START)
    assert "run **pairing start here ...** in the programme's channel" in answer
    assert await programmes(teams.services) == []


def invocation(text: str, channel: str | None) -> CommandInvoked:
    return CommandInvoked(
        "teams", a.TENANT, "aad-asker", text, channel, is_platform_admin=True, invocation_id=text
    )


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (a.CHANNEL, "Started pairing-1"),
        (None, "run `pairing start here ...` in the programme's channel"),
    ],
)
async def test_run_command_reads_here_from_the_invocation(
    teams: Teams, channel: str | None, expected: str
) -> None:
    view = await run_command(teams.services.context, invocation(START, channel))
    assert isinstance(view, Notice)
    assert expected in view.text
    stored = await programmes(teams.services)
    assert stored == ([("pairing-1", a.CHANNEL, "mon", "Europe/London")] if channel else [])


async def test_here_takes_the_same_options(teams: Teams) -> None:
    text = "pairing start here biweekly fri 9:30 UTC size 3 mode random name eng"
    view = await run_command(teams.services.context, invocation(text, a.CHANNEL))
    assert isinstance(view, Notice)
    assert view.text.startswith("Started eng")
    async with teams.services.uow() as uow:
        (program,) = await uow.programs.list()
    assert (program.cadence, program.day, program.time, program.group_size, program.mode) == (
        "biweekly",
        "fri",
        "09:30",
        3,
        "random",
    )
