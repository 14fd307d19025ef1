"""A local Slack Web API on 127.0.0.1 for the real `AsyncWebClient` to talk to.

The demo and the tests point `SLACK_API_BASE_URL` at it, so the production client, its retry
handlers and its argument encoding are all exercised over real HTTP. It
records every request (method, merged query/form/JSON arguments, the bearer
token), answers the way Slack does for the methods Learnlink uses, and can be
told to misbehave: answer 429 with Retry-After, fail with a 500, or drop the
connection.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Json = dict[str, Any]
Handler = Callable[["FakeSlackApi", Json, str | None], Json]


@dataclass(frozen=True)
class Call:
    """One request the fake received, answered or not."""

    method: str
    args: Json
    token: str | None
    status: int  # the HTTP status answered; 0 when the connection was dropped
    error: str | None = None  # an API error answered with HTTP 200 and ok: false

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class Fault:
    status: int  # 429, 500, or 0 to drop the connection
    times: int
    retry_after: int = 1


@dataclass
class FakeUser:
    id: str
    name: str
    team_id: str = "T1"
    tz: str = "Europe/London"
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False
    is_restricted: bool = False
    is_admin: bool = False
    title: str = ""

    def to_slack(self) -> Json:
        profile: Json = {"real_name": self.name, "display_name": self.name, "title": self.title}
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name.lower().replace(" ", "."),
            "real_name": self.name,
            "deleted": self.deleted,
            "tz": self.tz,
            "is_bot": self.is_bot,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": False,
            "profile": profile,
        }


@dataclass
class Workspace:
    """A workspace the fake knows: the bot token that acts in it and its bot user."""

    team_id: str
    token: str
    bot_user_id: str
    bot_id: str
    name: str = ""


@dataclass
class FakeSlackApi:
    """State and behaviour; `serve()` puts it on a loopback port."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, FakeUser] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    oauth_grants: dict[str, Workspace] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    messages: dict[tuple[str, str], Json] = field(default_factory=dict)
    app_tokens: set[str] = field(default_factory=set)
    socket_acks: list[Json] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    not_in_channel: set[str] = field(default_factory=set)
    closed_channels: set[str] = field(default_factory=set)  # chat.postMessage: channel_not_found
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    page_size: int = 2
    url: str = ""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    # -- set-up -----------------------------------------------------------

    def add_workspace(self, team_id: str, token: str, *, name: str = "") -> Workspace:
        suffix = team_id.removeprefix("T")
        workspace = Workspace(team_id, token, f"UBOT{suffix}", f"BBOT{suffix}", name or team_id)
        self.workspaces[token] = workspace
        return workspace

    def add_user(self, user_id: str, name: str, **fields: Any) -> FakeUser:
        user = FakeUser(user_id, name, **fields)
        self.users[user_id] = user
        return user

    def grant(self, code: str, team_id: str, token: str, *, name: str = "") -> None:
        """What oauth.v2.access answers for `code`: an install of the bot in `team_id`."""
        suffix = team_id.removeprefix("T")
        workspace = Workspace(team_id, token, f"UBOT{suffix}", f"BBOT{suffix}", name or team_id)
        self.oauth_grants[code] = workspace

    def add_message(self, channel: str, ts: str, user: str, text: str, **extra: Any) -> None:
        """A message conversations.history / conversations.replies can find."""
        self.messages[(channel, ts)] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            **extra,
        }

    def response_url(self, name: str = "r1") -> str:
        """A response_url (as in command and interaction payloads) that lands here."""
        return self.url.replace("/api/", f"/response/{name}")

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait until the returned event is set (to observe work in flight)."""
        gate = self.gates[method] = asyncio.Event()
        return gate

    def fail(self, method: str, *, status: int = 429, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with `status`.

        429 carries Retry-After; 0 drops the connection; 200 answers `ok: false` with
        `internal_error`, an API error that is not retried.
        """
        self.faults[method] = Fault(status, times, retry_after)

    # -- assertions ---------------------------------------------------------

    def answered(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.ok]

    def attempts(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, seconds: float = 5.0) -> list[Call]:
        """The answered calls of `method`, once there are at least `count` of them."""
        condition = self._condition()
        async with condition:
            await asyncio.wait_for(
                condition.wait_for(lambda: len(self.answered(method)) >= count), seconds
            )
        return self.answered(method)

    async def response(self, name: str, seconds: float = 5.0) -> Call:
        """The latest call to the response_url named `name`, once there is one."""
        condition = self._condition()
        async with condition:
            await asyncio.wait_for(condition.wait_for(lambda: self._responses(name)), seconds)
        return self._responses(name)[-1]

    def _responses(self, name: str) -> list[Call]:
        return [c for c in self.answered("response_url") if c.args.get("name") == name]

    # -- HTTP ---------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/link", self._socket)
        return app

    async def _response_url(self, request: web.Request) -> web.Response:
        """Slack's response_url webhooks: record as the method `response_url`."""
        args = await request.json()
        await self._record(
            Call("response_url", {**args, "name": request.match_info["name"]}, None, 200)
        )
        return web.Response(text="ok")

    # -- Socket Mode --------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        async for frame in socket:
            if frame.type.name == "TEXT":
                await self._record_ack(json.loads(frame.data))
        self._sockets.remove(socket)
        return socket

    async def _record_ack(self, ack: Json) -> None:
        condition = self._condition()
        async with condition:
            self.socket_acks.append(ack)
            condition.notify_all()

    async def push(self, envelope_id: str, kind: str, payload: Json, seconds: float = 5.0) -> Json:
        """Send an envelope down the Socket Mode connection; return the app's ack."""
        condition = self._condition()
        async with condition:
            await asyncio.wait_for(condition.wait_for(lambda: bool(self._sockets)), seconds)
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        async with condition:
            await asyncio.wait_for(
                condition.wait_for(
                    lambda: any(a.get("envelope_id") == envelope_id for a in self.socket_acks)
                ),
                seconds,
            )
        return next(a for a in self.socket_acks if a.get("envelope_id") == envelope_id)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _arguments(request)
        if method in self.gates:
            await self.gates[method].wait()
        token = _token(request)
        fault = self.faults.get(method)
        if fault and fault.times > 0:
            fault.times -= 1
            return await self._misbehave(request, method, args, token, fault)
        handler = HANDLERS.get(method, _unknown)
        answer = handler(self, args, token)
        await self._record(Call(method, args, token, 200))
        return web.json_response(answer)

    async def _misbehave(
        self, request: web.Request, method: str, args: Json, token: str | None, fault: Fault
    ) -> web.StreamResponse:
        error = "internal_error" if fault.status == 200 else None
        await self._record(Call(method, args, token, fault.status, error))
        if error:
            return web.json_response({"ok": False, "error": error})
        if fault.status == 0:
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # aiohttp drops the request quietly
        headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
        body = {"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"}
        return web.json_response(body, status=fault.status, headers=headers)

    async def _record(self, call: Call) -> None:
        condition = self._condition()
        async with condition:
            self.calls.append(call)
            condition.notify_all()

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def workspace_of(self, token: str | None) -> Workspace | None:
        return self.workspaces.get(token or "")


