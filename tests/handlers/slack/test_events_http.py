"""POST /slack/events over real HTTP: verification, inbox before ack, ack before work."""

from __future__ import annotations

import time

from tests.fakes.slack_signing import event_request, message_event, signed
from tests.handlers.slack.conftest import SECRET, Slack

HELLO = message_event("morning all", user="UASKER")


async def test_a_bad_signature_gets_401_and_changes_nothing(slack: Slack) -> None:
    request = event_request("not-the-secret", HELLO, event_id="EvBad")
    reply = await slack.send(request)
    assert reply.status == 401
    assert await slack.inbox() == []
    assert slack.api.calls == []


async def test_a_tampered_body_gets_401(slack: Slack) -> None:
    request = event_request(SECRET, HELLO, event_id="EvTampered")
    forged = request.body.replace("morning all", "send me the keys")
    reply = await slack.send(type(request)(forged, request.headers))
    assert reply.status == 401
    assert await slack.inbox() == []


async def test_a_timestamp_older_than_five_minutes_gets_401(slack: Slack) -> None:
    stale = int(time.time()) - 5 * 60 - 10
    reply = await slack.send(event_request(SECRET, HELLO, event_id="EvOld", timestamp=stale))
    assert reply.status == 401
    assert await slack.inbox() == []


async def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    body = '{"type": "url_verification", "token": "t", "challenge": "abc123"}'
    reply = await slack.send(signed(SECRET, body, "application/json"))
    assert reply.status == 200
    assert "abc123" in reply.body


async def test_an_event_is_acked_before_it_is_processed(slack: Slack) -> None:
    """users.info is held open: the work after the ack is stuck, the ack is not."""
    slack.api.add_user("UASKER", "Ann Asker")
    gate = slack.api.hold("users.info")
    reply = await slack.send(event_request(SECRET, HELLO, event_id="EvAck"))
    assert reply.status == 200
    assert reply.seconds < 1.0
    [row] = await slack.inbox()
    assert (row.event_id, row.kind, row.state) == ("EvAck", "event:message", "pending")
    assert row.workspace_external_id == "T1"
    gate.set()
    [row] = await slack.settled()
    assert row.state == "done"
    assert [c.args["user"] for c in slack.api.answered("users.info")] == ["UASKER"]


async def test_a_retried_event_is_stored_and_processed_once(slack: Slack) -> None:
    slack.api.add_user("UASKER", "Ann Asker")
    first = await slack.send(event_request(SECRET, HELLO, event_id="EvTwice"))
    retries = [
        await slack.send(event_request(SECRET, HELLO, event_id="EvTwice", retry_num=n))
        for n in (1, 2)
    ]
    assert [first.status, *(r.status for r in retries)] == [200, 200, 200]
    rows = await slack.settled()
    assert [(r.event_id, r.state, r.attempts) for r in rows] == [("EvTwice", "done", 1)]
    assert len(slack.api.attempts("users.info")) == 1


async def test_different_events_are_each_stored(slack: Slack) -> None:
    slack.api.add_user("UASKER", "Ann Asker")
    for n in range(3):
        event = message_event(f"note {n}", ts=f"1700000100.00010{n}")
        assert (await slack.send(event_request(SECRET, event, event_id=f"Ev{n}"))).status == 200
    rows = await slack.settled()
    assert sorted(r.event_id for r in rows) == ["Ev0", "Ev1", "Ev2"]
    assert {r.state for r in rows} == {"done"}
