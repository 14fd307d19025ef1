"""Our real server on a loopback port, the Bot Connector faked on another.

`teams` is a small organisation (imported with AAD object ids, as admins do),
Learnlink served by `bot.serve.start_server` in local mode (no app id), and a
fake Bot Connector as every activity's serviceUrl, holding the team's roster.
`installed` is the same after the app was added to the team, so the bot
knows everyone's `29:` id and can open 1:1 chats with them.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.bootstrap import Services, bootstrap
from bot.domain.model import ConversationReference, InboxEvent, Question, Referral
from bot.handlers.people_import import import_people
from bot.handlers.teams.mount import TEAMS, TeamsRuntime
from bot.serve import start_server
from bot.settings import Settings
from bot.storage import tables as t
from tests.conftest import make_settings
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.chat import FakeClock
from tests.handlers.teams import activities as a

# A Wednesday, 10:00 UTC: inside everyone's (London) working hours.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
PEOPLE = [
    # name, AAD object id, email, knows, wants to learn
    ("Asker Ash", "aad-asker", "ash@acme.test", "", "terraform"),
    ("Tess Terraform", "aad-tess", "tess@acme.test", "terraform;aws", ""),
    ("Kim Kube", "aad-kim", "kim@acme.test", "kubernetes;helm", ""),
    ("Tom Terraform", "aad-tom", "tom@acme.test", "terraform", ""),
    ("Fin Figma", "aad-fin", "fin@acme.test", "figma", ""),
]
ASKER, TESS, KIM, TOM, FIN = (a.account(name, aad) for name, aad, *_ in PEOPLE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    body: Any


@dataclass
class Teams:
    """Handles on everything a test touches."""

    services: Services
    connector: FakeBotConnector
    runtime: TeamsRuntime
    url: str
    clock: FakeClock
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def service_url(self) -> str:
        return self.connector.url

    async def post(self, activity: dict[str, Any], token: str | None = None) -> Reply:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url + "/api/messages", json=activity, headers=headers) as response,
        ):
            text = await response.text()
            body: Any = text
            if response.content_type == "application/json":
                body = await response.json()
            return Reply(response.status, body)

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until the work after the HTTP answer is done (nothing pending in the inbox)."""
        deadline = time.monotonic() + seconds
        while True:
            await self.runtime.processor.drain(0.05)
            async with self.services.uow() as uow:
                states = (await uow.session.scalars(select(t.inbox.c.state))).all()
            if "pending" not in states or time.monotonic() > deadline:
                assert "pending" not in states, "inbox events still pending"
                return
            await asyncio.sleep(0.02)

    async def inbox(self) -> list[tuple[str, str, str]]:
        async with self.services.uow() as uow:
            events = (await uow.session.scalars(select(InboxEvent))).all()
            return [(e.event_id, e.kind, e.state) for e in events]

    async def questions(self) -> list[Question]:
        async with self.services.uow() as uow:
            found = list((await uow.session.scalars(select(Question))).all())
            uow.session.expunge_all()
            return found

    async def referrals(self) -> list[tuple[int, str, str]]:
        """(referral id, person's AAD id, state), in rank order."""
        async with self.services.uow() as uow:
            ids = await uow.people.user_ids("teams")
            query = select(Referral).order_by(t.referrals.c.rank)
            rows = (await uow.session.scalars(query)).all()
            return [(r.id or 0, ids.get(r.person_id, "?"), r.state) for r in rows]

    async def references(self) -> list[tuple[str, str, int | None]]:
        async with self.services.uow() as uow:
            rows = (await uow.session.scalars(select(ConversationReference))).all()
            return [(r.conversation_id, r.scope, r.person_id) for r in rows]


def roster() -> list[dict[str, Any]]:
    return [a.member(name, aad, email) for name, aad, email, *_ in PEOPLE]


def settings_for(database: Path, **env: str) -> Settings:
    return make_settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        LEARNLINK_ROUTING__ASKS_AT_ONCE="1",
        LEARNLINK_ORGANISATION__DEFAULT_TIMEZONE="Europe/London",
        **env,
    )


@pytest.fixture(scope="session")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the people imported, made once and copied per test."""
    path = tmp_path_factory.mktemp("teams-organisation") / "teams.db"

    async def prepare() -> None:
        services = await bootstrap(settings_for(path))
        rows = [
            (n, {"name": name, "teams_user_id": aad, "email": e, "knows": k, "wants_to_learn": w})
            for n, (name, aad, e, k, w) in enumerate(PEOPLE, start=2)
        ]
        async with services.uow() as uow:
            await import_people(uow, rows)
        await services.close()

    asyncio.run(prepare())
    return path


async def serve_teams(
    organisation: Path,
    tmp_path: Path,
    make_app: Callable[[Services], web.Application] | None = None,
    **env: str,
) -> AsyncIterator[Teams]:
    """Serve a copy of the organisation; `make_app` builds the web app (custom auth)."""
    clock = FakeClock(NOW)
    database = tmp_path / "teams.db"
    shutil.copyfile(organisation, database)
    services = await bootstrap(settings_for(database, **env), migrate=False, clock=clock)
    async with services.uow() as uow:
        await services.context.expertise.rebuild(uow)
    connector = FakeBotConnector(rosters={a.TEAM: roster()})
    await connector.start()
    port = free_port()
    if make_app is None:
        runner = await start_server(services, "127.0.0.1", port)
    else:
        runner = web.AppRunner(make_app(services), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
    world = Teams(services, connector, runner.app[TEAMS], f"http://127.0.0.1:{port}", clock)
    try:
        yield world
    finally:
        await runner.cleanup()
        await connector.stop()
        await services.close()


@pytest.fixture
async def teams(organisation: Path, tmp_path: Path) -> AsyncIterator[Teams]:
    async for world in serve_teams(organisation, tmp_path):
        yield world


@pytest.fixture
async def installed(teams: Teams) -> Teams:
    """The app added to the team: the roster is synced, everyone can be reached."""
    reply = await teams.post(a.bot_added_to_team(teams.service_url, ASKER))
    assert reply.status in (200, 201)
    await teams.settle()
    teams.connector.calls.clear()
    return teams
