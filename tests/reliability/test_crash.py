"""Crash safety: SIGKILL `learnlink serve` at random moments under a stream of signed events.

Every event that got a 200 was written to the inbox before the ack, so after
restarts (and the inbox retry loop, every second here) each one is processed:
exactly one question per question event, every question routed, no referral
twice, and no expert DMed twice about the same question (the DMs are counted
on the fake Slack API, per DM channel and question). Events that never got a
200 (the server was down or died mid-request) are re-sent with
X-Slack-Retry-Num, as Slack does, until they are acked.

The default run kills 5 times over a few hundred events; LEARNLINK_SLOW_TESTS=1
kills 12 times over a few thousand.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import deque
from pathlib import Path
from typing import Any

import aiohttp

from bot.settings import Settings
from tests.reliability.harness import (
    SLOW,
    Event,
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

KILLS = 12 if SLOW else 5
MAX_EVENTS = 3000 if SLOW else 400
SENDERS = 3
RETRY_SHARE = 0.2  # share of acked events Slack re-sends anyway (X-Slack-Retry-Num 1..3)


async def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    database: Settings, tmp_path: Path
) -> None:
    seed_value = int(os.environ.get("LEARNLINK_CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed_value)
    await seed(database)
    async with fake_slack() as api:
        server = ServerProcess(server_env(database, api), tmp_path / "serve.log")
        factory = EventFactory("EvCrash")
        events: list[Event] = []
        unacked: deque[Event] = deque()
        sending = creating = True
        kills = 0

        async def sender(http: aiohttp.ClientSession) -> None:
            while sending:
                if unacked and (not creating or rng.random() < 0.5):
                    event = unacked.popleft()
                    retry: int | None = min(event.deliveries, 3)
                elif creating and len(events) < MAX_EVENTS:
                    event = factory.make(rng)
                    events.append(event)
                    retry = None
                else:
                    await asyncio.sleep(0.05)
                    continue
                status = await deliver(http, server.url, event, retry)
                if status != 200:
                    unacked.append(event)
                    await asyncio.sleep(0.1)
                    continue
                if rng.random() < RETRY_SHARE:
                    again = await deliver(http, server.url, event, rng.randint(1, 3))
                    assert again in (200, None), f"a retried event got {again}"
                await asyncio.sleep(rng.uniform(0.0, 0.04))

        await server.start()
        async with aiohttp.ClientSession() as http:
            senders = [asyncio.create_task(sender(http)) for _ in range(SENDERS)]
            try:
                for _ in range(KILLS):
                    await asyncio.sleep(rng.uniform(0.2, 1.8))
                    server.kill()
                    kills += 1
                    await asyncio.sleep(rng.uniform(0.0, 0.5))
                    await server.start()
                # Up for good: every unacked event again until it is acked.
                await asyncio.sleep(0.5)
                creating = False
                deadline = time.monotonic() + 60
                while not all(e.acked for e in events) and time.monotonic() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            finally:
                sending = False
                await asyncio.gather(*senders)
            outcome = await wait_until_drained(database, api, seconds=90)
        exit_code = await server.stop()

    acked = [e for e in events if e.acked]
    dms = dm_targets(api.calls)
    undelivered = outcome.undelivered(dms)
    cut = [a for a in undelivered if outcome.cut_mid_send(a)]
    found: dict[str, list[Any]] = {
        "inbox rows not done": [e for e, (s, _) in outcome.inbox.items() if s != "done"],
        "acked events missing from the inbox": [
            e.event_id for e in acked if e.event_id not in outcome.inbox
        ],
        "question events without a question": [
            e.event_id for e in acked if e.is_question and outcome.questions[(e.channel, e.ts)] != 1
        ],
        "chit-chat stored as a question": [
            e.event_id for e in events if not e.is_question and outcome.questions[(e.channel, e.ts)]
        ],
        "questions never routed": [
            ts for ts, status in outcome.question_status.items() if status == "open"
        ],
        # At most once: a DM whose send a kill cut short is not sent again (the expert
        # may have it); any other ask without a DM would be a lost ask.
        "asks lost": [a for a in undelivered if a not in cut],
    }
    figures = {
        "seed": seed_value,
        "events": len(events),
        "deliveries": sum(e.deliveries for e in events),
        "acked": len(acked),
        "questions": sum(outcome.questions.values()),
        "kills": kills,
        "server starts": server.starts,
        "DMs": sum(dms.values()),
        "duplicate questions": duplicates(outcome.questions),
        "duplicate referrals": duplicates(outcome.referral_keys),
        "duplicate DMs": duplicates(dms),
        "asks cut mid-send by a kill": len(cut),
    }
    print(f"\ncrash safety ({database.database_url.split(':')[0]}): {figures}")
    assert exit_code == 0, f"the last server did not stop cleanly:\n{server.tail()}"
    assert len(acked) == len(events), f"{len(events) - len(acked)} events never acked"
    assert kills >= 5
    assert not any(found.values()), {k: v[:10] for k, v in found.items() if v}
    assert figures["duplicate questions"] == 0
    assert figures["duplicate referrals"] == 0
    assert figures["duplicate DMs"] == 0, [k for k, n in dms.items() if n > 1][:10]
    assert figures["DMs"] > 0 and figures["questions"] > 0
