"""The Bolt `AsyncApp`: verify, record in the inbox, ack, and hand over.

Bolt does what it is good at: signature checks (HTTP mode), authorising the
team (one bot token, or OAuth installations), the OAuth flow, Socket Mode.
Our middleware writes each request to the inbox before the ack; the listeners
only ack and submit the inbox id to the processor, so nothing slow ever runs
before Slack gets its answer (3 seconds at most, ours in milliseconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from bot.bootstrap import Services, add_gateway
from bot.domain.ports import Clock
from bot.handlers.slack import oauth
from bot.handlers.slack.client import WorkspaceClients, api_base_url, web_client
from bot.handlers.slack.gateway import SlackGateway
from bot.handlers.slack.inbox import INBOX_KEY, InboxWriter, inbox_middleware
from bot.handlers.slack.links import Permalinks
from bot.handlers.slack.people import SlackPeople
from bot.handlers.slack.processor import InboxProcessor
from bot.handlers.slack.router import SlackRouter
from bot.handlers.traffic import Traffic
from bot.settings import Settings

ANY = re.compile(".*")


def slack_configured(settings: Settings) -> bool:
    """A bot token (one workspace) or OAuth credentials (many) make Slack usable."""
    return bool(settings.secrets.slack_bot_token) or oauth.oauth_enabled(settings)


@dataclass
class SlackRuntime:
    """Everything the Slack adapter runs, built once per process by `build_slack`."""

    app: AsyncApp
    processor: InboxProcessor
    router: SlackRouter
    gateway: SlackGateway
    clients: WorkspaceClients
    inbox: InboxWriter  # shared by Bolt's middleware and the HTTP fast path for events
    clock: Clock
    signing_secret: str


def build_slack(services: Services) -> SlackRuntime:
    """Wire the adapter; registers the Slack gateway for the use cases to talk through."""
    clients, oauth_settings = _connections(services)
    gateway = SlackGateway(clients, services.uow, services.clock)
    add_gateway(services, gateway)
    ctx = services.context
    router = SlackRouter(ctx, clients, SlackPeople(ctx, clients), Permalinks(clients))
    # SQLite has one writer: events processed side by side only wait for its lock, in
    # sleeps of up to 100 ms, and starve the acks of it too; PostgreSQL has row locks.
    concurrency = 2 if services.settings.database_url.startswith("sqlite") else 16
    traffic = Traffic()  # the work after the ack gives way to acks under a burst
    lease = timedelta(seconds=services.settings.scheduler.inbox_claim_seconds)
    processor = InboxProcessor(
        services.uow, services.clock, router, concurrency=concurrency, traffic=traffic, lease=lease
    )
    inbox = InboxWriter(services.inbox_log, traffic=traffic)
    app = create_slack_app(services, processor, oauth_settings=oauth_settings, inbox=inbox)
    secret = services.settings.secrets.slack_signing_secret or ""
    return SlackRuntime(app, processor, router, gateway, clients, inbox, services.clock, secret)


def _connections(services: Services) -> tuple[WorkspaceClients, AsyncOAuthSettings | None]:
    """One workspace's bot token, or (OAuth) every installation in our database."""
    settings = services.settings
    base_url = api_base_url(settings)
    if not oauth.oauth_enabled(settings):
        return WorkspaceClients(base_url, token=settings.secrets.slack_bot_token), None
    store = oauth.installation_store(settings, services.engine)
    clients = WorkspaceClients(base_url, installations=store)
    return clients, oauth.oauth_settings(settings, services.engine, store)


def create_slack_app(
    services: Services,
    processor: InboxProcessor,
    *,
    oauth_settings: AsyncOAuthSettings | None = None,
    inbox: InboxWriter | None = None,
) -> AsyncApp:
    """A Bolt app that records every request in the inbox, acks, and submits it.

    Every value is passed explicitly: Bolt would otherwise read SLACK_* from
    the process environment, and our settings are the one source of truth.
    """
    secrets = services.settings.secrets
    token = None if oauth_settings else secrets.slack_bot_token
    app = AsyncApp(
        signing_secret=secrets.slack_signing_secret or "",
        client=web_client(api_base_url(services.settings), token),  # Bolt takes the token from here
        oauth_settings=oauth_settings,
        installation_store_bot_only=True if oauth_settings else None,
        request_verification_enabled=True,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    writer = inbox or InboxWriter(services.inbox_log)
    app.middleware(inbox_middleware(writer, services.clock))
    _register_listeners(app, processor)
    return app


def _register_listeners(app: AsyncApp, processor: InboxProcessor) -> None:
    """Catch-all listeners: the router decides what each kind means, after the ack."""

    async def ack_and_submit(ack: AsyncAck, context: dict[str, Any]) -> None:
        await ack()
        inbox_id = context.get(INBOX_KEY)
        if inbox_id:
            processor.submit(str(inbox_id))

    app.event(ANY)(ack_and_submit)
    app.command(ANY)(ack_and_submit)
    app.action(ANY)(ack_and_submit)
    app.shortcut(ANY)(ack_and_submit)
    app.view(ANY)(ack_and_submit)
