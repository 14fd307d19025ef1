"""Work that fails after the ack stays in the inbox and succeeds on a later retry."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import PersonTopic
from bot.handlers.people import person_for
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.fakes.slack_signing import event_request
from tests.handlers.slack.conftest import SECRET, Slack

REACTION = {
    "type": "reaction_added",
    "user": "UASKER",
    "reaction": "question",
    "item": {"type": "message", "channel": "C1", "ts": "1700000300.000100"},
    "item_user": "UASKER",
}


async def test_a_failed_event_is_kept_with_its_error_and_retried_later(slack: Slack) -> None:
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")
    slack.api.add_user("UEXPERT", "Eve Expert", tz="UTC")
    slack.api.add_message("C1", "1700000300.000100", "UASKER", "terraform plan keeps failing")
    async with slack.services.uow() as uow:  # Eve knows terraform (as if from an import)
        await _declare(uow, slack, "UEXPERT", "terraform")
    slack.api.fail("conversations.history", status=200)
    assert (await slack.send(event_request(SECRET, REACTION, event_id="EvFail"))).status == 200
    [row] = await slack.settled()
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error is not None and "internal_error" in row.last_error

    slack.clock.advance(minutes=5)
    assert await slack.runtime.processor.retry(older_than=timedelta(minutes=1)) == 1
    [row] = await slack.settled()
    assert (row.state, row.attempts) == ("done", 2)
    [dm] = await slack.api.wait_for("chat.postMessage")
    assert dm.args["channel"] == "DUEXPERT"


async def test_retry_leaves_recent_and_finished_events_alone(slack: Slack) -> None:
    slack.api.add_user("UASKER", "Ann Asker")
    slack.api.fail("conversations.history", status=200)
    await slack.send(event_request(SECRET, REACTION, event_id="EvRecent"))
    [row] = await slack.settled()
    assert row.state == "failed"
    assert await slack.runtime.processor.retry(older_than=timedelta(minutes=1)) == 0
    slack.clock.advance(minutes=5)
    slack.runtime.processor.max_attempts = 1
    assert await slack.runtime.processor.retry(older_than=timedelta(minutes=1)) == 0


async def _declare(uow: SqlUnitOfWork, slack: Slack, user: str, topic: str) -> None:
    person = await person_for(uow, "slack", user)
    found = await uow.topics.get_or_create(topic)
    assert person.id is not None and found.id is not None
    await uow.topics.add_person_topic(PersonTopic(person.id, found.id))
    await uow.commit()
    await slack.services.context.expertise.rebuild(uow)
