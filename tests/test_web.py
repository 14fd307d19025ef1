"""The real server on 127.0.0.1: /healthz answers with the database status."""

from __future__ import annotations

import socket

import aiohttp

from bot.bootstrap import Services, bootstrap
from bot.serve import start_server
from tests.conftest import make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_healthz_reports_the_database(services: Services) -> None:
    port = free_port()
    runner = await start_server(services, "127.0.0.1", port)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert await response.json() == {"status": "ok", "database": "ok"}
    finally:
        await runner.cleanup()


async def test_healthz_stays_up_when_the_database_is_down() -> None:
    settings = make_settings(DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    services = await bootstrap(settings, migrate=False)
    port = free_port()
    runner = await start_server(services, "127.0.0.1", port)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            body = await response.json()
        assert body["database"].startswith("unreachable: ")
    finally:
        await runner.cleanup()
        await services.close()
