"""Bad input: hypothesis against every HTTP endpoint of our running server.

The server (our aiohttp app with Slack, Teams, /admin, /metrics; Slack's Web
API faked) runs on 127.0.0.1 in a background thread, so hypothesis drives it
with plain blocking HTTP. Two configurations: one workspace (events take the
fast path) and OAuth (/slack/install, /slack/oauth_redirect, events via Bolt).
For every request: never a 5xx, the server still answers /healthz, and when
the request is refused (not 2xx) no table changed. Bodies over 1 MiB get 413.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select

from bot.bootstrap import bootstrap
from bot.handlers.slack.mount import SLACK
from bot.handlers.teams.mount import TEAMS
from bot.localslack.api import FakeSlackApi, serve
from bot.localslack.signing import command_body
from bot.serve import start_server
from bot.storage import tables as t
from tests.conftest import make_settings
from tests.reliability.harness import SLOW, free_port

SECRET = "fuzz-signing-secret-0123456789abcdef"
ADMIN_TOKEN = "fuzz-admin-token-0123456789"
EXAMPLES = 300 if SLOW else 60
MAX_BODY = 1024**2
SINGLE = {"SLACK_BOT_TOKEN": "xoxb-t1"}
OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "s3cr3t"}
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@dataclass
class Live:
    port: int
    database: Path
    loop: asyncio.AbstractEventLoop
    processors: list[Any]
    response_url: str  # on the fake Slack API: replies never leave 127.0.0.1

    def settle(self) -> None:
        """Wait for the work after earlier acks, so counts show only this request's writes.

        An ack's work is submitted a moment after the response (the inbox
        write commits first), so idle must hold on two looks 20 ms apart.
        """
        deadline = time.monotonic() + 30
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            for processor in self.processors:
                asyncio.run_coroutine_threadsafe(processor.drain(10), self.loop).result(30)
            quiet = 0 if any(p.busy for p in self.processors) else quiet + 1
            time.sleep(0.02)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def counts(self) -> dict[str, int]:
        engine = create_engine(f"sqlite:///{self.database}")
        try:
            with engine.connect() as db:
                return {
                    table.name: int(db.scalar(select(func.count()).select_from(table)) or 0)
                    for table in t.metadata.sorted_tables
                }
        finally:
            engine.dispose()


@contextlib.contextmanager
def live_server(folder: Path, env: dict[str, str]) -> Iterator[Live]:
    """Our server and the fake Slack API on an event loop in a thread of their own."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    port = free_port()
    database = folder / "fuzz.db"
    failure: list[BaseException] = []
    processors: list[Any] = []
    urls: list[str] = []

    async def main() -> None:
        api = FakeSlackApi()
        api.add_workspace("T1", "xoxb-t1")
        fake = await serve(api)
        settings = make_settings(
            DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_BASE_URL=api.url,
            LEARNLINK_ADMIN_TOKEN=ADMIN_TOKEN,
            LEARNLINK_SCHEDULER__INBOX_RETRY_SECONDS="3600",
            **env,
        )
        services = await bootstrap(settings)
        runner = await start_server(services, "127.0.0.1", port)
        processors.extend([runner.app[TEAMS].processor, runner.app[SLACK].processor])
        urls.append(api.response_url("fuzz"))
        ready.set()
        await stop.wait()
        await runner.cleanup()
        await services.close()
        await fake.cleanup()

    def run() -> None:
        try:
            loop.run_until_complete(main())
        except BaseException as exc:
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(60) and not failure, failure
    live = Live(port, database, loop, processors, urls[0])
    try:
        yield live
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


