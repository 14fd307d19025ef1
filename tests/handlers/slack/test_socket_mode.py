"""Socket Mode: with SLACK_APP_TOKEN the app dials out to Slack's WebSocket and
handles envelopes there exactly as it handles signed HTTP requests."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_signing import SignedRequest, event_body, message_event
from tests.handlers.slack.conftest import Slack

APP_TOKEN = "xapp-1-A0LEARN-1-abc"


async def test_an_event_over_the_socket_is_recorded_acked_and_processed_once(
    slack_api: FakeSlackApi, start_slack: Callable[..., Awaitable[Slack]]
) -> None:
    slack_api.app_tokens.add(APP_TOKEN)
    slack = await start_slack(SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    slack.api.add_user("UASKER", "Ann Asker")
    [opened] = slack.api.answered("apps.connections.open")
    assert opened.token == APP_TOKEN

    body: dict[str, Any] = json.loads(event_body(message_event("morning"), event_id="EvSock"))
    ack = await slack.api.push("env-1", "events_api", body)
    assert ack["envelope_id"] == "env-1"
    [row] = await slack.settled()
    assert (row.event_id, row.state) == ("EvSock", "done")
    assert [c.args["user"] for c in slack.api.answered("users.info")] == ["UASKER"]

    again = await slack.api.push("env-2", "events_api", body)  # Slack's retry: same event_id
    assert again["envelope_id"] == "env-2"
    assert [r.event_id for r in await slack.settled()] == ["EvSock"]
    assert len(slack.api.attempts("users.info")) == 1


async def test_without_a_signing_secret_there_is_no_http_endpoint(
    slack_api: FakeSlackApi, start_slack: Callable[..., Awaitable[Slack]]
) -> None:
    """Socket Mode only: an unverifiable /slack/events must not exist at all."""
    slack_api.app_tokens.add(APP_TOKEN)
    slack = await start_slack(SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    body = event_body(message_event("let me in"), event_id="EvUnsigned")
    reply = await slack.send(SignedRequest(body, {"Content-Type": "application/json"}))
    assert reply.status in (404, 405)
    assert await slack.inbox() == []
