"""Our real server on a loopback port, Slack's Web API faked on another.

`slack` is the whole set-up most tests want: the fake Slack API (workspace
T1, bot token xoxb-t1), settings pointing at it and at a fresh SQLite file,
and Learnlink served by `bot.serve.start_server`. Requests are signed with
the same secret the server verifies with.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.bootstrap import Services, bootstrap
from bot.domain.model import InboxEvent
from bot.handlers.slack.app import SlackRuntime
from bot.handlers.slack.mount import SLACK
from bot.serve import start_server
from bot.settings import Settings
from bot.storage import tables as t
from bot.storage.engine import create_engine
from bot.storage.migrate import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import make_settings
from tests.fakes.chat import FakeClock
from tests.fakes.slack_api import FakeSlackApi, slack_api
from tests.fakes.slack_signing import SignedRequest

__all__ = ["slack_api"]
T = TypeVar("T")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# A Wednesday, 10:00 UTC: inside everyone's (UTC) working hours.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


@dataclass
class Slack:
    """Handles on everything a test touches."""

    api: FakeSlackApi
    services: Services
    runtime: SlackRuntime
    url: str
    clock: FakeClock

    async def send(self, request: SignedRequest, path: str = "/slack/events") -> Reply:
        started = time.perf_counter()
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url + path, data=request.body, headers=request.headers) as response,
        ):
            body = await response.text()
            return Reply(
                response.status, body, dict(response.headers), time.perf_counter() - started
            )

    async def inbox(self) -> list[Row]:
        async with self.services.uow() as uow:
            return await all_inbox(uow)

    async def settled(self, seconds: float = 5.0) -> list[Row]:
        """Every inbox row, once none is pending (the work after the ack is done)."""
        return await poll(lambda: self._settled_rows(), seconds)

    async def _settled_rows(self) -> list[Row] | None:
        await self.runtime.processor.drain(seconds=0.05)
        async with self.services.uow() as uow:
            rows = await all_inbox(uow)
        busy = self.runtime.processor.busy or any(r.state == "pending" for r in rows)
        return None if busy else rows


@dataclass(frozen=True)
class Row:
    """An inbox row as it was when read (the ORM object expires when its session ends)."""

    event_id: str
    kind: str
    state: str
    attempts: int
    workspace_external_id: str | None
    last_error: str | None


async def all_inbox(uow: SqlUnitOfWork) -> list[Row]:
    query = select(InboxEvent).order_by(t.inbox.c.id)
    return [
        Row(e.event_id, e.kind, e.state, e.attempts, e.workspace_external_id, e.last_error)
        for e in await uow.session.scalars(query)
    ]


async def poll(
    check: Callable[[], Awaitable[T | None]], seconds: float = 5.0, every: float = 0.02
) -> T:
    """The first non-None result of `check`, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds}s")
        await asyncio.sleep(every)


def slack_settings(tmp_path: Path, api: FakeSlackApi, **env: str) -> Settings:
    base = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'slack.db'}",
        "SLACK_BOT_TOKEN": "xoxb-t1",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": api.url,
    }
    return make_settings(**{**base, **env})


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test: migrating is most of a start-up."""
    path = tmp_path_factory.mktemp("slack-template") / "slack.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture
async def start_slack(
    tmp_path: Path, slack_api: FakeSlackApi, migrated_database: Path
) -> AsyncIterator[Callable[..., Awaitable[Slack]]]:
    """Start Learnlink with extra environment variables (e.g. OAuth credentials)."""
    started: list[tuple[web.AppRunner, Services]] = []

    async def start(**env: str) -> Slack:
        """A database named in `env` (PostgreSQL) is migrated; else a migrated copy is used."""
        clock = FakeClock(NOW)
        shutil.copyfile(migrated_database, tmp_path / "slack.db")
        settings = slack_settings(tmp_path, slack_api, **env)
        services = await bootstrap(settings, clock=clock, migrate="DATABASE_URL" in env)
        port = free_port()
        runner = await start_server(services, "127.0.0.1", port)
        started.append((runner, services))
        runtime = runner.app[SLACK]
        return Slack(slack_api, services, runtime, f"http://127.0.0.1:{port}", clock)

    yield start
    for runner, services in started:
        await runner.cleanup()
        await services.close()


@pytest.fixture
async def slack(start_slack: Callable[..., Awaitable[Slack]]) -> Slack:
    return await start_slack()
