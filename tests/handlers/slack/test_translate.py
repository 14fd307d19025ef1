"""Slack payloads -> neutral events, and the inbox ids they are filed under."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from bot.handlers.events import ChatUser, CommandInvoked, ReactionAdded
from bot.handlers.slack import translate
from bot.handlers.slack.inbox import envelope
from tests.fakes.slack_api import FakeUser
from tests.fakes.slack_signing import (
    block_actions_payload,
    command_body,
    event_body,
    message_event,
    message_shortcut_payload,
    view_submission_payload,
)

Json = dict[str, Any]


def event(payload: Json, **options: str) -> Json:
    body: Json = json.loads(event_body(payload, **options))
    return body


def test_a_channel_message_becomes_a_message_posted() -> None:
    body = event(message_event("How do I deploy?", channel="C1", thread_ts="1.0"))
    message = translate.message_posted(body)
    assert message is not None
    assert (message.workspace_id, message.channel_id, message.user_id) == ("T1", "C1", "UASKER")
    assert (message.text, message.message_id, message.thread_id) == (
        "How do I deploy?",
        "1700000100.000100",
        "1.0",
    )
    assert not message.explicit and not message.channel_is_private
    private = translate.message_posted(event(message_event("q?", channel_type="group")))
    assert private is not None and private.channel_is_private


def test_edits_joins_dms_and_mentions_of_the_bot_are_not_messages() -> None:
    edited = {**message_event("x"), "subtype": "message_changed"}
    joined = {**message_event("x"), "subtype": "channel_join"}
    direct = message_event("x", channel_type="im")
    mention = message_event("<@UBOT1> how do I deploy?")
    for payload in (edited, joined, direct, mention):
        assert translate.message_posted(event(payload)) is None


def test_a_bot_message_is_flagged_for_detection_to_skip() -> None:
    message = translate.message_posted(event({**message_event("x"), "bot_id": "B9"}))
    assert message is not None and message.is_bot


def test_a_mention_is_an_explicit_ask_without_the_mention() -> None:
    payload = {**message_event("<@UBOT1> how do I deploy to <@UOPS>?"), "type": "app_mention"}
    message = translate.mention(event(payload))
    assert message is not None and message.explicit and message.source == "mention"
    assert message.text == "how do I deploy to <@UOPS>?"


def test_a_reaction_on_a_message() -> None:
    payload = {
        "type": "reaction_added",
        "user": "UASKER",
        "reaction": "white_check_mark",
        "item_user": "UEXPERT",
        "item": {"type": "message", "channel": "C1", "ts": "1.5"},
    }
    assert translate.reaction_added(event(payload)) == ReactionAdded(
        "slack", "T1", "C1", "1.5", "UASKER", "white_check_mark", "UEXPERT"
    )
    on_a_file = {**payload, "item": {"type": "file", "file": "F1"}}
    assert translate.reaction_added(event(on_a_file)) is None


def test_a_user_object_becomes_a_chat_user() -> None:
    guest = FakeUser("UG", "Gus Guest", email="Gus@Example.com", is_restricted=True, title="Ops")
    assert translate.chat_user(guest.to_slack()) == ChatUser(
        platform="slack",
        user_id="UG",
        workspace_id="T1",
        name="Gus Guest",
        email="Gus@Example.com",
        timezone="Europe/London",
        team="Ops",
        is_guest=True,
    )
    gone = translate.chat_user(FakeUser("UX", "Ex", deleted=True, is_bot=True).to_slack(), "T7")
    assert (gone.deactivated, gone.is_bot, gone.workspace_id) == (True, True, "T7")


def test_commands_share_one_grammar() -> None:
    def invoked(command: str, text: str) -> CommandInvoked:
        found = translate.command(dict(parse_qsl(command_body(command, text, trigger_id="9.9.x"))))
        assert found is not None
        return found

    learnlink = invoked("/learnlink", "experts kubernetes")
    assert (learnlink.text, learnlink.channel_id, learnlink.invocation_id) == (
        "experts kubernetes",
        "C1",
        "9.9.x",
    )
    assert invoked("/ask", "how do I deploy?").text == "ask how do I deploy?"
    assert invoked("/experts", " go ").text == "experts go"
    assert translate.command(dict(parse_qsl(command_body("/other", "x")))) is None


def test_a_message_shortcut_asks_on_behalf_of_the_messages_author() -> None:
    payload = message_shortcut_payload("Anyone know Rust macros?", user="UCLICKER", author="UAUTH")
    message = translate.shortcut_ask(payload)
    assert message is not None
    assert (message.user_id, message.source, message.explicit) == ("UAUTH", "shortcut", True)


def filed(body: Json) -> tuple[str, str]:
    found = envelope(body)
    assert found is not None
    return found.event_id, found.kind


def test_inbox_ids_are_stable_per_delivery() -> None:
    body = event(message_event("x"), event_id="Ev42")
    assert filed(body) == filed(body) == ("Ev42", "event:message")
    command = dict(parse_qsl(command_body("/ask", "x", trigger_id="t1")))
    assert filed(command) == ("command:t1", "command:/ask")
    click = block_actions_payload("ref:accept:1", trigger_id="t2")
    assert filed(click) == ("block_actions:t2", "block_actions")
    submitted = view_submission_payload("profile", {}, trigger_id="t3")
    assert filed(submitted) == ("view_submission:t3", "view_submission")
    assert envelope({"type": "url_verification", "challenge": "c"}) is None
