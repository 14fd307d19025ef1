"""Teams activities -> neutral events, one mapping at a time."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from bot.handlers.teams import translate
from tests.handlers.teams import activities as a

URL = "http://127.0.0.1:9/"
ANA = a.account("Ana Silva", "aad-ana")
COMMANDS = {"experts", "ask", "help", "channel"}


def activity(json: dict[str, Any]) -> Activity:
    return Activity().deserialize(json)


def test_a_channel_post_is_a_question_candidate_in_its_own_thread() -> None:
    post = activity(a.channel_message(URL, ANA, "Does anyone know how to rotate AWS keys?"))
    message = translate.message_posted(post, COMMANDS)
    assert message is not None
    assert message.platform == "teams"
    assert message.workspace_id == a.TENANT
    assert message.channel_id == a.CHANNEL
    assert message.user_id == "aad-ana"
    assert message.message_id == post.id
    assert message.thread_id == post.id  # a thread root, not a reply
    assert not message.explicit
    assert message.permalink is not None
    assert message.permalink.startswith("https://teams.microsoft.com/l/message/19%3A9b1f")
    assert f"tenantId={a.TENANT}" in message.permalink


def test_a_mention_is_an_explicit_ask_without_the_mention() -> None:
    post = activity(a.channel_message(URL, ANA, "how do I unlock terraform state?", mention=True))
    message = translate.message_posted(post, COMMANDS)
    assert message is not None
    assert message.text == "how do I unlock terraform state?"
    assert message.explicit
    assert message.source == "mention"
    assert translate.command_invoked(post, COMMANDS) is None


def test_a_reply_in_a_thread_names_its_root() -> None:
    reply = activity(a.channel_message(URL, ANA, "use terraform force-unlock", thread="177261"))
    message = translate.message_posted(reply, COMMANDS)
    assert message is not None
    assert message.thread_id == "177261"
    assert message.message_id != "177261"
    assert message.channel_id == a.CHANNEL


def test_a_mentioned_command_in_a_channel_is_a_command() -> None:
    post = activity(a.channel_message(URL, ANA, "experts kubernetes", mention=True))
    assert translate.message_posted(post, COMMANDS) is None
    command = translate.command_invoked(post, COMMANDS)
    assert command is not None
    assert command.text == "experts kubernetes"
    assert command.channel_id == a.CHANNEL


def test_personal_chat_text_is_a_command() -> None:
    chat = activity(a.personal_message(URL, ANA, "  skills   add terraform "))
    command = translate.command_invoked(chat, COMMANDS)
    assert command is not None
    assert (command.platform, command.workspace_id, command.user_id) == (
        "teams",
        a.TENANT,
        "aad-ana",
    )
    assert command.text == "skills add terraform"
    assert command.channel_id is None
    assert command.invocation_id == chat.id
    assert translate.message_posted(chat, COMMANDS) is None


def test_card_clicks_carry_their_verb() -> None:
    invoke = activity(a.card_action(URL, ANA, "ref:accept:7", {"summary": "x"}))
    assert translate.clicked(invoke) == ("ref:accept:7", {"summary": "x"})
    submit = activity(a.card_submit(URL, ANA, {"verb": "ref:snooze:7"}, reply_to="1"))
    assert translate.clicked(submit) == ("ref:snooze:7", {"verb": "ref:snooze:7"})
    assert translate.command_invoked(submit, COMMANDS) is None


def test_roster_members_become_chat_users() -> None:
    from botbuilder.schema.teams import TeamsChannelAccount

    member = TeamsChannelAccount().deserialize(
        a.member("Gus Guest", "aad-gus", "gus@partner.test", role="guest")
    )
    user = translate.chat_user(member, a.TENANT)
    assert user is not None
    assert (user.user_id, user.name, user.email) == ("aad-gus", "Gus Guest", "gus@partner.test")
    assert user.is_guest
    bot = TeamsChannelAccount().deserialize({"id": "28:other-bot", "name": "Other"})
    assert translate.chat_user(bot, a.TENANT) is None
