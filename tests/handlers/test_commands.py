"""Every /learnlink subcommand, including bad arguments, over real storage."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handlers.commands import USAGE, run_command
from bot.handlers.events import CommandInvoked
from bot.rendering.views import ExpertList, Home, Notice, ProfileForm
from tests.handlers.conftest import World


def command(text: str, user: str = "UASK", **fields: Any) -> CommandInvoked:
    base: dict[str, object] = {
        "platform": "slack",
        "workspace_id": "T1",
        "user_id": user,
        "text": text,
        "channel_id": "CPLAT",
        "invocation_id": f"trig-{abs(hash(text))}",
    }
    return CommandInvoked(**{**base, **fields})


async def notice(world: World, text: str, **fields: Any) -> Notice:
    view = await run_command(world[0].context, command(text, **fields))
    assert isinstance(view, Notice), view
    return view


async def test_experts_lists_people_with_reasons(world: World) -> None:
    view = await run_command(world[0].context, command("experts terraform"))
    assert isinstance(view, ExpertList)
    names = [e.name for e in view.experts]
    assert set(names[:2]) == {"Tess Terraform", "Tom Terraform"}
    assert all(e.reasons for e in view.experts[:2])
    assert "Asker" not in names


async def test_experts_never_shows_opted_out_people(world: World) -> None:
    await notice(world, "optout", user="UTF")
    view = await run_command(world[0].context, command("experts terraform"))
    assert isinstance(view, ExpertList)
    assert "Tess Terraform" not in [e.name for e in view.experts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("experts", "Name a topic. Usage: `experts TOPIC`"),
        ("skills", "Say `skills add`, `skills remove` or `skills list`."),
        ("skills add", "Name at least one topic"),
        ("learn teach go", "Say `learn add`"),
        ("pause", "Say how long"),
        ("pause forever", "Say how long"),
        ("pause 60w", "at most 26 weeks"),
        ("forget-me now", "`forget-me confirm`"),
        ("ask ?", "Write the question after `ask`."),
        ("frobnicate", "I don't know `frobnicate`."),
        ("", "Here is what I can do"),
    ],
)
async def test_bad_arguments_answer_with_the_right_usage(
    world: World, text: str, expected: str
) -> None:
    assert expected in (await notice(world, text)).text


async def test_unknown_command_lists_every_command(world: World) -> None:
    reply = await notice(world, "what")
    assert reply.lines == USAGE


async def test_skills_and_learning_interests(world: World) -> None:
    reply = await notice(world, "skills add k8s, Terraform ,  go")
    assert reply.text.startswith("Added kubernetes, terraform, go.")
    assert "Your skills: go, kubernetes, terraform." in reply.text
    assert "Your skills: go, kubernetes." in (await notice(world, "skills remove terraform")).text
    assert "learning interests: rust" in (await notice(world, "learn add rust")).text
    assert (await notice(world, "learn list")).text == "Your learning interests: rust, terraform."
    view = await run_command(world[0].context, command("experts kubernetes", user="UFIG"))
    assert isinstance(view, ExpertList)
    assert "Asker" in [e.name for e in view.experts]  # a declared skill is found at once


async def test_pause_resume_optout_optin(world: World) -> None:
    services = world[0]
    assert "Paused until" in (await notice(world, "pause 2w")).text
    async with services.uow() as uow:
        me = await uow.people.by_identity("slack", "UASK")
        assert me is not None and me.paused_until is not None
    assert "Welcome back" in (await notice(world, "resume")).text
    assert "opted out" in (await notice(world, "optout")).text
    assert "opted in again" in (await notice(world, "optin")).text
    async with services.uow() as uow:
        me = await uow.people.by_identity("slack", "UASK")
        assert me is not None and me.paused_until is None and not me.opted_out


async def test_forget_me_needs_confirmation_then_deletes_everything(world: World) -> None:
    services = world[0]
    await notice(world, "ask how do I migrate terraform state between backends?")
    warning = await notice(world, "forget-me")
    assert "forget-me confirm" in warning.text
    async with services.uow() as uow:
        assert await uow.people.by_identity("slack", "UASK") is not None
    assert "deleted" in (await notice(world, "forget-me confirm")).text
    async with services.uow() as uow:
        assert await uow.people.by_identity("slack", "UASK") is None
        assert all(e.kind != "asked" for e in await uow.evidence.all())
    assert (await notice(world, "forget-me confirm")).text == "Learnlink holds nothing about you."


async def test_ask_posts_the_question_and_routes_it(world: World) -> None:
    _services, gateway, _ = world
    reply = await notice(world, "ask how do I migrate terraform state between backends?")
    assert "finding people" in reply.text
    posted = next(m for m in gateway.sent if m.kind == "post")
    assert posted.targets == ("CPLAT",) and posted.view.text == "<@UASK> asks:"  # type: ignore[union-attr]
    assert posted.view.quotes == ("how do I migrate terraform state between backends?",)  # type: ignore[union-attr]
    assert gateway.asked() and set(gateway.asked()) <= {"UTF", "UTF2"}


async def test_admin_only_commands_refuse_non_admins(world: World) -> None:
    assert "admins only" in (await notice(world, "stats")).text
    assert "admins only" in (await notice(world, "channel capture off")).text
    report = await notice(world, "stats", is_platform_admin=True)
    assert report.text == "Learnlink, last 30 days" and report.lines[0].startswith("Questions")


async def test_channel_capture_modes(world: World) -> None:
    services, gateway, _ = world
    from bot.handlers.ask import capture_message
    from tests.handlers.conftest import message

    admin = {"is_platform_admin": True}
    assert "Usage" in (await notice(world, "channel capture maybe", **admin)).text
    assert "now off" in (await notice(world, "channel capture off", **admin)).text
    off = await capture_message(services.context, message("How do terraform workspaces work?"))
    assert off.outcome == "off" and gateway.asked() == []
    await notice(world, "channel capture suggest-only", **admin)
    await capture_message(services.context, message("How do terraform modules work?", ts="9.1"))
    assert gateway.asked() == []
    suggestion = [m for m in gateway.sent if m.kind == "post"][-1]
    assert suggestion.thread_id == "9.1" and "may know" in suggestion.view.text  # type: ignore[union-attr]


async def test_profile_and_home(world: World) -> None:
    view = await run_command(world[0].context, command("profile", user="UTF"))
    assert isinstance(view, ProfileForm)
    assert view.knows == ("aws", "terraform") and view.timezone == "Europe/London"
    home = await run_command(world[0].context, command("home", user="UTF"))
    assert isinstance(home, Home) and home.status.startswith("Active")
