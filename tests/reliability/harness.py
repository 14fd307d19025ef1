"""What the fault tests share: `learnlink serve` as a real process, people, signed events.

`ServerProcess` runs `python -m bot serve` on a loopback port with an
environment built here (never the caller's SLACK_* or LEARNLINK_* variables),
so a test can SIGKILL it, restart it, run two of them, and read its memory.
The Slack Web API it talks to is a `FakeSlackApi` on another loopback port in
the test's own event loop, so every call it makes is counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
from sqlalchemy import func, select

from bot.bootstrap import Services, bootstrap
from bot.handlers.people_import import import_people
from bot.localslack.api import Call, FakeSlackApi, serve
from bot.localslack.signing import SignedRequest, event_request, message_event
from bot.settings import Settings
from bot.storage import tables as t

ROOT = Path(__file__).resolve().parents[2]
SLOW = os.environ.get("LEARNLINK_SLOW_TESTS") == "1"
SECRET = "reliability-0f9e8d7c6b5a4f3e2d1c"
TOKEN = "xoxb-t1"
TEAM = "T1"
CHANNEL = "C0RELY"
ALL_DAYS = "[mon, tue, wed, thu, fri, sat, sun]"

# (Slack user id, name, what they know): two experts per topic, so a question asks two people.
EXPERTS = (
    ("UEXTARA", "Tara Terraform", "terraform"),
    ("UEXTOM", "Tom Terraform", "terraform"),
    ("UEXKAI", "Kai Kube", "kubernetes"),
    ("UEXKIM", "Kim Kube", "kubernetes"),
    ("UEXPIA", "Pia Python", "python"),
    ("UEXPETE", "Pete Python", "python"),
    ("UEXPAT", "Pat Postgres", "postgresql"),
    ("UEXPOL", "Pol Postgres", "postgresql"),
)
ASKERS = (("UASKANN", "Ann Asker"), ("UASKBEN", "Ben Asker"), ("UASKCAT", "Cat Asker"))
TOPICS = ("terraform", "kubernetes", "python", "postgresql")
QUESTION_NUMBER = re.compile(r"service q(\d+)\b")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def people_rows() -> list[tuple[int, dict[str, str]]]:
    """The organisation as `learnlink people import` rows (declared skills route from day one)."""
    rows = [
        {"name": name, "slack_user_id": uid, "timezone": "UTC", "knows": topic, "team": "Platform"}
        for uid, name, topic in EXPERTS
    ]
    rows += [{"name": name, "slack_user_id": uid, "timezone": "UTC"} for uid, name in ASKERS]
    return list(enumerate(rows, start=2))


def add_people_to(api: FakeSlackApi) -> None:
    """users.info answers for everyone (askers are looked up when they post)."""
    for uid, name, _ in EXPERTS:
        api.add_user(uid, name, tz="UTC")
    for uid, name in ASKERS:
        api.add_user(uid, name, tz="UTC")


async def seed(settings: Settings) -> None:
    """Migrate the database and import the organisation, before any server starts."""
    services = await bootstrap(settings)
    try:
        async with services.uow() as uow:
            report = await import_people(uow, people_rows())
        assert not report.errors, report.errors
    finally:
        await services.close()


@contextlib.asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    api.add_workspace(TEAM, TOKEN, name="Reliability")
    api.page_size = 200
    add_people_to(api)
    runner = await serve(api)
    try:
        yield api
    finally:
        await runner.cleanup()


def server_env(database: Settings, api: FakeSlackApi | None, **extra: str) -> dict[str, str]:
    """The process environment of a server: the caller's, less every Learnlink and chat setting."""
    own = ("LEARNLINK_", "SLACK_", "MICROSOFT_", "DATABASE_URL", "PORT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        {
            "DATABASE_URL": database.database.url,
            "SLACK_SIGNING_SECRET": SECRET,
            "LEARNLINK_SCHEDULER__INBOX_RETRY_SECONDS": "1",
            "LEARNLINK_SCHEDULER__INBOX_CLAIM_SECONDS": "5",
            # Everyone is at work at any hour and may be asked any number of times,
            # so every question is routed at once and every ask is a DM to count.
            "LEARNLINK_ORGANISATION__WORKING_HOURS_START": "00:00",
            "LEARNLINK_ORGANISATION__WORKING_HOURS_END": "23:59",
            "LEARNLINK_ORGANISATION__WORKING_DAYS": ALL_DAYS,
            "LEARNLINK_ROUTING__MAX_ASKS_PER_DAY": "1000000",
            "LEARNLINK_ROUTING__MIN_GAP_MINUTES": "0",
            "LEARNLINK_LOGGING__LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if api is not None:
        env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_BASE_URL": api.url})
    if database.database.schema_name:
        env["LEARNLINK_DATABASE__SCHEMA"] = database.database.schema_name
    env.update(extra)
    return env


@dataclass
class ServerProcess:
    """`python -m bot serve` on 127.0.0.1; its output goes to `log_path`."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, seconds: float = 90.0) -> float:
        """Start and wait for /healthz; returns how long that took."""
        assert self.process is None or self.process.poll() is not None, "already running"
        started = time.monotonic()
        self._log = self.log_path.open("ab")
        self._log.write(f"\n=== start {self.starts + 1} ===\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.starts += 1
        deadline = started + seconds
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"server exited ({self.process.returncode}):\n{self.tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError, OSError, asyncio.TimeoutError):
                    timeout = aiohttp.ClientTimeout(total=2)
                    async with http.get(self.url + "/healthz", timeout=timeout) as response:
                        if response.status == 200:
                            return time.monotonic() - started
                if time.monotonic() > deadline:
                    self.kill()
                    raise AssertionError(f"server not up within {seconds}s:\n{self.tail()}")
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, work in flight is cut wherever it is."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    async def stop(self, seconds: float = 20.0) -> int | None:
        """SIGTERM and wait for a clean exit (SIGKILL after `seconds`); the exit code."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + seconds
            while process.poll() is None and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        self.kill()
        return process.returncode

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_bytes(self) -> int:
        """Resident memory, from /proc (Linux)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        assert match, "no VmRSS in /proc/PID/status"
        return int(match.group(1)) * 1024

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# -- events -----------------------------------------------------------------------


@dataclass
class Event:
    """One channel message as Slack would deliver it, and what became of each delivery."""

    number: int
    event_id: str
    ts: str
    text: str
    user: str
    channel: str
    is_question: bool
    deliveries: int = 0
    acked: bool = False
    statuses: list[int] = field(default_factory=list)

    def request(self, retry_num: int | None = None) -> SignedRequest:
        event = message_event(self.text, user=self.user, channel=self.channel, ts=self.ts)
        return event_request(SECRET, event, event_id=self.event_id, retry_num=retry_num)


class EventFactory:
    """Questions about one topic each ("... service qN?"), and some chit-chat."""

    def __init__(self, prefix: str, *, question_share: float = 0.8, start: int = 1) -> None:
        self._prefix = prefix
        self._numbers = itertools.count(start)
        self._question_share = question_share
        self._base = int(time.time())

    def make(self, rng: Any, channel: str = CHANNEL) -> Event:
        n = next(self._numbers)
        user = ASKERS[n % len(ASKERS)][0]
        topic = TOPICS[n % len(TOPICS)]
        is_question = rng.random() < self._question_share
        if is_question:
            text = f"How do I configure {topic} for the billing service q{n}?"
        else:
            text = f"Deployed the billing service q{n} this morning, thanks all"
        ts = f"{self._base}.{n:06d}"
        return Event(n, f"{self._prefix}{n:06d}", ts, text, user, channel, is_question)


async def deliver(
    http: aiohttp.ClientSession,
    url: str,
    event: Event,
    retry_num: int | None = None,
    seconds: float = 10.0,
) -> int | None:
    """POST one delivery; the status, or None when the connection failed (server down)."""
    request = event.request(retry_num)
    event.deliveries += 1
    try:
        async with http.post(
            url + "/slack/events",
            data=request.body.encode(),
            headers=request.headers,
            timeout=aiohttp.ClientTimeout(total=seconds),
        ) as response:
            await response.read()
            status = response.status
    except (TimeoutError, aiohttp.ClientError, OSError):
        return None
    event.statuses.append(status)
    if status == 200:
        event.acked = True
    return status


# -- what the database and the fake Slack say ----------------------------------------


@dataclass(frozen=True)
class Ask:
    """A referral in state asked: who, about which question, and what was recorded."""

    referral_id: int
    user_id: str
    question_ts: str
    message_id: str | None

    @property
    def number(self) -> int:
        """The event number (EventFactory puts it after the dot of the ts)."""
        return int(self.question_ts.split(".")[1])


@dataclass
class Outcome:
    """The database after a run, reduced to what the guarantees are about."""

    inbox: dict[str, tuple[str, int]]  # event_id -> (state, attempts)
    questions: Counter[tuple[str, str]]  # (channel, message ts) -> rows
    question_status: dict[str, str]  # message ts -> status
    referral_keys: Counter[tuple[int, int]]  # (question id, person id) -> rows
    asks: list[Ask]
    deliveries: dict[str, str | None]  # key -> message id (None: claimed, never recorded)

    def undelivered(self, dms: Counter[tuple[str, int]]) -> list[Ask]:
        """Asks no DM reached Slack for."""
        return [a for a in self.asks if not dms[(f"D{a.user_id}", a.number)]]

    def cut_mid_send(self, ask: Ask) -> bool:
        """Its key was claimed and no message recorded: a kill landed during the send."""
        key = f"ask:{ask.referral_id}"
        return key in self.deliveries and not self.deliveries[key]


async def read_outcome(database: Settings) -> Outcome:
    services = await bootstrap(database, migrate=False)
    try:
        return await _read(services)
    finally:
        await services.close()


async def _read(services: Services) -> Outcome:
    r, q, i = t.referrals.c, t.questions.c, t.identities.c
    async with services.engine.connect() as db:
        inbox = {
            str(e): (str(s), int(a))
            for e, s, a in await db.execute(
                select(t.inbox.c.event_id, t.inbox.c.state, t.inbox.c.attempts).where(
                    t.inbox.c.platform == "slack"
                )
            )
        }
        rows = list(await db.execute(select(q.channel_id, q.message_id, q.status)))
        questions = Counter((str(c), str(m)) for c, m, _ in rows)
        status = {str(m): str(s) for _, m, s in rows}
        referral_keys = Counter(
            (int(a), int(b)) for a, b in await db.execute(select(r.question_id, r.person_id))
        )
        asked = await db.execute(
            select(r.id, i.user_id, q.message_id, r.message_id)
            .join(t.questions, q.id == r.question_id)
            .join(t.identities, (i.person_id == r.person_id) & (i.platform == "slack"))
            .where(r.state == "asked")
        )
        asks = [Ask(int(a), str(u), str(ts), m) for a, u, ts, m in asked]
        deliveries = {
            str(k): m
            for k, m in await db.execute(select(t.deliveries.c.key, t.deliveries.c.message_id))
        }
    return Outcome(inbox, questions, status, referral_keys, asks, deliveries)


def dm_targets(calls: Iterable[Call]) -> Counter[tuple[str, int]]:
    """DMs that reached Slack, per (DM channel, question number): each should be 1."""
    found: Counter[tuple[str, int]] = Counter()
    for call in calls:
        if call.method != "chat.postMessage" or not call.ok:
            continue
        channel = str(call.args.get("channel", ""))
        match = QUESTION_NUMBER.search(str(call.args.get("text", "")))
        if channel.startswith("D") and match:
            found[(channel, int(match.group(1)))] += 1
    return found


def duplicates(counter: Counter[Any]) -> int:
    return sum(n - 1 for n in counter.values() if n > 1)


async def wait_until_drained(
    database: Settings, api: FakeSlackApi, seconds: float, quiet: float = 1.5
) -> Outcome:
    """Poll until no inbox row is pending or failed and no Web API call came for `quiet` s.

    Each poll is one count; the whole outcome is read once, at the end (reading
    every table four times a second took CPU the server needed to drain).
    """
    services = await bootstrap(database, migrate=False)
    unfinished = (
        select(func.count())
        .select_from(t.inbox)
        .where(t.inbox.c.platform == "slack", t.inbox.c.state != "done")
    )
    try:
        deadline = time.monotonic() + seconds
        last_calls, last_change = len(api.calls), time.monotonic()
        while time.monotonic() < deadline:
            async with services.engine.connect() as db:
                busy = await db.scalar(unfinished)
            if len(api.calls) != last_calls:
                last_calls, last_change = len(api.calls), time.monotonic()
            if not busy and time.monotonic() - last_change >= quiet:
                break
            await asyncio.sleep(0.25)
        return await _read(services)
    finally:
        await services.close()
