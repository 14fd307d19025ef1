"""End to end through Slack: signed requests in, the use cases run, Web API calls out.

Each test drives our running server the way Slack would and asserts on what
the fake Web API received and on the database.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.model import Question, Referral
from bot.rendering import blockkit
from bot.rendering.callbacks import ReferralAction
from tests.fakes.slack_api import Call, FakeUser
from tests.fakes.slack_signing import (
    block_actions_payload,
    command_request,
    event_request,
    interaction_request,
    message_event,
    message_shortcut_payload,
)
from tests.handlers.slack.conftest import SECRET, Slack, poll

QUESTION = "How do I rotate the terraform state key?"
QUESTION_TS = "1700000100.000100"


@pytest.fixture
async def team(slack: Slack) -> Slack:
    """Ann asks; Eve knows terraform; Otto knows python (declared with the command)."""
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")
    slack.api.add_user("UEXPERT", "Eve Expert", tz="UTC")
    slack.api.add_user("UOTHER", "Otto Other", tz="UTC")
    await command(slack, "UEXPERT", "skills add terraform")
    await command(slack, "UOTHER", "skills add python")
    return slack


async def command(slack: Slack, user: str, text: str, slash: str = "/learnlink") -> Call:
    """Run a slash command; return what it answered through the response_url."""
    name = f"cmd{len(slack.api.calls)}"
    url = slack.api.response_url(name)
    reply = await slack.send(command_request(SECRET, slash, text, user=user, response_url=url))
    assert reply.status == 200 and reply.body == ""
    return await slack.api.response(name)


def text_of(call: Call) -> str:
    blocks = call.args.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    parts = [call.args.get("text", "")]
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(parts)


def buttons_of(call: Call) -> list[str]:
    blocks = call.args.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def ask_in_channel(slack: Slack, text: str = QUESTION, event_id: str = "EvQ") -> Call:
    event = message_event(text, user="UASKER", channel="C1", ts=QUESTION_TS)
    assert (await slack.send(event_request(SECRET, event, event_id=event_id))).status == 200
    [dm] = await slack.api.wait_for("chat.postMessage")
    return dm


async def test_a_channel_question_dms_the_right_expert_with_buttons(team: Slack) -> None:
    dm = await ask_in_channel(team)
    assert dm.args["channel"] == "DUEXPERT"
    assert [c.args["users"] for c in team.api.answered("conversations.open")] == ["UEXPERT"]
    assert QUESTION in text_of(dm) and "Ann Asker" in text_of(dm)
    assert "archives/C1/p1700000100000100" in text_of(dm)
    async with team.services.uow() as uow:
        [question] = (await uow.session.scalars(select(Question))).all()
        [referral] = await uow.referrals.for_question(question.id or 0)
        assert (question.channel_id, question.message_id) == ("C1", QUESTION_TS)
        assert referral.state == "asked"
        referral_id = referral.id or 0
    assert buttons_of(dm) == [
        ReferralAction(referral_id, a).pack() for a in ("accept", "decline", "snooze")
    ]
    [note] = await team.api.wait_for("chat.postEphemeral")
    assert note.args["user"] == "UASKER" and "asked 1 person" in text_of(note)


async def test_a_retried_question_event_dms_the_expert_once(team: Slack) -> None:
    await ask_in_channel(team)
    event = message_event(QUESTION, user="UASKER", channel="C1", ts=QUESTION_TS)
    retry = event_request(SECRET, event, event_id="EvQ", retry_num=1, retry_reason="http_timeout")
    assert (await team.send(retry)).status == 200
    await team.settled()
    assert len(team.api.answered("chat.postMessage")) == 1


async def test_i_can_help_accepts_and_tells_the_thread(team: Slack) -> None:
    dm = await ask_in_channel(team)
    accept = buttons_of(dm)[0]
    payload = block_actions_payload(accept, user="UEXPERT", channel="DUEXPERT")
    payload["response_url"] = team.api.response_url("click")
    payload["message"]["blocks"] = json.loads(json.dumps(dm.args["blocks"]))
    reply = await team.send(interaction_request(SECRET, payload))
    assert reply.status == 200
    replaced = await team.api.response("click")
    assert replaced.args["replace_original"] is True
    assert buttons_of(replaced) == [] and QUESTION in text_of(replaced)
    posts = await team.api.wait_for("chat.postMessage", 2)
    thread_note = posts[-1]
    assert (thread_note.args["channel"], thread_note.args["thread_ts"]) == ("C1", QUESTION_TS)
    assert "<@UEXPERT>" in text_of(thread_note)
    async with team.services.uow() as uow:
        [referral] = (await uow.session.scalars(select(Referral))).all()
        assert referral.state == "accepted"


async def test_not_me_moves_on_to_the_next_expert(start_slack: Any) -> None:
    slack: Slack = await start_slack(LEARNLINK_ROUTING__ASKS_AT_ONCE="1")
    for user, name in (("UASKER", "Ann"), ("UEXPERT", "Eve"), ("USECOND", "Sam")):
        slack.api.add_user(user, name, tz="UTC")
    await command(slack, "UEXPERT", "skills add terraform")
    await command(slack, "USECOND", "skills add terraform")
    first = await ask_in_channel(slack)
    first_expert = first.args["channel"].removeprefix("D")
    decline = buttons_of(first)[1]
    payload = block_actions_payload(decline, user=first_expert, channel=first.args["channel"])
    payload["response_url"] = slack.api.response_url("click")
    assert (await slack.send(interaction_request(SECRET, payload))).status == 200
    posts = await slack.api.wait_for("chat.postMessage", 2)
    assert {p.args["channel"] for p in posts} == {"DUEXPERT", "DUSECOND"}
    answer = await slack.api.response("click")
    assert "won't ask you" in text_of(answer)


async def test_a_click_by_someone_else_changes_nothing(team: Slack) -> None:
    dm = await ask_in_channel(team)
    payload = block_actions_payload(buttons_of(dm)[0], user="UOTHER")
    payload["response_url"] = team.api.response_url("click")
    assert (await team.send(interaction_request(SECRET, payload))).status == 200
    answer = await team.api.response("click")
    assert "meant for someone else" in text_of(answer)
    async with team.services.uow() as uow:
        [referral] = (await uow.session.scalars(select(Referral))).all()
        assert referral.state == "asked"


async def test_experts_command_lists_who_knows_ephemerally(team: Slack) -> None:
    reply = await command(team, "UASKER", "terraform", slash="/experts")
    lines = text_of(reply).splitlines()
    assert "*terraform*" in lines[1] and lines[2].startswith("<@UEXPERT> — ")  # best first
    assert reply.args["response_type"] == "ephemeral"


async def test_unknown_subcommands_and_bad_arguments_show_the_usage(team: Slack) -> None:
    unknown = await command(team, "UASKER", "frobnicate now")
    assert "don't know `frobnicate`" in text_of(unknown) and "experts TOPIC" in text_of(unknown)
    bad = await command(team, "UASKER", "pause forever")
    assert "pause 2w" in text_of(bad)


async def test_the_message_shortcut_asks_for_the_messages_author(team: Slack) -> None:
    team.api.add_user("UAUTHOR", "Al Author", tz="UTC")
    payload = message_shortcut_payload(
        "Does anyone know how terraform workspaces work?", user="UASKER", author="UAUTHOR"
    )
    payload["response_url"] = team.api.response_url("shortcut")
    assert (await team.send(interaction_request(SECRET, payload))).status == 200
    [dm] = await team.api.wait_for("chat.postMessage")
    assert dm.args["channel"] == "DUEXPERT" and "Al Author" in text_of(dm)
    answer = await team.api.response("shortcut")
    assert "finding someone" in text_of(answer)


async def test_a_question_reaction_asks_about_that_message(team: Slack) -> None:
    team.api.add_message("C1", "1700000300.000100", "UASKER", "terraform plan keeps failing")
    reaction = {
        "type": "reaction_added",
        "user": "UASKER",
        "reaction": "question",
        "item": {"type": "message", "channel": "C1", "ts": "1700000300.000100"},
        "item_user": "UASKER",
    }
    assert (await team.send(event_request(SECRET, reaction, event_id="EvR"))).status == 200
    [dm] = await team.api.wait_for("chat.postMessage")
    assert dm.args["channel"] == "DUEXPERT" and "terraform plan keeps failing" in text_of(dm)


async def test_an_answer_in_the_thread_and_the_askers_check_mark_resolve(team: Slack) -> None:
    await ask_in_channel(team)
    reply = message_event(
        "run terraform init -migrate-state",
        user="UEXPERT",
        channel="C1",
        ts="1700000150.000100",
        thread_ts=QUESTION_TS,
    )
    assert (await team.send(event_request(SECRET, reply, event_id="EvA"))).status == 200
    check = {
        "type": "reaction_added",
        "user": "UASKER",
        "reaction": "white_check_mark",
        "item": {"type": "message", "channel": "C1", "ts": "1700000150.000100"},
        "item_user": "UEXPERT",
    }
    await team.settled()
    assert (await team.send(event_request(SECRET, check, event_id="EvC"))).status == 200
    await team.settled()

    async def resolved() -> Question | None:
        async with team.services.uow() as uow:
            [question] = (await uow.session.scalars(select(Question))).all()
            return question if question.status == "resolved" else None

    question = await poll(resolved)
    assert question.resolved_answer_id is not None


async def test_app_home_opened_publishes_the_home_tab(team: Slack) -> None:
    event = {"type": "app_home_opened", "user": "UEXPERT", "channel": "DUEXPERT", "tab": "home"}
    assert (await team.send(event_request(SECRET, event, event_id="EvH"))).status == 200
    [published] = await team.api.wait_for("views.publish")
    assert published.args["user_id"] == "UEXPERT"
    assert published.args["view"]["type"] == "home"
    assert "terraform" in json.dumps(published.args["view"])


async def test_profile_opens_a_modal_from_the_command_and_the_home_tab(team: Slack) -> None:
    request = command_request(SECRET, "/learnlink", "profile", user="UEXPERT", trigger_id="tt0")
    assert (await team.send(request)).status == 200
    [opened] = await team.api.wait_for("views.open")
    assert opened.args["trigger_id"] == "tt0"
    view = opened.args["view"]
    assert view["type"] == "modal" and view["callback_id"] == blockkit.PROFILE_CALLBACK
    knows = next(b for b in view["blocks"] if b["block_id"] == "knows")
    assert knows["element"]["initial_value"] == "terraform"
    click = block_actions_payload(blockkit.EDIT_PROFILE_ACTION, user="UEXPERT", trigger_id="tt1")
    assert (await team.send(interaction_request(SECRET, click))).status == 200
    calls = await team.api.wait_for("views.open", 2)
    assert calls[-1].args["trigger_id"] == "tt1"


async def test_people_follow_team_join_and_user_change(team: Slack) -> None:
    joined = {"type": "team_join", "user": _user("UNEW", "Nia New", tz="Asia/Tokyo")}
    assert (await team.send(event_request(SECRET, joined, event_id="EvJ"))).status == 200
    left = {"type": "user_change", "user": _user("UEXPERT", "Eve Expert", deleted=True)}
    assert (await team.send(event_request(SECRET, left, event_id="EvL"))).status == 200
    await team.settled()
    async with team.services.uow() as uow:
        nia = await uow.people.by_identity("slack", "UNEW")
        eve = await uow.people.by_identity("slack", "UEXPERT")
        assert nia is not None and (nia.name, nia.timezone) == ("Nia New", "Asia/Tokyo")
        assert eve is not None and eve.deactivated
    event = message_event(QUESTION, user="UASKER", channel="C1", ts=QUESTION_TS)
    assert (await team.send(event_request(SECRET, event, event_id="EvQ2"))).status == 200
    await team.settled()
    asked = [c.args["channel"] for c in team.api.answered("chat.postMessage")]
    assert "DUEXPERT" not in asked  # Eve left the company


def _user(user_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return FakeUser(user_id, name, **fields).to_slack()


@pytest.mark.parametrize("allow_guests", ["false", "true"])
async def test_guests_are_asked_only_when_allowed(start_slack: Any, allow_guests: str) -> None:
    slack: Slack = await start_slack(LEARNLINK_ORGANISATION__ALLOW_GUESTS=allow_guests)
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")
    slack.api.add_user("UGUEST", "Gil Guest", tz="UTC", is_restricted=True)
    await command(slack, "UGUEST", "skills add terraform")
    event = message_event(QUESTION, user="UASKER", channel="C1", ts=QUESTION_TS)
    assert (await slack.send(event_request(SECRET, event, event_id="EvG"))).status == 200
    await slack.settled()
    dms = [c.args["channel"] for c in slack.api.answered("chat.postMessage")]
    assert dms == (["DUGUEST"] if allow_guests == "true" else [])