async def _arguments(request: web.Request) -> Json:
    """Slack takes arguments as query string, form or JSON; merge them like Slack does."""
    args: Json = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    return args


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    if header.startswith("Basic "):
        return "basic:" + base64.b64decode(header.removeprefix("Basic ")).decode()
    return None


# -- method handlers --------------------------------------------------------------


def _error(error: str) -> Json:
    return {"ok": False, "error": error}


def _unknown(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    return _error("unknown_method")


def _auth_test(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    workspace = api.workspace_of(token)
    if workspace is None:
        return _error("invalid_auth")
    return {
        "ok": True,
        "url": f"https://{workspace.team_id.lower()}.slack.com/",
        "team": workspace.name,
        "team_id": workspace.team_id,
        "user": "learnlink",
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": False,
    }


def _authed(handler: Handler) -> Handler:
    """Web API methods need a bot token the fake knows, as Slack's do."""

    def checked(api: FakeSlackApi, args: Json, token: str | None) -> Json:
        if api.workspace_of(token) is None:
            return _error("invalid_auth" if token else "not_authed")
        return handler(api, args, token)

    return checked


def _blocks(args: Json) -> list[Any]:
    blocks = args.get("blocks", [])
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


@_authed
def _post_message(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if not args.get("channel") or args["channel"] in api.closed_channels:
        return _error("channel_not_found")
    if not args.get("text") and not args.get("blocks"):
        return _error("no_text")
    ts = api.next_ts()
    message = {"type": "message", "text": args.get("text", ""), "ts": ts}
    message["blocks"] = _blocks(args)
    if args.get("thread_ts"):
        message["thread_ts"] = args["thread_ts"]
    return {"ok": True, "channel": args["channel"], "ts": ts, "message": message}


@_authed
def _post_ephemeral(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if not args.get("channel") or not args.get("user"):
        return _error("invalid_arguments")
    if args["channel"] in api.not_in_channel:
        return _error("not_in_channel")
    return {"ok": True, "message_ts": api.next_ts()}


@_authed
def _conversations_open(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    users = [u for u in str(args.get("users", "")).split(",") if u]
    if not users:
        return _error("users_list_not_supplied")
    channel = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(users))
    return {"ok": True, "channel": {"id": channel}}


@_authed
def _users_info(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    user = api.users.get(str(args.get("user", "")))
    if user is None:
        return _error("user_not_found")
    return {"ok": True, "user": user.to_slack()}


@_authed
def _get_permalink(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    channel, ts = args.get("channel"), str(args.get("message_ts", ""))
    if not channel or not ts:
        return _error("message_not_found")
    workspace = api.workspace_of(token)
    assert workspace is not None
    host = f"https://{workspace.team_id.lower()}.slack.com"
    return {
        "ok": True,
        "channel": channel,
        "permalink": f"{host}/archives/{channel}/p{ts.replace('.', '')}",
    }


@_authed
def _conversations_members(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    channel = str(args.get("channel", ""))
    if channel not in api.members:
        return _error("channel_not_found")
    members = api.members[channel]
    start = int(args.get("cursor") or 0)
    limit = min(int(args.get("limit") or api.page_size), api.page_size)
    page = members[start : start + limit]
    following = start + limit if start + limit < len(members) else None
    cursor = str(following) if following is not None else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}


@_authed
def _views_publish(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    view = args.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    if not args.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
        return _error("invalid_arguments")
    return {"ok": True, "view": {**view, "id": f"V{api.next_ts().replace('.', '')}"}}


@_authed
def _views_open(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if not args.get("trigger_id"):
        return _error("invalid_trigger_id")
    return {"ok": True, "view": {"id": f"V{api.next_ts().replace('.', '')}"}}


def _history(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if api.workspace_of(token) is None:
        return _error("invalid_auth")
    channel, latest = str(args.get("channel", "")), str(args.get("latest", ""))
    found = api.messages.get((channel, latest))
    return {"ok": True, "messages": [found] if found else [], "has_more": False}


def _replies(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if api.workspace_of(token) is None:
        return _error("invalid_auth")
    found = api.messages.get((str(args.get("channel", "")), str(args.get("ts", ""))))
    return {"ok": True, "messages": [found]} if found else _error("thread_not_found")


def _connections_open(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    if token not in api.app_tokens:
        return _error("invalid_auth")
    return {"ok": True, "url": api.url.replace("http://", "ws://").replace("/api/", "/link")}


def _oauth_access(api: FakeSlackApi, args: Json, token: str | None) -> Json:
    workspace = api.oauth_grants.pop(str(args.get("code", "")), None)
    if workspace is None:
        return _error("invalid_code")
    if not (token or "").startswith("basic:"):
        return _error("invalid_client")
    api.workspaces[workspace.token] = workspace
    return {
        "ok": True,
        "app_id": "A0LEARN",
        "authed_user": {"id": "UINSTALLER"},
        "scope": "chat:write,commands,users:read",
        "token_type": "bot",
        "access_token": workspace.token,
        "bot_user_id": workspace.bot_user_id,
        "team": {"id": workspace.team_id, "name": workspace.name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


HANDLERS: dict[str, Handler] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.getPermalink": _get_permalink,
    "conversations.open": _conversations_open,
    "conversations.members": _conversations_members,
    "users.info": _users_info,
    "views.publish": _views_publish,
    "views.open": _views_open,
    "oauth.v2.access": _oauth_access,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "apps.connections.open": _connections_open,
}


# -- fixture ----------------------------------------------------------------------


async def serve(api: FakeSlackApi) -> web.AppRunner:
    """Start the fake on a free loopback port; `api.url` is the base URL to configure."""
    runner = web.AppRunner(api.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None and server.sockets  # type: ignore[attr-defined]
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    api.url = f"http://127.0.0.1:{port}/api/"
    return runner
