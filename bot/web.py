"""The aiohttp application: platform endpoints, /healthz, /readyz, /metrics and /admin."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from botframework.connector.auth import BotFrameworkAuthentication

from bot.admin import mount_admin
from bot.admin.ops import mount_operations
from bot.bootstrap import Services
from bot.handlers.slack.mount import mount_slack
from bot.handlers.teams.mount import mount_teams
from bot.metrics import METRICS, Metrics

SERVICES = web.AppKey("services", Services)


def create_web_app(
    services: Services,
    *,
    teams_auth: BotFrameworkAuthentication | None = None,
    metrics: Metrics | None = None,
) -> web.Application:
    """`teams_auth` replaces the Bot Framework authentication built from the secrets;
    `metrics` is this app's Metrics (by default the services' own, else a new one)."""
    app = web.Application(client_max_size=1024**2)
    app[SERVICES] = services
    # Operations and admin (bot.admin): set before the platforms mount, so they find app[METRICS].
    app[METRICS] = metrics or getattr(services, "metrics", None) or Metrics()
    mount_operations(app, services, app[METRICS])  # /metrics, /readyz, request metrics
    app.middlewares.append(refuse_large_bodies)  # 413 before any handler runs
    mount_admin(app, services)  # /admin: 404 "off" until LEARNLINK_ADMIN_TOKEN is set
    app.router.add_get("/healthz", healthz)
    mount_slack(app, services)  # /slack/events, OAuth, Socket Mode: only when configured
    mount_teams(app, services, teams_auth)  # /api/messages (local mode without an app id)
    return app


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process answers; the database status is reported, not required."""
    database = await request.app[SERVICES].database_status()
    return web.json_response({"status": "ok", "database": database})


@web.middleware
async def refuse_large_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A declared body over client_max_size is refused before anything reads it.

    (Bodies without a Content-Length are cut at the same size as they are read.)
    """
    size = request.content_length
    if size is not None and size > request.client_max_size:
        raise web.HTTPRequestEntityTooLarge(max_size=request.client_max_size, actual_size=size)
    return await handler(request)
