"""Multi-workspace install: OAuth settings and the stores, kept in our database.

slack-sdk ships async SQLAlchemy stores that take an `AsyncEngine`, so the
installations, bot tokens and OAuth states live in Learnlink's own database
(SQLite or PostgreSQL, same engine, same schema) with no second storage to
run. Their tables are created by our migrations (0002), not at run time.
"""

from __future__ import annotations

import logging

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings

# The bot scopes the app asks for on install; manifest.yaml lists the same
# ones, each with the reason (a test keeps the two equal).
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:write",
    "mpim:write",
    "reactions:read",
    "users:read",
    "users:read.email",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


def oauth_enabled(settings: Settings) -> bool:
    secrets = settings.secrets
    return bool(secrets.slack_client_id and secrets.slack_client_secret)


def installation_store(settings: Settings, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    client_id = settings.secrets.slack_client_id
    assert client_id, "multi-workspace install needs SLACK_CLIENT_ID"
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def oauth_settings(
    settings: Settings, engine: AsyncEngine, store: AsyncSQLAlchemyInstallationStore
) -> AsyncOAuthSettings:
    """`/slack/install` redirects straight to Slack (no intermediate page) with a state.

    Bolt authorises every request before it can be acked, and without a cache
    that means an auth.test call to Slack on each one; the cached authorizer
    makes that once per token, keeping Slack's Web API off the ack path.
    """
    secrets = settings.secrets
    result = AsyncOAuthSettings(
        client_id=secrets.slack_client_id,
        client_secret=secrets.slack_client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )
    result.authorize = AsyncInstallationStoreAuthorize(
        logger=logging.getLogger("learnlink.slack.oauth"),
        installation_store=store,
        bot_only=True,
        cache_enabled=True,
    )
    return result