@pytest.fixture(scope="module", params=["one workspace", "oauth"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    env = SINGLE if request.param == "one workspace" else OAUTH
    with live_server(tmp_path_factory.mktemp("fuzz"), env) as server:
        yield server


def signed_headers(body: bytes, content_type: str) -> dict[str, str]:
    """Signed as Slack signs: HMAC-SHA256 over `v0:TIMESTAMP:` and the raw bytes."""
    stamp = int(time.time())
    base = b"v0:" + str(stamp).encode() + b":" + body
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest(),
    }


def check(live: Live, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    live.settle()
    before = live.counts()
    status, _ = live.request(method, path, body, headers)
    assert status < 500, (method, path, body[:200], headers, status)
    if status >= 400:
        live.settle()
        assert live.counts() == before, f"{method} {path} was refused ({status}) but wrote"
    return status


# -- strategies ------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
event_types = st.sampled_from(
    [
        "message",
        "app_mention",
        "reaction_added",
        "app_home_opened",
        "team_join",
        "user_change",
        "member_joined_channel",
        "tokens_revoked",
        "no_such_event",
        "",
    ]
)


@st.composite
def event_callbacks(draw: st.DrawFn) -> dict[str, Any]:
    """Events API envelopes with fields missing, mistyped, or of unknown kinds."""
    event: dict[str, Any] = {"type": draw(event_types)}
    for name in ("user", "text", "ts", "channel", "channel_type", "thread_ts", "item", "tab"):
        if draw(st.booleans()):
            event[name] = draw(json_values)
    body: dict[str, Any] = {
        "type": draw(
            st.sampled_from(
                [
                    "event_callback",
                    "event_callback",
                    "url_verification",
                    "app_rate_limited",
                    "block_actions",
                    "garbage",
                ]
            )
        ),
        "event_id": draw(st.one_of(st.text(max_size=300), st.integers(), st.none())),
        "team_id": draw(st.one_of(st.just("T1"), st.text(max_size=80), json_values)),
        "event": draw(st.one_of(st.just(event), json_values)),
    }
    for name in list(body):
        if draw(st.integers(0, 5)) == 0:
            del body[name]
    if draw(st.booleans()):
        body["challenge"] = draw(json_values)
    return body


command_texts = st.one_of(
    st.text(max_size=300),
    st.builds(
        " ".join,
        st.lists(
            st.sampled_from(
                [
                    "experts",
                    "ask",
                    "skills",
                    "learn",
                    "add",
                    "remove",
                    "list",
                    "profile",
                    "pause",
                    "resume",
                    "optout",
                    "optin",
                    "forget-me",
                    "confirm",
                    "channel",
                    "capture",
                    "on",
                    "off",
                    "suggest-only",
                    "pairing",
                    "start",
                    "stop",
                    "preview",
                    "join",
                    "skip",
                    "avoid",
                    "stats",
                    "help",
                    "2w",
                    "0d",
                    "999w",
                    "<#C1|x>",
                    "<@U1>",
                    "weekly",
                    "wed",
                    "25:99",
                    "Mars/Olympus",
                    ",",
                    ";",
                    "\u0000",
                    "🦀",
                    "a" * 120,
                ]
            ),
            max_size=8,
        ),
    ),
)


# -- the tests -----------------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(
        [
            "/slack/events",
            "/api/messages",
            "/admin/login",
            "/admin",
            "/metrics",
            "/healthz",
            "/readyz",
            "/slack/install",
            "/slack/oauth_redirect",
            "/admin/people.csv",
            "/nope",
        ]
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]),
    body=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(str.encode),
        json_values.map(lambda v: json.dumps(v).encode()),
    ),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
            "application/json; charset=latin-1",
        ]
    ),
    query=st.dictionaries(
        st.sampled_from(["code", "state", "error", "next", "ssl_check"]),
        st.text(max_size=40),
        max_size=3,
    ),
)
def test_unsigned_garbage_anywhere_never_gets_a_5xx_nor_writes(
    live: Live, path: str, method: str, body: bytes, content_type: str, query: dict[str, str]
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    target = path + ("?" + urlencode(query) if query else "")
    check(live, method, target, body, headers)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=event_callbacks(),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)
def test_signed_garbage_events_never_get_a_5xx(
    live: Live, body: dict[str, Any], content_type: str
) -> None:
    raw = json.dumps(body).encode()
    check(live, "POST", "/slack/events", raw, signed_headers(raw, content_type))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=3000))
def test_signed_bytes_that_are_not_json_or_utf8_never_get_a_5xx(live: Live, raw: bytes) -> None:
    check(live, "POST", "/slack/events", raw, signed_headers(raw, "application/json"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    command=st.sampled_from(["/learnlink", "/ask", "/experts", "/nope"]),
    text=command_texts,
    user=st.sampled_from(["UASKER", "UADMIN", "", "U" + "X" * 200]),
)
def test_signed_slash_commands_of_every_shape_never_get_a_5xx(
    live: Live, command: str, text: str, user: str
) -> None:
    raw = command_body(command, text, user=user, response_url=live.response_url).encode()
    status = check(
        live, "POST", "/slack/events", raw, signed_headers(raw, "application/x-www-form-urlencoded")
    )
    assert status in (200, 401, 404)


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages", "/admin/login", "/healthz"])
def test_bodies_over_one_mib_are_refused_with_413(live: Live, path: str) -> None:
    raw = b"{" + b" " * MAX_BODY + b"}"
    content_type = "application/json"
    headers = (
        signed_headers(raw, content_type)
        if path == "/slack/events"
        else {"Content-Type": content_type}
    )
    live.settle()
    before = live.counts()
    status, _ = live.request("POST", path, raw, headers)
    assert status == 413
    assert live.counts() == before


def test_just_under_one_mib_is_accepted_and_the_server_is_still_up(live: Live) -> None:
    raw = json.dumps({"type": "event_callback", "pad": " " * (MAX_BODY - 200)}).encode()
    assert len(raw) < MAX_BODY
    status, _ = live.request("POST", "/slack/events", raw, signed_headers(raw, "application/json"))
    assert status != 413 and status < 500
    status, body = live.request("GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
