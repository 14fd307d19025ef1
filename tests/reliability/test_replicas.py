"""Two `learnlink serve` replicas on one PostgreSQL database, events alternating between them.

Each event is stored once and processed once, each question asked of each
expert once (DMs counted on the fake Slack API, which both replicas call),
whichever replica received the event, its retry, or picked it up from the inbox.
The pairing round made once by two processes is
tests/handlers/test_pairing.py::test_two_processes_make_one_round.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import aiohttp
import pytest

from bot.settings import Settings
from tests.conftest import PG_URL
from tests.reliability.harness import (
    SLOW,
    EventFactory,
    ServerProcess,
    deliver,
    dm_targets,
    duplicates,
    fake_slack,
    seed,
    server_env,
    wait_until_drained,
)

EVENTS = 600 if SLOW else 120


async def test_two_replicas_process_each_event_once_and_ask_each_expert_once(
    database: Settings, tmp_path: Path
) -> None:
    if not database.database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database" if PG_URL else "no PostgreSQL")
    await seed(database)
    rng = random.Random(11)
    factory = EventFactory("EvReplica")
    async with fake_slack() as api:
        servers = [
            ServerProcess(server_env(database, api), tmp_path / f"replica{n}.log") for n in (1, 2)
        ]
        await asyncio.gather(*(s.start() for s in servers))
        events = [factory.make(rng) for _ in range(EVENTS)]
        async with aiohttp.ClientSession() as http:
            for batch in range(0, EVENTS, 8):
                sends = []
                for i, event in enumerate(events[batch : batch + 8], start=batch):
                    sends.append(deliver(http, servers[i % 2].url, event))
                    if rng.random() < 0.3:  # Slack's retry reaches the other replica
                        sends.append(deliver(http, servers[(i + 1) % 2].url, event, 1))
                statuses = await asyncio.gather(*sends)
                assert set(statuses) == {200}, statuses
        outcome = await wait_until_drained(database, api, seconds=60)
        codes = await asyncio.gather(*(s.stop() for s in servers))
    dms = dm_targets(api.calls)
    questions = [e for e in events if e.is_question]
    print(
        f"\ntwo replicas: {len(events)} events ({sum(e.deliveries for e in events)} deliveries), "
        f"{sum(outcome.questions.values())} questions, {sum(dms.values())} DMs, "
        f"duplicate DMs {duplicates(dms)}, duplicate questions {duplicates(outcome.questions)}"
    )
    assert codes == [0, 0]
    assert sorted(outcome.inbox) == sorted(e.event_id for e in events)
    assert all(state == "done" for state, _ in outcome.inbox.values())
    assert all(outcome.questions[(e.channel, e.ts)] == 1 for e in questions)
    assert sum(outcome.questions.values()) == len(questions)
    assert duplicates(outcome.referral_keys) == 0
    assert duplicates(dms) == 0
    assert outcome.undelivered(dms) == []
    assert sum(dms.values()) == 2 * len(questions)  # two experts per topic, each asked once
