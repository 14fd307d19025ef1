"""Who may post to /api/messages: botbuilder's own token validation, from our secrets.

With MICROSOFT_APP_ID set, every activity must carry a Bot Framework token
signed by a key in Microsoft's OpenID metadata, issued for our app id and for
the activity's serviceUrl; botbuilder checks all of that. Without an app id,
botbuilder lets anonymous requests through: that is local mode, for the Bot
Framework Emulator and tests, and `doctor` says so.

`ChannelEndpoints` exists for clouds other than the public one (and for tests,
which serve their own OpenID metadata on 127.0.0.1): it switches botbuilder to
its parameterized configuration, the documented way to name those URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ServiceClientCredentialsFactory,
)

from bot.settings import Secrets


@dataclass(frozen=True)
class ChannelEndpoints:
    """Where channel tokens are checked and bot tokens come from (default: public cloud)."""

    openid_metadata_url: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    token_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    login_url: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL
    oauth_scope: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    oauth_url: str = AuthenticationConstants.OAUTH_URL


@dataclass(frozen=True)
class BotConfiguration:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str | None
    APP_PASSWORD: str | None
    APP_TYPE: str
    APP_TENANTID: str | None
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    OAUTH_URL: str | None = None


def configuration(secrets: Secrets, endpoints: ChannelEndpoints | None = None) -> BotConfiguration:
    urls: dict[str, Any] = {}
    if endpoints is not None:
        urls = {
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": endpoints.openid_metadata_url,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": endpoints.token_issuer,
            "TO_CHANNEL_FROM_BOT_LOGIN_URL": endpoints.login_url,
            "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": endpoints.oauth_scope,
            "OAUTH_URL": endpoints.oauth_url,
        }
    return BotConfiguration(
        APP_ID=secrets.microsoft_app_id,
        APP_PASSWORD=secrets.microsoft_app_password,
        APP_TYPE=secrets.microsoft_app_type or "MultiTenant",
        APP_TENANTID=secrets.microsoft_app_tenant_id,
        **urls,
    )


class TeamsAuthentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's authentication, where every rejected token is a 401.

    botbuilder raises PermissionError for a missing or wrong token, which its
    aiohttp integration turns into 401, but a token that is not even a JWT
    fails inside PyJWT with another error and would surface as a 500.
    """

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        try:
            return await super().authenticate_request(activity, auth_header)
        except PermissionError:
            raise
        except Exception as exc:
            raise PermissionError(f"invalid token ({type(exc).__name__})") from exc


def authentication(
    secrets: Secrets,
    *,
    endpoints: ChannelEndpoints | None = None,
    credentials: ServiceClientCredentialsFactory | None = None,
) -> TeamsAuthentication:
    """From the environment's MICROSOFT_APP_* secrets; `credentials` replaces AAD sign-in."""
    return TeamsAuthentication(configuration(secrets, endpoints), credentials_factory=credentials)
