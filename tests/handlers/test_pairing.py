"""Pairing programmes and rounds through the use cases, over real storage."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import bootstrap
from bot.handlers.commands import run_command
from bot.handlers.events import CommandInvoked
from bot.handlers.people_import import import_people
from bot.handlers.profile import UsageError
from bot.handlers.programs import parse_start
from bot.handlers.rounds import record_meeting, run_due_round, run_round, send_due_checkins
from bot.rendering.callbacks import PairAction
from bot.rendering.views import CheckIn, Notice, PairIntro
from bot.settings import Settings
from tests.fakes.chat import FakeClock, FakeGateway
from tests.handlers.conftest import World

MEMBERS = ["UASK", "UTF", "UK8S", "UTF2", "USYD"]


def admin(text: str, user: str = "UASK") -> CommandInvoked:
    return CommandInvoked(
        "slack", "T1", user, text, "CPLAT", is_platform_admin=True, invocation_id=text
    )


async def say(world: World, text: str, *, as_admin: bool = True, user: str = "UASK") -> Notice:
    inv = admin(text, user) if as_admin else CommandInvoked("slack", "T1", user, text, "CPLAT")
    view = await run_command(world[0].context, inv)
    assert isinstance(view, Notice), view
    return view


async def start(world: World, extra: str = "") -> int:
    world[1].members["CLEARN"] = list(MEMBERS)
    reply = await say(world, f"pairing start <#CLEARN|learning> weekly wed 10:00 UTC {extra}")
    assert reply.text.startswith("Started learning"), reply.text
    async with world[0].uow() as uow:
        programs = await uow.programs.list()
    return programs[-1].id or 0


def test_parse_start_reads_every_option() -> None:
    defaults: dict[str, str | int] = {
        "cadence": "weekly",
        "day": "mon",
        "time": "10:00",
        "timezone": "UTC",
        "size": 2,
        "mode": "learning",
    }
    spec = parse_start(
        [
            "<#C1|eng>",
            "biweekly",
            "fri",
            "9:30",
            "Europe/London",
            "size",
            "3",
            "mode",
            "cross-team",
        ],
        defaults,
    )
    assert spec == {
        "channel_id": "C1",
        "name": "eng",
        "cadence": "biweekly",
        "day": "fri",
        "time": "09:30",
        "timezone": "Europe/London",
        "size": 3,
        "mode": "cross-team",
        "cron": None,
    }
    cron = parse_start(["#eng", "cron", "0", "10", "*", "*", "mon", "name", "eng-pairs"], defaults)
    assert cron["cadence"] == "cron" and cron["cron"] == "0 10 * * mon"
    assert cron["name"] == "eng-pairs"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("", "Name the channel"),
        ("<#C1|x> size 9", "2 to 6"),
        ("<#C1|x> mode chaos", "learning, cross-team or random"),
        ("<#C1|x> Mars/Olympus", "not a timezone"),
        ("<#C1|x> cron 0 10", "5 fields"),
        ("<#C1|x> fortnightly", "I don't understand 'fortnightly'"),
        ("!!! weekly", "is not a channel"),
    ],
)
def test_parse_start_explains_bad_arguments(words: str, expected: str) -> None:
    with pytest.raises(UsageError, match=expected):
        parse_start(words.split(), {"cadence": "weekly"})


async def test_programme_admin_commands(world: World) -> None:
    refused = await say(world, "pairing start <#CLEARN|learning>", as_admin=False)
    assert "admins only" in refused.text
    await start(world)
    assert (
        "learning: <#CLEARN>, weekly on wed at 10:00" in (await say(world, "pairing list")).lines[0]
    )
    assert "exists" in (await say(world, "pairing start <#CLEARN|learning>")).text
    assert (await say(world, "pairing pause learning")).text == "learning is now paused."
    assert (await say(world, "pairing resume learning")).text == "learning is now active."
    assert "no programme called 'nope'" in (await say(world, "pairing pause nope")).text
    preview = await say(world, "pairing preview learning")
    assert "nothing sent" in preview.text and len(preview.lines) == 2  # a pair and a trio
    assert world[1].directs() == []
    await say(world, "pairing stop learning")
    assert "No pairing programmes" in (await say(world, "pairing list")).text


async def test_a_round_introduces_everyone_once(world: World) -> None:
    services, gateway, _clock = world
    program_id = await start(world)
    outcome = await run_round(services.context, program_id)
    assert outcome.created and sorted(len(g) for g in outcome.groups) == [2, 3]
    intros = [m for m in gateway.directs() if isinstance(m.view, PairIntro)]
    assert sorted(u for m in intros for u in m.targets) == sorted(MEMBERS)
    intro = intros[0].view
    assert isinstance(intro, PairIntro) and intro.reason and intro.program == "learning"
    assert [b.label for b in intro.buttons] == ["We met", "Not this time"]
    assert all(m.local_time and m.timezone for m in intro.members)
    again = await run_round(services.context, program_id)
    assert not again.created and len(gateway.directs()) == len(intros)


async def test_skip_leave_and_avoid(world: World) -> None:
    services, _gateway, _ = world
    program_id = await start(world)
    await say(world, "pairing skip learning", as_admin=False, user="UTF")
    await say(world, "pairing leave all", as_admin=False, user="UK8S")
    avoid = await say(world, "pairing avoid <@UTF2>", as_admin=False, user="USYD")
    assert "won't be paired" in avoid.text
    assert "Mention one person" in (await say(world, "pairing avoid bob", as_admin=False)).text
    outcome = await run_round(services.context, program_id)
    placed = {name for group in outcome.groups for name in group}
    # Tess skips, Kim left; Sam may not meet Tom, so with three people left the
    # only legal group is a pair and Sam waits (do-not-pair is never broken)
    assert placed == {"Asker", "Tom Terraform"}
    assert outcome.unplaced == ("Sam Sydney",)
    async with services.uow() as uow:
        tess = await uow.people.by_identity("slack", "UTF")
        assert tess is not None
        participant = await uow.programs.participant(program_id, tess.id or 0)
        assert participant.skip_next is False  # used up by the round it skipped


async def test_check_ins_outcomes_and_ghosting(world: World) -> None:
    services, gateway, clock = world
    ctx = services.context
    program_id = await start(world, "size 5")
    for week in range(3):
        await run_round(ctx, program_id, fire=clock.now())
        assert await send_due_checkins(ctx) == 0  # not halfway yet
        clock.advance(days=4)
        assert await send_due_checkins(ctx) == 1
        checkin = gateway.directs()[-1]
        assert isinstance(checkin.view, CheckIn)
        if week == 0:
            reply = await record_meeting(
                ctx, "slack", "UASK", PairAction(checkin.view.pair_id, "met")
            )
            assert "Great" in reply.text
            other = await record_meeting(
                ctx, "slack", "UFIG", PairAction(checkin.view.pair_id, "met")
            )
            assert "for other people" in other.text
        clock.advance(days=3)
    told = [m for m in gateway.directs() if isinstance(m.view, Notice) and "paused" in m.view.text]
    assert sorted(m.targets[0] for m in told) == ["UK8S", "USYD", "UTF", "UTF2"]
    async with services.uow() as uow:
        groups = await uow.programs.groups(1)
        assert groups and groups[0].outcome == "met"


async def test_a_missed_round_runs_after_a_restart_within_grace(world: World) -> None:
    services, _gateway, clock = world
    program_id = await start(world)
    clock.current = datetime(2026, 3, 11, 13, 0, tzinfo=UTC)  # Wed 10:00 was 3 h ago
    outcome = await run_due_round(services.context, program_id)
    assert outcome is not None and outcome.created and outcome.period == "2026-03-11"
    assert await run_due_round(services.context, program_id) is not None  # same period again
    async with services.uow() as uow:
        assert len(await uow.programs.rounds(program_id, 10)) == 1
    clock.current = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)  # 23 h late: past the grace
    assert await run_due_round(services.context, program_id) is None


async def test_two_processes_make_one_round(database: Settings) -> None:
    clock = FakeClock(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    first = await bootstrap(database, clock=clock)
    second = await bootstrap(database, migrate=False, clock=clock)
    gateways = [FakeGateway(members={"CLEARN": MEMBERS}), FakeGateway(members={"CLEARN": MEMBERS})]
    first.context.gateways = {"slack": gateways[0]}
    second.context.gateways = {"slack": gateways[1]}
    try:
        rows = [(2, {"name": n, "slack_user_id": n}) for n in MEMBERS]
        async with first.uow() as uow:
            await import_people(uow, rows)
        reply = await run_command(
            first.context, admin("pairing start <#CLEARN|learning> wed 10:00")
        )
        assert isinstance(reply, Notice) and reply.text.startswith("Started")
        outcomes = await asyncio.gather(
            run_round(first.context, 1, fire=clock.now()),
            run_round(second.context, 1, fire=clock.now() + timedelta(minutes=1)),
        )
        assert sorted(o.created for o in outcomes) == [False, True]
        intros = gateways[0].directs() + gateways[1].directs()
        assert sorted(u for m in intros for u in m.targets) == sorted(MEMBERS)
    finally:
        await first.close()
        await second.close()
