"""/metrics moves when real signed Slack events arrive and experts are asked."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.localslack.signing import event_request, message_event
from tests.handlers.slack.conftest import SECRET, Slack
from tests.handlers.slack.test_flows import command


async def scrape(slack: Slack) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as http, http.get(slack.url + "/metrics") as response:
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_events_acks_routing_and_referrals_are_counted(slack: Slack) -> None:
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")
    slack.api.add_user("UEXPERT", "Eve Expert", tz="UTC")
    await command(slack, "UEXPERT", "skills add terraform")
    before = await scrape(slack)
    event = message_event("How do I rotate the terraform state key?", user="UASKER", channel="C1")
    assert (await slack.send(event_request(SECRET, event, event_id="EvM1"))).status == 200
    await slack.api.wait_for("chat.postMessage")
    await slack.settled()
    after = await scrape(slack)
    slack_label = (("platform", "slack"),)
    received = ("learnlink_events_received_total", slack_label)
    acked = ("learnlink_events_acked_total", slack_label)
    assert after[received] - before.get(received, 0) == 1
    assert after[acked] - before.get(acked, 0) == 1
    assert after[("learnlink_referrals_total", (("outcome", "asked"),))] >= 1
    assert after[("learnlink_routing_seconds_count", ())] >= 1
    assert after[("learnlink_ack_seconds_count", slack_label)] >= 1
