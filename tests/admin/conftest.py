"""Dashboard fixtures: services with an admin token, seeded, behind a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Services, bootstrap
from bot.settings import Settings
from bot.web import create_web_app
from tests.admin.seed import seed

TOKEN = "test-admin-token-7f3a9c"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def with_token(settings: Settings, token: str | None = TOKEN) -> Settings:
    """The same settings with LEARNLINK_ADMIN_TOKEN set (or unset with None)."""
    secrets = settings.secrets.model_copy(update={"admin_token": token})
    return settings.model_copy(update={"secrets": secrets})


@pytest.fixture
async def seeded(database: Settings) -> AsyncIterator[Services]:
    """Migrated, seeded services on SQLite and PostgreSQL, with the admin token set."""
    services = await bootstrap(with_token(database))
    await seed(services)
    yield services
    await services.close()


async def serve(services: Services) -> TestClient[web.Request, web.Application]:
    client: TestClient[web.Request, web.Application] = TestClient(
        TestServer(create_web_app(services), host="127.0.0.1")
    )
    await client.start_server()
    return client


@pytest.fixture
async def client(seeded: Services) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    http = await serve(seeded)
    yield http
    await http.close()
