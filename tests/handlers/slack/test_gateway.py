"""The Slack gateway against the fake Web API: idempotency keys, retries, fallbacks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.rendering.callbacks import ReferralAction
from bot.rendering.views import ExpertAsk, Notice
from tests.handlers.slack.conftest import Slack

ASK = ExpertAsk(
    referral_id=7,
    asker_name="Ann Asker",
    question_text="How do I rotate the terraform state key?",
    reason="answered 3 terraform questions",
    permalink="https://t1.slack.com/archives/C1/p1700000100000100",
)


def blocks_of(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


async def test_send_direct_opens_a_dm_and_posts_the_ask(slack: Slack) -> None:
    sent = await slack.runtime.gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:7")
    [opened] = slack.api.answered("conversations.open")
    [posted] = slack.api.answered("chat.postMessage")
    assert opened.args["users"] == "UEXPERT"
    assert posted.args["channel"] == "DUEXPERT" == sent.channel
    assert sent.message_id.startswith("1700000000.")
    assert posted.token == "xoxb-t1"
    actions = [b for b in blocks_of(posted.args) if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        ReferralAction(7, a).pack() for a in ("accept", "decline", "snooze")
    ]


async def test_a_dm_channel_is_opened_once_and_again_when_slack_no_longer_knows_it(
    slack: Slack,
) -> None:
    gateway = slack.runtime.gateway
    await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:1")
    await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:2")
    assert len(slack.api.answered("conversations.open")) == 1
    assert [c.args["channel"] for c in slack.api.answered("chat.postMessage")] == ["DUEXPERT"] * 2
    slack.api.closed_channels.add("DUEXPERT")
    with pytest.raises(SlackApiError):
        await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:3")
    assert len(slack.api.answered("conversations.open")) == 2  # forgotten, opened again
    slack.api.closed_channels.clear()
    sent = await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:4")
    assert sent.channel == "DUEXPERT" and len(slack.api.answered("conversations.open")) == 2


async def test_the_same_key_is_never_sent_twice(slack: Slack) -> None:
    gateway = slack.runtime.gateway
    first = await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:7")
    again = await gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:7")
    await gateway.post("T1", "C1", Notice("on it"), key="on-it:1", thread_id="1.2")
    await gateway.post("T1", "C1", Notice("on it"), key="on-it:1", thread_id="1.2")
    assert again == first
    assert len(slack.api.answered("chat.postMessage")) == 2
    async with slack.services.uow() as uow:
        stored = await uow.deliveries.get("ask:7")
        assert stored is not None
        assert (stored.channel, stored.message_id) == (first.channel, first.message_id)


async def test_concurrent_sends_of_one_key_send_once(slack: Slack) -> None:
    gateway = slack.runtime.gateway
    await asyncio.gather(
        *(gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:race") for _ in range(5))
    )
    assert len(slack.api.answered("chat.postMessage")) == 1


async def test_a_429_is_retried_after_retry_after_and_arrives_once(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", status=429, retry_after=1)
    sent = await slack.runtime.gateway.post("T1", "C1", Notice("hello"), key="n:429")
    attempts = slack.api.attempts("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert len(slack.api.answered("chat.postMessage")) == 1
    assert sent.channel == "C1"


async def test_a_server_error_and_a_dropped_connection_are_retried(slack: Slack) -> None:
    slack.api.fail("conversations.open", status=500)
    slack.api.fail("chat.postMessage", status=0)
    await slack.runtime.gateway.send_direct("T1", ["UEXPERT"], ASK, key="ask:flaky")
    assert [c.status for c in slack.api.attempts("conversations.open")] == [500, 200]
    assert [c.status for c in slack.api.attempts("chat.postMessage")] == [0, 200]


async def test_a_failed_send_releases_the_key_for_a_later_retry(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", status=200)  # ok: false, an error not retried
    with pytest.raises(SlackApiError):
        await slack.runtime.gateway.post("T1", "C1", Notice("hello"), key="n:later")
    assert slack.api.answered("chat.postMessage") == []
    await slack.runtime.gateway.post("T1", "C1", Notice("hello"), key="n:later")
    assert len(slack.api.answered("chat.postMessage")) == 1


async def test_ephemeral_falls_back_to_a_dm_outside_the_bots_channels(slack: Slack) -> None:
    await slack.runtime.gateway.post_ephemeral("T1", "C1", "UASKER", Notice("asked 2 people"))
    assert slack.api.answered("chat.postEphemeral")[0].args["user"] == "UASKER"
    assert slack.api.answered("chat.postMessage") == []
    slack.api.not_in_channel.add("CPRIVATE")
    await slack.runtime.gateway.post_ephemeral("T1", "CPRIVATE", "UASKER", Notice("hi"))
    [dm] = slack.api.answered("chat.postMessage")
    assert dm.args["channel"] == "DUASKER"


async def test_channel_members_follow_the_pagination_cursor(slack: Slack) -> None:
    slack.api.members["CPAIRS"] = [f"U{n}" for n in range(5)]
    slack.api.page_size = 2
    assert await slack.runtime.gateway.channel_members("T1", "CPAIRS") == [
        "U0",
        "U1",
        "U2",
        "U3",
        "U4",
    ]
    cursors = [c.args.get("cursor") for c in slack.api.answered("conversations.members")]
    assert cursors == [None, "2", "4"]
