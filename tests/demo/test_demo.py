"""The demo, shortened, end to end: real server, local Slack, signed events."""

from __future__ import annotations

import asyncio
import socket

from bot.demo import run_demo
from bot.demo.transcript import Transcript
from tests.conftest import make_settings


async def test_the_demo_shows_routing_and_pairing() -> None:
    transcript = Transcript(colour=False)
    await run_demo(make_settings(), short=True, transcript=transcript)
    text = transcript.text()
    assert "40 people in 5 teams and 4 timezones" in text
    assert "question detected (topics: kubernetes)" in text
    assert "→ asked Eva Schmidt (Platform, 09:30 local): declared kubernetes" in text
    assert "waits until Wed 09:00 their time" in text  # New York is asleep at 09:30 London
    assert "not routed: not a question worth asking anyone about (chit-chat)" in text
    assert "said Not me" in text and "asked Ana Silva instead" in text
    assert "answered privately with: " in text and "Kemi Bello" in text
    assert "Started learning" in text
    assert "wants to learn" in text  # the pairing reasons
    assert "check-ins sent" in text and "2 groups answered We met" in text
    summary = text[text.index("Summary") :]
    assert "questions detected" in summary and "learning groups introduced" in summary


async def test_the_demo_leaves_nothing_running() -> None:
    before = {t for t in asyncio.all_tasks()}
    await run_demo(make_settings(), short=True, transcript=Transcript(colour=False))
    leftover = [t for t in asyncio.all_tasks() - before if not t.done()]
    assert leftover == []
    with socket.socket() as sock:  # and the loopback is free to bind again
        sock.bind(("127.0.0.1", 0))
