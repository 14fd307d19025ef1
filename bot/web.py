"""The aiohttp application: platform endpoints, /healthz, and (later) /metrics and /admin."""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import Services

SERVICES = web.AppKey("services", Services)


def create_web_app(services: Services) -> web.Application:
    app = web.Application(client_max_size=1024**2)
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    return app


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process answers; the database status is reported, not required."""
    database = await request.app[SERVICES].database_status()
    return web.json_response({"status": "ok", "database": database})
