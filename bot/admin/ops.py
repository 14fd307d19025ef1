"""Operational endpoints: /metrics (Prometheus), /readyz, and per-request metrics.

/healthz (in bot.web) says the process is alive; /readyz says whether it
should get traffic: the database answers and its schema is at the newest
migration. A load balancer can poll both without credentials. /metrics
needs the admin bearer token when one is configured, since request counts
and backlog sizes are nobody else's business.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.admin.auth import bearer_matches
from bot.bootstrap import Services
from bot.doctor import Status, platform_checks
from bot.metrics import CONTENT_TYPE, Metrics
from bot.storage import tables as t
from bot.storage.migrate import is_current

log = logging.getLogger("learnlink.ops")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
SEVERITY = {Status.OK: 0, Status.WARN: 1, Status.FAIL: 2}


def mount_operations(app: web.Application, services: Services, metrics: Metrics) -> None:
    operations = Operations(services, metrics)
    app.middlewares.append(request_metrics(metrics))
    app.router.add_get("/metrics", operations.metrics_endpoint)
    app.router.add_get("/readyz", operations.readyz)


class Operations:
    def __init__(self, services: Services, metrics: Metrics) -> None:
        self.services = services
        self.metrics = metrics

    async def metrics_endpoint(self, request: web.Request) -> web.Response:
        token = self.services.settings.secrets.admin_token
        if token and not bearer_matches(request.headers.get("Authorization"), token):
            return web.Response(
                status=401,
                text="401: /metrics needs Authorization: Bearer <LEARNLINK_ADMIN_TOKEN>\n",
                headers={"WWW-Authenticate": 'Bearer realm="learnlink-metrics"'},
            )
        await self.refresh_inbox_backlog()
        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def refresh_inbox_backlog(self) -> None:
        """Count unprocessed inbox rows now, so the gauge is never stale."""
        inbox = t.inbox.c
        query = (
            select(inbox.platform, inbox.state, func.count())
            .where(inbox.state != "done")
            .group_by(inbox.platform, inbox.state)
        )
        try:
            async with self.services.engine.connect() as connection:
                rows = [(str(p), str(s), int(n)) for p, s, n in await connection.execute(query)]
        except (SQLAlchemyError, OSError) as exc:
            log.warning("metrics: inbox backlog not counted (%s)", type(exc).__name__)
            self.metrics.database_up.set(0)
            return
        self.metrics.database_up.set(1)
        self.metrics.set_inbox_backlog(rows)

    async def readyz(self, request: web.Request) -> web.Response:
        database = await self.services.database_status()
        migrations = await self._migrations() if database == "ok" else "unknown"
        ready = database == "ok" and migrations == "current"
        body = {
            "status": "ready" if ready else "not ready",
            "database": database,
            "migrations": migrations,
            "platforms": platforms(self.services),
        }
        return web.json_response(body, status=200 if ready else 503)

    async def _migrations(self) -> str:
        try:
            current = await is_current(self.services.engine)
        except (SQLAlchemyError, OSError) as exc:
            return f"unknown: {type(exc).__name__}"
        return "current" if current else "behind: run `learnlink db upgrade`"


def platforms(services: Services) -> dict[str, dict[str, Any]]:
    """Per platform: configured or not, and the doctor's worst finding in one sentence."""
    secrets = services.settings.secrets
    configured = {
        "slack": bool(
            secrets.slack_bot_token or secrets.slack_app_token or secrets.slack_client_id
        ),
        "teams": bool(secrets.microsoft_app_id),
    }
    found: dict[str, dict[str, Any]] = {}
    for check in platform_checks(services.settings):
        name = check.name.split()[0]
        if name not in configured:
            continue
        known = found.get(name)
        if known is None or SEVERITY[check.status] > SEVERITY[Status(known["status"])]:
            found[name] = {
                "configured": configured[name],
                "status": str(check.status),
                "message": check.message,
            }
    return found


def request_metrics(metrics: Metrics) -> Middleware:
    """Count every request and time it, labelled by route template (bounded cardinality)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            route = _route(request)
            method = request.method if request.method in METHODS else "OTHER"
            requests, seconds = metrics.http_meters(method, route, status)
            requests.inc()
            seconds.observe(time.perf_counter() - started)

    return middleware


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"
