"""With an app id, only activities carrying a valid Bot Framework token get in.

Tokens are minted here with our own RSA key, and botbuilder's validator is
pointed at OpenID metadata served on 127.0.0.1 (tests/fakes/openid.py); the
default configuration (public cloud) is used where no token can pass anyway.
Nothing here reaches the internet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.bootstrap import Services
from bot.handlers.teams.auth import ChannelEndpoints, authentication
from bot.web import create_web_app
from tests.fakes.openid import OpenIdServer, StaticTokenCredentials, mint, new_key
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import KIM, Teams, serve_teams

APP_ID = "0e1f2a3b-1111-2222-3333-444455556666"
SECRETS = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "not-used-in-tests"}


@pytest.fixture
def openid() -> Iterator[OpenIdServer]:
    server = OpenIdServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def guarded(organisation: Path, tmp_path: Path, openid: OpenIdServer) -> AsyncIterator[Teams]:
    """Learnlink with an app id, trusting only the local OpenID server's key."""

    def make_app(services: Services) -> web.Application:
        auth = authentication(
            services.settings.secrets,
            endpoints=ChannelEndpoints(openid_metadata_url=openid.metadata_url),
            credentials=StaticTokenCredentials(APP_ID, "bot-token-for-tests"),
        )
        return create_web_app(services, teams_auth=auth)

    async for world in serve_teams(organisation, tmp_path, make_app, **SECRETS):
        yield world


@pytest.fixture
async def public_cloud(organisation: Path, tmp_path: Path) -> AsyncIterator[Teams]:
    """Learnlink with an app id and botbuilder's default (public cloud) validation."""
    async for world in serve_teams(organisation, tmp_path, None, **SECRETS):
        yield world


async def assert_refused(teams: Teams, token: str | None) -> None:
    activity = a.personal_message(teams.service_url, KIM, "skills add docker")
    reply = await teams.post(activity, token)
    assert reply.status == 401
    await teams.runtime.processor.drain(0.1)
    assert await teams.inbox() == []
    assert teams.connector.calls == []


async def test_without_a_token_the_request_is_refused(public_cloud: Teams) -> None:
    await assert_refused(public_cloud, None)


async def test_a_token_that_is_not_a_jwt_is_refused(public_cloud: Teams) -> None:
    await assert_refused(public_cloud, "not-a-jwt")


async def test_a_valid_token_gets_in_and_replies_carry_the_bots_token(
    guarded: Teams, openid: OpenIdServer
) -> None:
    activity = a.personal_message(guarded.service_url, KIM, "help")
    reply = await guarded.post(activity, openid.token(APP_ID, guarded.service_url))
    assert reply.status in (200, 201)
    await guarded.settle()
    (answer,) = guarded.connector.sent()
    assert answer.authorization == "Bearer bot-token-for-tests"


@pytest.mark.parametrize(
    "forge",
    ["other key", "other audience", "expired", "other service url", "other issuer", "none"],
)
async def test_forged_tokens_are_refused(guarded: Teams, openid: OpenIdServer, forge: str) -> None:
    url = guarded.service_url
    token = {
        "other key": lambda: mint(new_key(), openid.kid, APP_ID, url),
        "other audience": lambda: openid.token("99999999-2222-3333-4444-555555555555", url),
        "expired": lambda: openid.token(APP_ID, url, exp=1_700_000_000, iat=1_699_990_000),
        "other service url": lambda: openid.token(APP_ID, "https://smba.example/"),
        "other issuer": lambda: openid.token(APP_ID, url, iss="https://evil.example"),
        "none": lambda: "",
    }[forge]()
    await assert_refused(guarded, token or None)
