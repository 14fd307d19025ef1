"""Every Slack request into the inbox, once, before it is acknowledged.

Slack retries an event it thinks we missed (`X-Slack-Retry-Num`), with the
same `event_id`. Writing the request to the inbox under that id before the ack
makes the retry a no-op: the insert finds the id taken and the request is
acked without being processed again. Commands and interactions have no
event id, but each carries a `trigger_id` unique to that click or invocation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.response import BoltResponse

from bot.domain.model import InboxEvent, Platform
from bot.domain.ports import Clock, UnitOfWork

INBOX_KEY = "learnlink_inbox_id"  # where the middleware leaves the id for the listener
Json = dict[str, Any]


@dataclass(frozen=True)
class Envelope:
    """What the inbox row is keyed and filed by."""

    event_id: str
    kind: str
    team_id: str | None


def envelope(body: Json) -> Envelope | None:
    """The inbox id and kind of a Slack request body, or None when it is not for us."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        event = body.get("event") or {}
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
    actions = body.get("actions") or []
    return str(actions[0].get("action_ts")) if actions and actions[0].get("action_ts") else None


def inbox_middleware(
    uow: Callable[[], UnitOfWork], clock: Clock
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
        event = InboxEvent(
            platform=Platform.SLACK,
            event_id=found.event_id,
            kind=found.kind,
            payload=body,
            workspace_external_id=found.team_id,
            received_at=clock.now(),
        )
        async with uow() as work:
            new = await work.inbox.record(event)
            await work.commit()
        if not new:
            return BoltResponse(status=200, body="")
        context[INBOX_KEY] = found.event_id
        await next()
        return None

    return record_in_inbox
