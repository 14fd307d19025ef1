"""The aiohttp application: platform endpoints, /healthz, and (later) /metrics and /admin."""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import Services
from bot.handlers.slack.mount import mount_slack

SERVICES = web.AppKey("services", Services)


def create_web_app(services: Services) -> web.Application:
    app = web.Application(client_max_size=1024**2)
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    mount_slack(app, services)  # /slack/events, OAuth, Socket Mode: only when configured
    return app


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process answers; the database status is reported, not required."""
    database = await request.app[SERVICES].database_status()
    return web.json_response({"status": "ok", "database": database})
