"""Authentication: forged, missing and replayed credentials get 401, and no payload is logged.

Also covered elsewhere (not repeated): tests/handlers/slack/test_events_http.py (bad
signature, tampered body, stale timestamp change nothing), tests/handlers/teams/
test_auth.py (forged Teams tokens: other key, audience, issuer, service URL,
expired), tests/admin/test_auth.py and tests/test_metrics.py (credentials).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.storage import tables as t
from tests.fakes.openid import OpenIdServer, mint, new_key
from tests.fakes.slack_signing import command_request, event_request, message_event, signed
from tests.handlers.slack.conftest import SECRET, Slack
from tests.handlers.slack.test_flows import command
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import KIM, Teams
from tests.handlers.teams.test_auth import APP_ID, guarded, openid
from tests.handlers.teams.test_commands import command as teams_command

__all__ = ["guarded", "openid"]
SECRET_TEXT = "the rollout password is hunter2-Zq9"
ADMIN_TOKEN = "reliability-admin-token-7f3a9c"


async def table_counts(slack: Slack) -> dict[str, int]:
    async with slack.services.engine.connect() as db:
        return {
            table.name: int(await db.scalar(select(func.count()).select_from(table)) or 0)
            for table in t.metadata.sorted_tables
        }


def forged_slack_requests() -> dict[str, tuple[str, dict[str, str]]]:
    event = message_event(f"psst: {SECRET_TEXT}", user="UASKER")
    good = event_request(SECRET, event, event_id="EvForged")
    stale = event_request(SECRET, event, event_id="EvForged", timestamp=int(time.time()) - 301)
    future = event_request(SECRET, event, event_id="EvForged", timestamp=int(time.time()) + 301)
    wrong = event_request("not-our-secret", event, event_id="EvForged")
    headers = dict(good.headers)
    return {
        "wrong secret": (wrong.body, wrong.headers),
        "no signature": (good.body, {"Content-Type": "application/json"}),
        "no timestamp": (
            good.body,
            {k: v for k, v in headers.items() if k != "X-Slack-Request-Timestamp"},
        ),
        "replayed, 5 min 1 s old": (stale.body, stale.headers),
        "timestamp 5 min ahead": (future.body, future.headers),
        "timestamp not a number": (good.body, {**headers, "X-Slack-Request-Timestamp": "soon"}),
        "signature not ascii": (good.body, {**headers, "X-Slack-Signature": "v0=é"}),
        "tampered body": (good.body.replace("psst", "pssst"), headers),
    }


@pytest.mark.parametrize("forgery", sorted(forged_slack_requests()))
async def test_slack_refuses_forged_and_replayed_requests_and_logs_no_payload(
    slack: Slack, forgery: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = await table_counts(slack)
    body, headers = forged_slack_requests()[forgery]
    async with (
        aiohttp.ClientSession() as http,
        http.post(slack.url + "/slack/events", data=body.encode(), headers=headers) as response,
    ):
        assert response.status == 401
    await slack.runtime.processor.drain(0.1)
    assert await table_counts(slack) == before
    assert slack.api.calls == []
    assert "refused a request" in caplog.text  # it is logged ...
    assert SECRET_TEXT not in caplog.text and "psst" not in caplog.text  # ... without the payload


@pytest.mark.parametrize("forge", ["missing", "wrong audience", "expired"])
async def test_teams_refuses_bad_tokens_and_logs_no_payload(
    guarded: Teams, openid: OpenIdServer, forge: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = guarded.service_url
    token = {
        "missing": None,
        "wrong audience": openid.token("99999999-2222-3333-4444-555555555555", url),
        "expired": openid.token(APP_ID, url, exp=int(time.time()) - 600, iat=1_699_990_000),
    }[forge]
    activity = a.personal_message(url, KIM, f"skills add {SECRET_TEXT}")
    reply = await guarded.post(activity, token)
    assert reply.status == 401
    await guarded.runtime.processor.drain(0.1)
    assert await guarded.inbox() == []
    assert guarded.connector.calls == []
    assert SECRET_TEXT not in caplog.text


async def test_a_token_signed_by_another_key_is_refused(
    guarded: Teams, openid: OpenIdServer
) -> None:
    token = mint(new_key(), openid.kid, APP_ID, guarded.service_url)
    reply = await guarded.post(a.personal_message(guarded.service_url, KIM, "help"), token)
    assert reply.status == 401


ADMIN_PATHS = ("/admin", "/admin/", "/admin/people", "/admin/topics.csv", "/admin/nope", "/metrics")


@pytest.mark.parametrize("credentials", ["none", "wrong bearer", "basic", "token as cookie"])
async def test_admin_and_metrics_refuse_requests_without_the_token(
    start_slack: object, credentials: str, tmp_path: Path
) -> None:
    slack: Slack = await start_slack(LEARNLINK_ADMIN_TOKEN=ADMIN_TOKEN)  # type: ignore[operator]
    headers = {
        "none": {},
        "wrong bearer": {"Authorization": "Bearer not-the-token"},
        "basic": {"Authorization": f"Basic {ADMIN_TOKEN}"},
        "token as cookie": {"Cookie": f"learnlink_admin={ADMIN_TOKEN}"},
    }[credentials]
    async with aiohttp.ClientSession() as http:
        for path in ADMIN_PATHS:
            async with http.get(slack.url + path, headers=headers) as response:
                body = await response.text()
                assert response.status == 401, path
                assert "learnlink_" not in body or path != "/metrics"  # no figures
        async with http.get(
            slack.url + "/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        ) as response:
            assert response.status == 200  # the right token opens it


@pytest.mark.parametrize(
    "text", ["stats", "channel capture off", "pairing start <#CLEARN|learning> wed 10:00"]
)
async def test_admin_only_commands_refuse_non_admins_on_slack(slack: Slack, text: str) -> None:
    slack.api.add_user("UASKER", "Ann Asker", tz="UTC")  # not a workspace admin
    before = await table_counts(slack)
    reply = await command(slack, "UASKER", text)
    assert "is for Learnlink admins only" in str(reply.args)
    after = await table_counts(slack)
    assert after["channels"] == before["channels"] and after["programs"] == before["programs"] == 0


async def test_admin_only_commands_work_for_a_slack_admin(slack: Slack) -> None:
    slack.api.add_user("UADMIN", "Ada Admin", tz="UTC", is_admin=True)
    reply = await command(slack, "UADMIN", "channel capture off")
    assert "admins only" not in str(reply.args)


@pytest.mark.parametrize(
    "text", ["stats", "channel capture off", "pairing start <#CLEARN|learning> wed 10:00"]
)
async def test_admin_only_commands_refuse_non_admins_on_teams(teams: Teams, text: str) -> None:
    assert "is for Learnlink admins only" in await teams_command(teams, text)
    async with teams.services.engine.connect() as db:
        assert await db.scalar(select(func.count()).select_from(t.programs)) == 0


async def test_a_slash_command_with_a_bad_signature_runs_nothing(slack: Slack) -> None:
    request = command_request("not-our-secret", "/learnlink", "optout", user="UASKER")
    assert (await slack.send(request)).status == 401
    body = '{"type": "url_verification", "challenge": "abc"}'
    assert (await slack.send(signed("wrong", body, "application/json"))).status == 401
    assert slack.api.calls == []
