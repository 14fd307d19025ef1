"""Slack on our aiohttp server: routes, Socket Mode and the inbox retry loop.

`bot.web.create_web_app` calls `mount_slack`; it does nothing unless Slack is
configured. Requests go through Bolt's own aiohttp request/response mapping.
The app's lifecycle (aiohttp's cleanup context) starts Socket Mode when
SLACK_APP_TOKEN is set, and retries inbox events that failed; on shutdown it
closes the socket and lets work in flight finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.bootstrap import Services
from bot.handlers.slack.app import SlackRuntime, build_slack, slack_configured
from bot.metrics import METRICS

EVENTS_PATH = "/slack/events"
SLACK = web.AppKey("slack", SlackRuntime)
log = logging.getLogger("learnlink.slack")


def mount_slack(web_app: web.Application, services: Services) -> SlackRuntime | None:
    """Add Slack to the web app; None (and no routes) when Slack is not configured.

    /slack/events exists only with a signing secret: without one a request
    could not be verified, so Socket Mode alone means no HTTP endpoint at all.
    """
    settings = services.settings
    if not slack_configured(settings):
        return None
    runtime = build_slack(services)
    web_app[SLACK] = runtime
    if settings.secrets.slack_signing_secret:
        web_app.router.add_post(EVENTS_PATH, _events)
    flow = runtime.app.oauth_flow
    if flow is not None:
        web_app.router.add_get(flow.install_path, _install)
        web_app.router.add_get(flow.redirect_uri_path, _oauth_redirect)
    web_app.cleanup_ctx.append(_lifecycle(services, runtime))
    return runtime


async def _events(request: web.Request) -> web.Response:
    """Bolt verifies, the inbox middleware stores, and the ack goes back; timed for /metrics."""
    metrics = request.app[METRICS]
    metrics.events_received.labels("slack").inc()
    with metrics.ack_seconds.labels("slack").time():
        app = request.app[SLACK].app
        response = await to_aiohttp_response(
            await app.async_dispatch(await to_bolt_request(request))
        )
    if response.status == 200:
        metrics.events_acked.labels("slack").inc()
    return response


async def _install(request: web.Request) -> web.Response:
    flow = request.app[SLACK].app.oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))


async def _oauth_redirect(request: web.Request) -> web.Response:
    flow = request.app[SLACK].app.oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))


def _lifecycle(
    services: Services, runtime: SlackRuntime
) -> Callable[[web.Application], AsyncIterator[None]]:
    app_token = services.settings.secrets.slack_app_token
    every = services.settings.scheduler.inbox_retry_seconds

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        socket = AsyncSocketModeHandler(runtime.app, app_token) if app_token else None
        if socket is not None:
            await socket.connect_async()
            log.info("slack: connected over Socket Mode")
        retrying = asyncio.create_task(_retry_forever(runtime, every), name="slack-inbox-retry")
        yield
        retrying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await retrying
        if socket is not None:
            await socket.close_async()
        await runtime.processor.drain()

    return lifecycle


async def _retry_forever(runtime: SlackRuntime, every: int) -> None:
    """Failed events (and any a crash left behind) get another try, oldest first."""
    while True:
        await asyncio.sleep(every)
        try:
            retried = await runtime.processor.retry(timedelta(seconds=every))
        except Exception:
            log.exception("slack inbox retry failed")
            continue
        if retried:
            log.info("slack: retrying %d inbox events", retried)
