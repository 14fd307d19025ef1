"""A fake Bot Connector service on 127.0.0.1: what Teams' serviceUrl answers.

The real botbuilder connector client talks to it over HTTP, exactly as it
talks to `https://smba.trafficmanager.net/...`: it records every call (with
its Authorization header) and answers with the JSON the Bot Connector
returns, so tests assert on what the bot really sent.
"""

from __future__ import annotations

import itertools
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    conversation: str | None
    activity_id: str | None
    body: Any
    authorization: str | None


@dataclass
class FakeBotConnector:
    """Start with `await connector.start()`; `url` is the serviceUrl for activities."""

    rosters: dict[str, list[Json]] = field(default_factory=dict)  # conversation -> members
    page_size: int = 2  # small, so paging is exercised
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what was sent -----------------------------------------------------------

    def sent(self, conversation: str | None = None) -> list[Call]:
        """New messages posted (not updates), optionally to one conversation."""
        return [
            c
            for c in self.calls
            if c.method == "POST"
            and "/activities" in c.path
            and (conversation is None or c.conversation == conversation)
        ]

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/v3/conversations"]

    # -- handlers ----------------------------------------------------------------

    async def _record(self, request: web.Request) -> Call:
        body = await request.json() if request.can_read_body else None
        call = Call(
            request.method,
            request.path,
            request.match_info.get("conversation"),
            request.match_info.get("activity"),
            body,
            request.headers.get("Authorization"),
        )
        self.calls.append(call)
        return call

    async def _create(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        conversation = f"a:personal-{next(self._ids)}"
        members = (call.body or {}).get("members") or []
        if len(members) != 1 or (call.body or {}).get("isGroup"):
            return web.json_response({"error": {"code": "BadSyntax"}}, status=400)
        return web.json_response({"id": conversation, "activityId": ""}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"id": f"1700000000{next(self._ids):03d}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        return web.json_response({"id": call.activity_id})

    async def _paged(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        members = self.rosters.get(call.conversation or "", [])
        start = int(request.query.get("continuationToken") or 0)
        size = min(int(request.query.get("pageSize") or self.page_size), self.page_size)
        page: Json = {"members": members[start : start + size]}
        if start + size < len(members):
            page["continuationToken"] = str(start + size)
        return web.json_response(page)

    async def _member(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        for member in self.rosters.get(call.conversation or "", []):
            if member["id"] == request.match_info["member"]:
                return web.json_response(member)
        return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)


def cards(call: Call) -> list[Json]:
    """The Adaptive Cards in a recorded message."""
    body = call.body or {}
    return [
        a["content"]
        for a in body.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]
