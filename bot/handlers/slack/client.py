"""Slack Web API clients: the right base URL, the right token, and retries.

Every client is the real `AsyncWebClient` with slack-sdk's retry handlers
attached, so a 429 waits for `Retry-After`, a dropped connection and a 500 are
retried, and none of that is reimplemented here. `SLACK_API_BASE_URL` points
them at another server (tests' fake Slack, a proxy).
"""

from __future__ import annotations

import logging

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

DEFAULT_BASE_URL = AsyncWebClient.BASE_URL
log = logging.getLogger("learnlink.slack")


class NotInstalled(LookupError):
    """No bot token for a workspace: the app was never installed there, or was removed."""


def api_base_url(settings: Settings) -> str:
    """The Web API base URL, with the trailing slash the client's URL joining needs."""
    url = settings.secrets.slack_api_base_url or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def retry_handlers() -> list[AsyncRetryHandler]:
    """Rate limits are retried more often than errors: Slack asks us to wait, not to stop."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(base_url: str, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=retry_handlers())


class WorkspaceClients:
    """A client per workspace, with that workspace's bot token.

    One workspace: the SLACK_BOT_TOKEN, whatever team asks. Several (OAuth):
    the bot token stored when the workspace installed the app. Work that runs
    after the ack, or later from the inbox, has no Bolt request context to
    borrow a token from, so it asks here.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        installations: AsyncInstallationStore | None = None,
    ) -> None:
        if token is None and installations is None:
            raise ValueError("a bot token or an installation store is needed")
        self.base_url = base_url
        self._single = web_client(base_url, token) if token else None
        self._installations = installations

    async def for_team(self, team_id: str) -> AsyncWebClient:
        if self._single is not None:
            return self._single
        assert self._installations is not None
        bot = await self._installations.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"Learnlink is not installed in Slack workspace {team_id}")
        return web_client(self.base_url, bot.bot_token)
