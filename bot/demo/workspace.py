"""A local Slack workspace for the demo: the Web API on loopback, people, channels,
and requests to our server signed exactly as Slack signs them."""

from __future__ import annotations

import asyncio
import csv
import itertools
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.localslack.api import Call, FakeSlackApi, serve
from bot.localslack.signing import (
    SignedRequest,
    block_actions_payload,
    command_request,
    event_request,
    interaction_request,
    message_event,
)

TEAM = "T1"
BOT_TOKEN = "xoxb-demo-local"
Json = dict[str, Any]


@dataclass
class Person:
    user_id: str
    name: str
    team: str
    timezone: str


@dataclass
class LocalWorkspace:
    """Everything the demo touches on the Slack side."""

    api: FakeSlackApi
    people: dict[str, Person]
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    server_url: str = ""
    runner: web.AppRunner | None = None
    _events: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    async def start(cls, people_csv: Path, admins: tuple[str, ...] = ()) -> LocalWorkspace:
        api = FakeSlackApi()
        api.add_workspace(TEAM, BOT_TOKEN, name="Acme (local)")
        api.page_size = 200
        people = _load_people(people_csv)
        for person in people.values():
            api.add_user(person.user_id, person.name, tz=person.timezone, title=person.team)
        workspace = cls(api, people)
        for first_name in admins:
            api.users[workspace.user(first_name)].is_admin = True
        workspace.runner = await serve(api)
        return workspace

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def user(self, name: str) -> str:
        return next(p.user_id for p in self.people.values() if p.name.split()[0] == name)

    def name(self, user_id: str) -> str:
        person = self.people.get(user_id)
        return person.name if person else user_id

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    async def say(self, who: str, channel: str, text: str, thread_ts: str | None = None) -> str:
        ts = self.next_ts()
        self.api.add_message(channel, ts, self.user(who), text)
        event = message_event(
            text, user=self.user(who), channel=channel, ts=ts, thread_ts=thread_ts
        )
        await self._send(event_request(self.secret, event, event_id=self._event_id()))
        return ts

    async def react(self, who: str, channel: str, ts: str, reaction: str) -> None:
        event = {
            "type": "reaction_added",
            "user": self.user(who),
            "reaction": reaction,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": self.next_ts(),
        }
        await self._send(event_request(self.secret, event, event_id=self._event_id()))

    async def command(self, who: str, text: str, channel: str = "C0GENERAL") -> Call:
        name = f"cmd{next(self._events)}"
        request = command_request(
            self.secret,
            "/learnlink",
            text,
            user=self.user(who),
            channel=channel,
            response_url=self.api.response_url(name),
        )
        await self._send(request)
        return await self.api.response(name, seconds=10)

    async def click(self, user_id: str, action_id: str, channel: str, message_ts: str) -> None:
        payload = block_actions_payload(
            action_id, user=user_id, channel=channel, message_ts=message_ts
        )
        payload["response_url"] = self.api.response_url(f"click{next(self._events)}")
        await self._send(interaction_request(self.secret, payload))

    def _event_id(self) -> str:
        return f"EvDemo{next(self._events):05d}"

    async def _send(self, request: SignedRequest) -> None:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{self.server_url}/slack/events", data=request.body, headers=request.headers
            ) as response,
        ):
            if response.status != 200:
                raise RuntimeError(f"our server answered {response.status} to a signed event")
        await asyncio.sleep(0)


def _load_people(path: Path) -> dict[str, Person]:
    with path.open(encoding="utf-8") as file:
        return {
            row["slack_user_id"]: Person(
                row["slack_user_id"], row["name"], row["team"], row["timezone"]
            )
            for row in csv.DictReader(file)
        }
