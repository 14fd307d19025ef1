"""Requests shaped and signed exactly as Slack sends them to /slack/events.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 and the app's signing
secret, and sends the hex digest as `X-Slack-Signature: v0=...` next to
`X-Slack-Request-Timestamp`. Events arrive as JSON; slash commands as a form;
interactions (buttons, shortcuts, modal submissions) as a form with a single
`payload` field holding JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "SignedRequest",
    "block_actions_payload",
    "command_body",
    "command_request",
    "event_body",
    "event_request",
    "interaction_request",
    "message_event",
    "message_shortcut_payload",
    "signature",
    "signed",
    "view_submission_payload",
]

Json = dict[str, Any]
_trigger = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    body: str
    headers: dict[str, str]


def signature(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(
    secret: str,
    body: str,
    content_type: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(secret, stamp, body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return SignedRequest(body, headers)


def event_body(event: Json, *, team_id: str = "T1", event_id: str = "Ev001") -> str:
    """An Events API `event_callback` envelope around `event`."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0LEARN",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": f"UBOT{team_id.removeprefix('T')}",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope)


def event_request(secret: str, event: Json, **options: Any) -> SignedRequest:
    envelope = {k: options.pop(k) for k in ("team_id", "event_id") if k in options}
    return signed(secret, event_body(event, **envelope), "application/json", **options)


def message_event(
    text: str,
    *,
    user: str = "UASKER",
    channel: str = "C1",
    ts: str = "1700000100.000100",
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> Json:
    event: Json = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def command_body(
    command: str,
    text: str = "",
    *,
    user: str = "UASKER",
    channel: str = "C1",
    team_id: str = "T1",
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": team_id.lower(),
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0LEARN",
            "is_enterprise_install": "false",
            "response_url": response_url or f"https://hooks.slack.com/commands/{team_id}/1/abc",
            "trigger_id": trigger_id or _trigger_id(),
        }
    )


def command_request(secret: str, command: str, text: str = "", **options: Any) -> SignedRequest:
    names = ("user", "channel", "team_id", "trigger_id", "response_url")
    body_options = {k: options.pop(k) for k in names if k in options}
    body = command_body(command, text, **body_options)
    return signed(secret, body, "application/x-www-form-urlencoded", **options)


def interaction_request(secret: str, payload: Json, **options: Any) -> SignedRequest:
    body = urlencode({"payload": json.dumps(payload)})
    return signed(secret, body, "application/x-www-form-urlencoded", **options)


def _common(kind: str, user: str, team_id: str, trigger_id: str | None) -> Json:
    return {
        "type": kind,
        "team": {"id": team_id, "domain": team_id.lower()},
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": "A0LEARN",
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or _trigger_id(),
        "is_enterprise_install": False,
    }


def block_actions_payload(
    action_id: str,
    value: str = "",
    *,
    user: str = "UEXPERT",
    channel: str = "DUEXPERT",
    message_ts: str = "1700000000.000001",
    team_id: str = "T1",
    trigger_id: str | None = None,
) -> Json:
    return {
        **_common("block_actions", user, team_id, trigger_id),
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": message_ts, "text": "", "blocks": []},
        "response_url": f"https://hooks.slack.com/actions/{team_id}/1/xyz",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "ask",
                "value": value,
                "text": {"type": "plain_text", "text": "button"},
                "action_ts": str(time.time()),
            }
        ],
    }


def message_shortcut_payload(
    text: str,
    *,
    callback_id: str = "find_expert",
    user: str = "UASKER",
    author: str = "UOTHER",
    channel: str = "C1",
    message_ts: str = "1700000200.000100",
    team_id: str = "T1",
    trigger_id: str | None = None,
) -> Json:
    return {
        **_common("message_action", user, team_id, trigger_id),
        "callback_id": callback_id,
        "action_ts": str(time.time()),
        "message_ts": message_ts,
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "user": author, "ts": message_ts, "text": text},
        "response_url": f"https://hooks.slack.com/app/{team_id}/1/xyz",
    }


def view_submission_payload(
    callback_id: str,
    values: Json,
    *,
    user: str = "UASKER",
    team_id: str = "T1",
    private_metadata: str = "",
    trigger_id: str | None = None,
) -> Json:
    return {
        **_common("view_submission", user, team_id, trigger_id),
        "view": {
            "id": "VPROFILE",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
            "hash": "1",
        },
    }


def _trigger_id() -> str:
    return f"{next(_trigger)}.{int(time.time())}.abcdef"
