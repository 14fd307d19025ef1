"""Teams on our aiohttp server: `POST /api/messages`, the gateway, the inbox retry loop.

`bot.web.create_web_app` calls `mount_teams`. The endpoint is always there:
with MICROSOFT_APP_ID set every request's token is checked, without it the
bot answers the Bot Framework Emulator (local mode, announced at start-up).
Mounting also registers the Teams gateway, so routing can DM Teams experts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication

from bot.bootstrap import Services, add_gateway
from bot.handlers.slack.processor import InboxProcessor
from bot.handlers.teams.auth import authentication
from bot.handlers.teams.gateway import TeamsGateway
from bot.handlers.teams.handler import LearnlinkTeamsBot
from bot.handlers.teams.router import TeamsRouter
from bot.handlers.teams.translate import TEAMS as TEAMS_PLATFORM
from bot.metrics import METRICS

MESSAGES_PATH = "/api/messages"
log = logging.getLogger("learnlink.teams")


@dataclass
class TeamsRuntime:
    adapter: CloudAdapter
    bot: LearnlinkTeamsBot
    gateway: TeamsGateway
    router: TeamsRouter
    processor: InboxProcessor


TEAMS = web.AppKey("teams", TeamsRuntime)


def build_teams(services: Services, auth: BotFrameworkAuthentication | None = None) -> TeamsRuntime:
    secrets = services.settings.secrets
    adapter = CloudAdapter(auth or authentication(secrets))
    adapter.on_turn_error = _log_turn_error
    gateway = TeamsGateway(
        adapter,
        secrets.microsoft_app_id,
        services.uow,
        services.clock,
        admin_ids=services.settings.admin.user_ids,
    )
    router = TeamsRouter(services.context, adapter, secrets.microsoft_app_id, gateway, services.uow)
    lease = timedelta(seconds=services.settings.scheduler.inbox_claim_seconds)
    processor = InboxProcessor(
        services.uow, services.clock, router, platform=TEAMS_PLATFORM, lease=lease
    )
    bot = LearnlinkTeamsBot(services.context, services.uow, services.clock, processor)
    return TeamsRuntime(adapter, bot, gateway, router, processor)


def mount_teams(
    web_app: web.Application,
    services: Services,
    auth: BotFrameworkAuthentication | None = None,
) -> TeamsRuntime:
    """Serve /api/messages and register the gateway; `auth` replaces the one from secrets."""
    runtime = build_teams(services, auth)
    add_gateway(services, runtime.gateway)
    web_app[TEAMS] = runtime
    web_app.router.add_post(MESSAGES_PATH, _messages)
    web_app.cleanup_ctx.append(_lifecycle(runtime, services.settings.scheduler.inbox_retry_seconds))
    return runtime


async def _messages(request: web.Request) -> web.StreamResponse:
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="activities are JSON")
    await _an_activity(request)
    runtime = request.app[TEAMS]
    metrics = request.app[METRICS]
    meters = metrics.acks("teams")
    meters.received.inc()
    with meters.seconds.time():
        response = await runtime.adapter.process(request, runtime.bot)
    answer = response if response is not None else web.Response(status=201)
    if answer.status < 300:
        meters.acked.inc()
    return answer


async def _an_activity(request: web.Request) -> None:
    """400 unless the body is a JSON object botbuilder can read as an activity.

    botbuilder's CloudAdapter parses the body itself and lets JSON and
    deserialisation errors through as 500s; a malformed request is the
    sender's error. (The body is read once: aiohttp keeps it for the adapter.)
    """
    try:
        body = json.loads(await request.read())
        if not isinstance(body, dict):
            raise ValueError("not an object")
        Activity().deserialize(body)
    except web.HTTPException:
        raise
    except Exception:
        raise web.HTTPBadRequest(text="the body is not a Bot Framework activity") from None


async def _log_turn_error(turn: TurnContext, error: Exception) -> None:
    """Log with the activity's type and id, then let aiohttp answer 500."""
    activity = turn.activity
    log.error("teams %s activity %s failed: %s", activity.type, activity.id, error, exc_info=error)
    raise error


def _lifecycle(
    runtime: TeamsRuntime, every: int
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        retrying = asyncio.create_task(_retry_forever(runtime, every), name="teams-inbox-retry")
        yield
        retrying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await retrying
        await runtime.processor.drain()

    return lifecycle


async def _retry_forever(runtime: TeamsRuntime, every: int) -> None:
    """Activities that failed (or that a crash left behind) get another try, oldest first."""
    while True:
        await asyncio.sleep(every)
        try:
            retried = await runtime.processor.retry(timedelta(seconds=every))
        except Exception:
            log.exception("teams inbox retry failed")
            continue
        if retried:
            log.info("teams: retrying %d inbox events", retried)
