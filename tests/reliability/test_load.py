"""Sustained load on `learnlink serve`: no event lost, memory flat after warm-up.

Signed channel messages (one in five a question) at a steady rate from the
test, loopback only, for 20 s (10 minutes with LEARNLINK_SLOW_TESTS=1). The
server's resident memory is read from /proc after a warm-up and at the end.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path

import aiohttp

from bot.settings import Settings
from tests.conftest import sqlite_settings
from tests.reliability.harness import (
    SLOW,
    EventFactory,
    ServerProcess,
    deliver,
    fake_slack,
    seed,
    server_env,
    wait_until_drained,
)

SECONDS = 600.0 if SLOW else 20.0
WARMUP = 60.0 if SLOW else 5.0
RATE = 40.0  # events per second
# acked events are safe in the inbox; what is still queued when the load
# stops must be processed within this time (a 2-core machine may lag a little)
DRAIN_SECONDS = 180.0 if SLOW else 60.0
# Allocator free space still creeps up a little (~0.8 MiB a minute at 40 events/s,
# live memory flat); a leak of 700 bytes an event would cross this in 10 minutes.
MAX_GROWTH = 16 * 1024 * 1024
# Python's live blocks (its objects): ~840,000 here, +-1% from moment to moment;
# one object leaked per event would add ~3% in 10 minutes
MAX_BLOCK_GROWTH = 0.04


async def python_blocks(http: aiohttp.ClientSession, url: str) -> int:
    """The server's live Python blocks, from its /metrics."""
    async with http.get(url + "/metrics") as response:
        text = await response.text()
    found = re.search(r"^learnlink_python_allocated_blocks (\S+)$", text, re.M)
    assert found, "no learnlink_python_allocated_blocks in /metrics"
    return int(float(found[1]))


def rss_curve(samples: list[tuple[float, int]]) -> str:
    """Resident memory at each tenth of the run: a leak climbs to the end, a cache levels off."""
    points = [samples[min(len(samples) - 1, len(samples) * k // 10)][1] for k in range(11)]
    return " ".join(f"{rss / 2**20:.0f}" for rss in points)


async def test_sustained_load_loses_nothing_and_memory_stays_flat(tmp_path: Path) -> None:
    database: Settings = sqlite_settings(tmp_path / "load.db")
    await seed(database)
    rng = random.Random(7)
    factory = EventFactory("EvLoad", question_share=0.2)
    async with fake_slack() as api:
        server = ServerProcess(
            server_env(database, api, LEARNLINK_LOGGING__LEVEL="WARNING"), tmp_path / "serve.log"
        )
        await server.start()
        events = []
        samples: list[tuple[float, int]] = []
        blocks: list[int] = []  # Python's live blocks after the warm-up and after the drain
        started = time.monotonic()
        async with aiohttp.ClientSession() as http:
            pending: set[asyncio.Task[int | None]] = set()
            n = 0
            while (elapsed := time.monotonic() - started) < SECONDS:
                due = int(elapsed * RATE)
                while n < due:
                    event = factory.make(rng)
                    events.append(event)
                    task = asyncio.create_task(deliver(http, server.url, event))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                    n += 1
                if not samples or elapsed - samples[-1][0] >= 1.0:
                    samples.append((elapsed, server.rss_bytes()))
                if not blocks and elapsed >= WARMUP:
                    blocks.append(await python_blocks(http, server.url))
                await asyncio.sleep(0.01)
            await asyncio.gather(*pending)
        load_ended = time.monotonic()
        outcome = await wait_until_drained(database, api, seconds=DRAIN_SECONDS)
        drained_in = time.monotonic() - load_ended
        async with aiohttp.ClientSession() as http:
            blocks.append(await python_blocks(http, server.url))
        end_rss = server.rss_bytes()
        exit_code = await server.stop()
    after_warmup = [rss for at, rss in samples if at >= WARMUP]
    baseline = after_warmup[0] if after_warmup else samples[-1][1]
    growth = end_rss - baseline
    done = sum(1 for state, _ in outcome.inbox.values() if state == "done")
    acked = sum(e.acked for e in events)
    print(
        f"\nload: {len(events)} events in {SECONDS:.0f} s, {acked} acked, {done} processed; "
        f"RSS after warm-up {baseline / 2**20:.1f} MiB, at the end {end_rss / 2**20:.1f} MiB "
        f"(growth {growth / 2**20:+.1f} MiB, peak {max(r for _, r in samples) / 2**20:.1f} MiB)"
        f"\nRSS by tenths of the run (MiB): {rss_curve(samples)}"
        f"\nthe inbox drained {drained_in:.0f} s after the last event"
        f"\nPython's live blocks after warm-up {blocks[0]:,}, after the drain {blocks[-1]:,}"
    )
    assert exit_code == 0, server.tail()
    assert acked == len(events), "some events were not acked"
    assert done == len(events) == len(outcome.inbox), "some events were lost or not processed"
    assert sum(outcome.questions.values()) == sum(e.is_question for e in events)
    assert growth < MAX_GROWTH
    assert blocks[-1] < blocks[0] * (1 + MAX_BLOCK_GROWTH)
