"""Every Slack request into the inbox, once, before it is acknowledged.

Slack retries an event it thinks we missed (`X-Slack-Retry-Num`), with the
same `event_id`. Writing the request to the inbox under that id before the ack
makes the retry a no-op: the insert finds the id taken and the request is
acked without being processed again. Commands and interactions have no
event id, but each carries a `trigger_id` unique to that click or invocation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.response import BoltResponse

from bot.domain.model import Arrival, Platform
from bot.domain.ports import Clock, InboxLog
from bot.handlers.traffic import Traffic

MAX_EVENT_ID, MAX_KIND = 200, 64  # the inbox columns' lengths
log = logging.getLogger("learnlink.slack.inbox")
INBOX_KEY = "learnlink_inbox_id"  # where the middleware leaves the id for the listener
Json = dict[str, Any]


@dataclass(frozen=True)
class Envelope:
    """What the inbox row is keyed and filed by."""

    event_id: str
    kind: str
    team_id: str | None


def envelope(body: Json) -> Envelope | None:
    """The inbox id and kind of a Slack request body, or None when it is not for us.

    Whatever the JSON holds (this runs on any verified body), the result fits
    the inbox columns; an id too long to be Slack's is not for us.
    """
    found = _envelope(body)
    if found is None or len(found.event_id) > MAX_EVENT_ID:
        return None
    return Envelope(found.event_id, found.kind[:MAX_KIND], (found.team_id or "")[:64] or None)


def _envelope(body: Json) -> Envelope | None:
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        event = body.get("event")
        if not isinstance(event, dict):
            return None  # not an event Slack sends: nothing to store or process
        return Envelope(str(body["event_id"]), f"event:{event.get('type')}", _team(body))
    if body.get("command") and body.get("trigger_id"):
        command = str(body["command"])
        return Envelope(f"command:{body['trigger_id']}", f"command:{command}", _team(body))
    if kind in {"block_actions", "message_action", "shortcut", "view_submission"}:
        trigger = body.get("trigger_id") or _action_ts(body)
        if trigger:
            return Envelope(f"{kind}:{trigger}", str(kind), _team(body))
    return None


def _team(body: Json) -> str | None:
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, dict) else None
    return str(team) if team else None


def _action_ts(body: Json) -> str | None:
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return str(first["action_ts"]) if isinstance(first, dict) and first.get("action_ts") else None


def arrival(found: Envelope, body: Json, clock: Clock) -> Arrival:
    return Arrival(
        platform=Platform.SLACK,
        event_id=found.event_id,
        kind=found.kind,
        payload=body,
        workspace_external_id=found.team_id,
        received_at=clock.now(),
    )


class InboxWriter:
    """Group commit: the inbox rows of requests arriving together share one transaction.

    Each request still waits for the commit that holds its row (nothing is
    acked before it is stored), but a burst of N requests costs one insert and
    one commit instead of N, and on SQLite the requests no longer queue one by
    one for the write lock (whose busy wait sleeps in steps of up to 100 ms).

    Up to `depth` batches are in flight at once: while one commits, the
    requests that arrive meanwhile form the next, and the acks of the first go
    out while the second commits, so the server is never idle waiting for a
    commit while requests wait to be read. (A duplicate id in two batches is
    still stored once: the insert skips ids already there.)
    """

    def __init__(
        self,
        log: InboxLog,
        *,
        max_batch: int = 256,
        depth: int = 2,
        traffic: Traffic | None = None,
    ) -> None:
        self._log = log
        self._traffic = traffic
        self._max_batch = max_batch
        self._depth = depth
        self._waiting: list[tuple[Arrival, asyncio.Future[bool]]] = []
        self._committing: set[asyncio.Task[None]] = set()
        self._gathering = False  # a batch is collecting its rows

    async def record(self, event: Arrival) -> bool:
        """Store the event; True when its id is new (the first of duplicates in a batch)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, future))
        self._start_batches()
        if self._traffic is None:
            return await future
        self._traffic.arrived()
        try:
            return await future
        finally:
            self._traffic.acked()

    def _start_batches(self) -> None:
        """Start a batch unless one is still gathering its rows or `depth` are in flight."""
        if self._waiting and not self._gathering and len(self._committing) < self._depth:
            self._gathering = True
            task = asyncio.create_task(self._commit_next(), name="slack-inbox-batch")
            self._committing.add(task)

    async def _commit_next(self) -> None:
        try:
            try:
                await self._gather()
            finally:
                self._gathering = False
            batch = self._waiting[: self._max_batch]
            del self._waiting[: len(batch)]
            self._start_batches()  # whoever is left, or arrives now, forms the next batch
            if batch:
                await self._commit(batch)
        finally:
            self._committing.discard(asyncio.current_task())
            self._start_batches()

    async def _commit(self, batch: list[tuple[Arrival, asyncio.Future[bool]]]) -> None:
        try:
            new = await self._insert([event for event, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
            else:  # one bad row must not fail the others: store them one by one
                await self._one_by_one(batch)
            return
        for event, future in batch:
            _settle(future, event.event_id in new)
            new.discard(event.event_id)  # a duplicate within the batch is not new

    async def _gather(self, most_turns: int = 8) -> None:
        """Let the requests already read by this turn of the loop join the first batch.

        A batch starts with the first request of a burst; the others that
        arrived with it reach `record` a few loop turns later. Waiting until a
        turn adds nobody (at most `most_turns`, well under a millisecond) makes
        their rows share the commit instead of each waiting for its own.
        """
        for _ in range(most_turns):
            waiting = len(self._waiting)
            await asyncio.sleep(0)
            if len(self._waiting) == waiting:
                return

    async def _one_by_one(self, batch: list[tuple[Arrival, asyncio.Future[bool]]]) -> None:
        for event, future in batch:
            try:
                _settle(future, event.event_id in await self._insert([event]))
            except Exception as exc:
                _settle(future, exc)

    async def _insert(self, events: list[Arrival]) -> set[str]:
        return await self._log.append(events)


def _settle(future: asyncio.Future[bool], outcome: bool | BaseException) -> None:
    """Hand the outcome to a request still waiting (one that went away is skipped)."""
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def inbox_middleware(
    inbox: InboxWriter, clock: Clock
) -> Callable[..., Awaitable[BoltResponse | None]]:
    """A Bolt middleware: record, and answer a duplicate at once without processing it.

    It runs after Bolt has verified the signature and authorised the team, so
    a forged or unknown request never reaches the database. If the database is
    down the insert raises, Bolt answers 500, and Slack retries later: an event
    is never acked without being stored.
    """

    async def record_in_inbox(
        body: Json, context: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        found = envelope(body)
        if found is None:
            await next()
            return None
        try:
            new = await inbox.record(arrival(found, body, clock))
        except Exception:
            log.exception("slack: could not store %s in the inbox; Slack will retry", found.kind)
            return BoltResponse(status=503, body="")
        if not new:
            return BoltResponse(status=200, body="")
        context[INBOX_KEY] = found.event_id
        await next()
        return None

    return record_in_inbox
