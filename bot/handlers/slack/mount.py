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
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.bootstrap import Services
from bot.handlers.slack.app import SlackRuntime, build_slack, slack_configured
from bot.handlers.slack.inbox import arrival, envelope
from bot.metrics import METRICS

EVENTS_PATH = "/slack/events"
SLACK = web.AppKey("slack", SlackRuntime)
TIMESTAMP, SIGNATURE = "X-Slack-Request-Timestamp", "X-Slack-Signature"
MAX_AGE_SECONDS = 300  # Slack's rule: older (or later) timestamps are replays
MALFORMED = (AttributeError, TypeError, KeyError, IndexError, ValueError)
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
    """Verify, store in the inbox, ack; timed for /metrics."""
    metrics = request.app[METRICS]
    meters = metrics.acks("slack")
    meters.received.inc()
    with meters.seconds.time():
        response = await _verify_and_store(request)
    if response.status == 200:
        meters.acked.inc()
    return response


async def _verify_and_store(request: web.Request) -> web.Response:
    """Verify here; then an event (one workspace) is stored and acked here, the rest by Bolt.

    The signature is checked before anything reads the body, so a refused
    request is logged without its payload (Bolt's own check logs the body).
    An Events API callback then needs nothing more from Bolt: in
    single-workspace mode the token is fixed, and Bolt's listener would only
    ack and submit the inbox id, so skipping Bolt's dispatch for events saves
    most of the ack's cost. Commands, interactions, url_verification and OAuth
    workspaces (whose installation Bolt checks) still go through Bolt.
    """
    runtime = request.app[SLACK]
    raw = await request.read()  # more than client_max_size (1 MiB): 413
    headers = request.headers
    secret = runtime.signing_secret
    if not verified(secret, raw, headers.get(TIMESTAMP), headers.get(SIGNATURE), time.time()):
        log.warning(
            "slack: refused a request with a missing, wrong or stale signature (%d bytes)",
            len(raw),
        )
        return web.json_response({"error": "invalid request"}, status=401)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return web.json_response({"error": "the body is not UTF-8"}, status=400)
    if runtime.app.oauth_flow is None:
        body = _event_callback(text, request.content_type)
        found = envelope(body) if body is not None else None
        if body is not None and found is not None:
            if await runtime.inbox.record(arrival(found, body, runtime.clock)):
                runtime.processor.submit(found.event_id)
            return web.Response(status=200)
    try:
        bolt_request = AsyncBoltRequest(
            body=text, query=request.query_string, headers=dict(headers)
        )
        response = await runtime.app.async_dispatch(bolt_request)
    except MALFORMED as exc:  # Bolt reads fields without checking their types
        response = BoltResponse(status=500, body="")
        log.warning("slack: a signed request of an unexpected shape (%s)", type(exc).__name__)
    if response.status == 500:
        # Our middleware answers 503 when the inbox cannot be written and our listeners
        # only ack, so a 500 is Bolt failing on a body of a shape it cannot read.
        return web.json_response({"error": "malformed request"}, status=400)
    return await to_aiohttp_response(response)


def verified(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Slack's v0 signature over the raw body, made at most 5 minutes from now."""
    if not secret or not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape"))


def _event_callback(text: str, content_type: str) -> dict[str, Any] | None:
    """The Events API envelope, when the body is one (JSON, as Bolt reads it: by type or `{`)."""
    if content_type != "application/json" and not text.startswith("{"):
        return None
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("type") != "event_callback":
        return None
    return body


async def _install(request: web.Request) -> web.Response:
    flow = request.app[SLACK].app.oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_installation(_browser_request(request)))


async def _oauth_redirect(request: web.Request) -> web.Response:
    flow = request.app[SLACK].app.oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_callback(_browser_request(request)))


def _browser_request(request: web.Request) -> AsyncBoltRequest:
    """The install pages are GETs from a browser: the query and cookies count, a body never
    (and one that is not UTF-8 must not fail the page)."""
    return AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))


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
