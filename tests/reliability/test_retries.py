"""Retries: Slack's and Teams' redeliveries are processed once; Web API faults are waited out.

Already covered elsewhere, not repeated here:
- tests/handlers/slack/test_events_http.py::test_a_retried_event_is_stored_and_processed_once
- tests/handlers/slack/test_flows.py::test_a_retried_question_event_dms_the_expert_once
- tests/handlers/teams/test_flows.py::test_a_redelivered_activity_is_processed_once
- tests/handlers/slack/test_gateway.py::test_a_429_is_retried_after_retry_after_and_arrives_once
  and ::test_a_server_error_and_a_dropped_connection_are_retried (the gateway alone)
Added: all of Slack's retries (1..3) at once, Teams' redelivery racing the first
delivery, and each Web API fault end to end, from a signed event to one DM.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select

from bot.storage import tables as t
from tests.fakes.slack_signing import event_request, message_event
from tests.handlers.slack.conftest import SECRET, Slack
from tests.handlers.slack.test_flows import QUESTION, QUESTION_TS, command
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import ASKER, Teams

EVENT = message_event(QUESTION, user="UASKER", channel="C1", ts=QUESTION_TS)


@pytest.fixture
async def team(slack: Slack) -> Slack:
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")
    slack.api.add_user("UEXPERT", "Eve Expert", tz="UTC")
    await command(slack, "UEXPERT", "skills add terraform")
    return slack


async def count(slack: Slack, table: t.Table) -> int:
    async with slack.services.engine.connect() as db:
        return int(await db.scalar(select(func.count()).select_from(table)) or 0)


async def test_slack_sends_an_event_and_its_three_retries_at_once_one_is_processed(
    team: Slack,
) -> None:
    deliveries = [
        event_request(SECRET, EVENT, event_id="EvRetried", retry_num=n) for n in (None, 1, 2, 3)
    ]
    replies = await asyncio.gather(*(team.send(d) for d in deliveries))
    assert [r.status for r in replies] == [200] * 4
    rows = await team.settled()
    assert [(r.event_id, r.state, r.attempts) for r in rows if r.kind == "event:message"] == [
        ("EvRetried", "done", 1)
    ]
    assert await count(team, t.questions) == 1
    assert await count(team, t.referrals) == 1
    dms = [c for c in team.api.answered("chat.postMessage") if c.args["channel"] == "DUEXPERT"]
    assert len(dms) == 1


async def test_teams_delivers_an_activity_twice_at_once_it_is_processed_once(
    installed: Teams,
) -> None:
    post = a.channel_message(installed.service_url, ASKER, "How do I import terraform state?")
    replies = await asyncio.gather(installed.post(post), installed.post(post))
    assert sorted(r.status for r in replies) in ([200, 200], [200, 201], [201, 201])
    await installed.settle()
    assert len(await installed.questions()) == 1
    assert len([e for e in await installed.inbox() if e[1] == "message"]) == 1
    asked = [r for r in await installed.referrals() if r[2] == "asked"]
    assert len(asked) == 1
    sent = [(c.conversation, str(c.body)) for c in installed.connector.sent()]
    assert len(sent) == len(set(sent)) >= 1  # the expert's card (and the asker's note) once


@pytest.mark.parametrize(
    ("fault", "waits_at_least"),
    [("429 with Retry-After: 1", 1.0), ("500 once", 0.0), ("a dropped connection", 0.0)],
)
async def test_a_web_api_fault_on_the_dm_is_waited_out_and_the_dm_arrives_once(
    team: Slack, fault: str, waits_at_least: float
) -> None:
    status = {"429 with Retry-After: 1": 429, "500 once": 500, "a dropped connection": 0}[fault]
    team.api.fail("chat.postMessage", status=status, times=1, retry_after=1)
    started = time.monotonic()
    assert (await team.send(event_request(SECRET, EVENT, event_id="EvFault"))).status == 200
    await team.settled(seconds=15)
    attempts = [c for c in team.api.attempts("chat.postMessage") if c.args["channel"] == "DUEXPERT"]
    assert [c.status for c in attempts] == [status, 200]
    delivered = [c for c in attempts if c.ok]
    assert len(delivered) == 1 and QUESTION in delivered[0].args["text"]
    assert time.monotonic() - started >= waits_at_least
    async with team.services.uow() as uow:
        [referral] = (await uow.session.scalars(select(t.referrals.c.message_id))).all()
    assert referral  # the delivered message is recorded on the referral
