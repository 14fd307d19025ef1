"""Who gets in: off without a token, 401 without credentials, bearer or cookie with them."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.admin import auth
from bot.admin.layout import STYLE_HASH
from bot.bootstrap import bootstrap
from tests.admin.conftest import BEARER, TOKEN, serve, with_token
from tests.admin.seed import seed
from tests.conftest import sqlite_settings

Client = TestClient[web.Request, web.Application]
PAGES = ["/admin", "/admin/overview", "/admin/topics", "/admin/people", "/admin/pairing",
         "/admin/network", "/admin/overview.csv", "/admin/network.csv"]  # fmt: skip
# Things that only a signed-in admin may see: seeded names, topics and figures.
SECRETS = ("terraform", "Tuesday pairs", "<svg", "Flo", "Design &amp; UX", "2026-03")
HTML = {"Accept": "text/html,application/xhtml+xml"}


@asynccontextmanager
async def dashboard(tmp_path: Path, token: str | None) -> AsyncIterator[Client]:
    services = await bootstrap(with_token(sqlite_settings(tmp_path / "auth.db"), token))
    await seed(services)
    client = await serve(services)
    try:
        yield client
    finally:
        await client.close()
        await services.close()


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[Client]:
    async with dashboard(tmp_path, TOKEN) as client:
        yield client


def leaks(body: str) -> list[str]:
    return [secret for secret in SECRETS if secret in body]


async def test_without_a_token_the_dashboard_is_off(tmp_path: Path) -> None:
    async with dashboard(tmp_path, None) as client:
        for path in [*PAGES, "/admin/login", "/admin/anything/else"]:
            response = await client.get(path, headers=BEARER)
            body = await response.text()
            assert response.status == 404, path
            assert "dashboard is off" in body and "LEARNLINK_ADMIN_TOKEN" in body, path
            assert leaks(body) == [], path
        response = await client.post("/admin/login", data={"token": TOKEN})
        assert response.status == 404
        assert "learnlink_admin" not in response.cookies


async def test_wrong_or_missing_credentials_get_401_and_no_figures(guarded: Client) -> None:
    attempts: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Cookie": "learnlink_admin=1.deadbeef"},
        {**HTML, "Authorization": "Bearer wrong"},
    ]
    for headers in attempts:
        for path in PAGES:
            response = await guarded.get(path, headers=headers)
            body = await response.text()
            assert response.status == 401, (path, headers)
            assert leaks(body) == [], (path, headers)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_browsers_get_the_sign_in_form_with_the_401(guarded: Client) -> None:
    response = await guarded.get("/admin/topics", headers=HTML)
    body = await response.text()
    assert response.status == 401
    assert '<form method="post" action="/admin/login">' in body
    assert 'name="next" value="/admin/topics"' in body


async def test_the_right_bearer_token_opens_every_page(guarded: Client) -> None:
    for path in PAGES:
        response = await guarded.get(path, headers=BEARER)
        assert response.status == 200, path
        body = await response.text()
        assert leaks(body), path  # the figures the refused requests must not see
        if not path.endswith(".csv"):
            assert "<svg" in body, path
            assert f"sha256-{STYLE_HASH}" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Frame-Options"] == "DENY"


async def test_signing_in_sets_a_strict_httponly_cookie_that_works(guarded: Client) -> None:
    refused = await guarded.post("/admin/login", data={"token": "nope"}, allow_redirects=False)
    assert refused.status == 401 and "not right" in await refused.text()
    assert auth.COOKIE not in refused.cookies

    response = await guarded.post(
        "/admin/login", data={"token": TOKEN, "next": "/admin/network"}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/admin/network"
    cookie = response.cookies[auth.COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/admin"
    assert TOKEN not in cookie.value
    assert auth.session_valid(cookie.value, TOKEN, time.time())

    page = await guarded.get("/admin/network")  # the client's jar sends the cookie back
    assert page.status == 200 and "<svg" in await page.text()

    out = await guarded.post("/admin/logout", allow_redirects=False)
    assert out.status == 303
    guarded.session.cookie_jar.clear()
    assert (await guarded.get("/admin/network")).status == 401


async def test_stale_or_foreign_cookies_are_refused(guarded: Client) -> None:
    now = time.time()
    stale = auth.session_cookie(TOKEN, now - auth.SESSION_SECONDS - 60)
    foreign = auth.session_cookie("another-token", now)
    fresh = auth.session_cookie(TOKEN, now)
    for value, status in ((stale, 401), (foreign, 401), (fresh, 200)):
        response = await guarded.get(
            "/admin/overview", headers={"Cookie": f"{auth.COOKIE}={value}"}
        )
        assert response.status == status


async def test_sign_in_never_redirects_off_the_dashboard(guarded: Client) -> None:
    for target in ("//evil.example/", "https://evil.example", "/admin/../x", "/slack/events"):
        response = await guarded.post(
            "/admin/login", data={"token": TOKEN, "next": target}, allow_redirects=False
        )
        assert response.headers["Location"] == "/admin", target


def test_bearer_parsing() -> None:
    assert auth.bearer_matches(f"Bearer {TOKEN}", TOKEN)
    assert auth.bearer_matches(f"bearer  {TOKEN} ", TOKEN)
    assert not auth.bearer_matches(None, TOKEN)
    assert not auth.bearer_matches(TOKEN, TOKEN)
    assert not auth.bearer_matches("Bearer ", TOKEN)


async def test_sign_in_logs_never_contain_tokens(
    guarded: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await guarded.post("/admin/login", data={"token": "guess-4711"}, allow_redirects=False)
    await guarded.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    await guarded.get("/admin/overview", headers=BEARER)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sign-in refused" in logged and "signed in" in logged
    assert "guess-4711" not in logged and TOKEN not in logged
