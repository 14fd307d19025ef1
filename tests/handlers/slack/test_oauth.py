"""Multi-workspace install: the OAuth flow stores an installation in our database,
and each workspace's events are then served with that workspace's own token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from bot.bootstrap import Services
from bot.handlers.slack import oauth
from bot.rendering.views import Notice
from bot.storage import tables as t
from tests.conftest import make_settings
from tests.fakes.slack_signing import event_request, message_event
from tests.handlers.slack.conftest import SECRET, Slack

# slack-sdk's oauth.v2.access still passes aiohttp.BasicAuth, deprecated in aiohttp 3.14.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
OAUTH = {"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "s3cr3t"}


async def install(slack: Slack, code: str) -> tuple[int, str]:
    """Walk the browser's part: /slack/install, then Slack's redirect back with the code."""
    async with aiohttp.ClientSession() as http:
        async with http.get(slack.url + "/slack/install", allow_redirects=False) as response:
            assert response.status == 302
            location = response.headers["Location"]
            cookie = response.headers["Set-Cookie"].split(";")[0]
        query = parse_qs(urlparse(location).query)
        assert location.startswith("https://slack.com/oauth/v2/authorize")
        assert query["client_id"] == ["111.222"]
        assert "chat:write" in query["scope"][0].split(",")
        state = query["state"][0]
        async with http.get(
            slack.url + "/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": cookie},
            allow_redirects=False,
        ) as response:
            return response.status, await response.text()


async def test_install_stores_the_installation_and_events_use_its_token(
    start_slack: Callable[..., Awaitable[Slack]],
) -> None:
    slack = await start_slack(**OAUTH)
    slack.api.grant("code-two", "T2", "xoxb-t2", name="Beta")
    status, _ = await install(slack, "code-two")
    assert status == 200
    [exchange] = slack.api.answered("oauth.v2.access")
    assert exchange.args["code"] == "code-two"
    assert exchange.token == "basic:111.222:s3cr3t"
    async with slack.services.engine.connect() as connection:
        bots = (await connection.execute(select(t.slack_bots))).mappings().all()
        states = (await connection.execute(select(t.slack_oauth_states))).all()
    assert [(b["team_id"], b["bot_token"]) for b in bots] == [("T2", "xoxb-t2")]
    assert states == []  # the state was consumed

    slack.api.add_user("UBETA", "Bea Beta", team_id="T2")
    event = message_event("hello from beta", user="UBETA", channel="C2")
    reply = await slack.send(event_request(SECRET, event, team_id="T2", event_id="EvBeta"))
    assert reply.status == 200
    [row] = await slack.settled()
    assert (row.workspace_external_id, row.state) == ("T2", "done")
    [lookup] = slack.api.answered("users.info")
    assert lookup.token == "xoxb-t2"
    checks = len(slack.api.answered("auth.test"))
    event = message_event("and again", user="UBETA", channel="C2", ts="1700000101.000100")
    await slack.send(event_request(SECRET, event, team_id="T2", event_id="EvBeta2"))
    assert len(await slack.settled()) == 2
    assert len(slack.api.answered("auth.test")) == checks  # authorisation is cached
    sent = await slack.runtime.gateway.post(
        "T2", "C2", Notice("welcome to Learnlink"), key="beta:1"
    )
    assert slack.api.answered("chat.postMessage")[-1].token == "xoxb-t2"
    assert sent.channel == "C2"


async def test_a_replayed_or_forged_state_is_refused(
    start_slack: Callable[..., Awaitable[Slack]],
) -> None:
    slack = await start_slack(**OAUTH)
    slack.api.grant("code-x", "T3", "xoxb-t3")
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            slack.url + "/slack/oauth_redirect",
            params={"code": "code-x", "state": "forged"},
            headers={"Cookie": "slack-app-oauth-state=forged"},
        ) as response,
    ):
        assert response.status == 401
    assert slack.api.answered("oauth.v2.access") == []


async def test_events_from_a_workspace_that_never_installed_are_not_stored(
    start_slack: Callable[..., Awaitable[Slack]],
) -> None:
    slack = await start_slack(**OAUTH)
    event = message_event("who am i", user="UNOBODY", channel="C9")
    reply = await slack.send(event_request(SECRET, event, team_id="T9", event_id="EvNobody"))
    assert reply.status != 500
    assert await slack.inbox() == []


async def test_the_stores_work_on_each_database(services: Services) -> None:
    """slack-sdk's stores on our engine: SQLite, and PostgreSQL in a schema (CI)."""
    settings = make_settings(SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="s3cr3t")
    store = oauth.installation_store(settings, services.engine)
    await store.async_save(
        Installation(
            app_id="A0LEARN",
            enterprise_id=None,
            team_id="T5",
            user_id="UINSTALLER",
            bot_token="xoxb-t5",
            bot_id="BBOT5",
            bot_user_id="UBOT5",
            bot_scopes=["chat:write"],
        )
    )
    bot = await store.async_find_bot(enterprise_id=None, team_id="T5")
    assert bot is not None and bot.bot_token == "xoxb-t5"
    states = oauth.oauth_settings(settings, services.engine, store).state_store
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
