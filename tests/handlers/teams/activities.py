"""Activities shaped as Microsoft Teams sends them (captured shapes, our ids).

Only the values differ from real payloads: the tenant, team, channel and
people are the test organisation's, and `serviceUrl` is the fake connector.
"""

from __future__ import annotations

import itertools
from typing import Any

Json = dict[str, Any]
TENANT = "72f988bf-0000-4000-8000-2d7cd011db47"
TEAM = "19:Xq3kZ0team@thread.tacv2"
CHANNEL = "19:9b1fplatform@thread.tacv2"
BOT = {"id": "28:0e1f2a3b-1111-2222-3333-444455556666", "name": "Learnlink"}
CLIENT_INFO = {
    "locale": "en-GB",
    "country": "GB",
    "platform": "Web",
    "timezone": "Europe/London",
    "type": "clientInfo",
}
_ids = itertools.count(1)


def account(name: str, aad: str) -> Json:
    """How Teams names a person in an activity's `from`."""
    return {"id": f"29:1{aad}", "name": name, "aadObjectId": aad}


def member(name: str, aad: str, email: str, role: str = "user") -> Json:
    """A TeamsChannelAccount as pagedmembers returns it."""
    given, _, surname = name.partition(" ")
    return {
        "id": f"29:1{aad}",
        "name": name,
        "aadObjectId": aad,
        "email": email,
        "userPrincipalName": email,
        "givenName": given,
        "surname": surname,
        "tenantId": TENANT,
        "userRole": role,
    }


def _base(service_url: str, kind: str, sender: Json, conversation: Json) -> Json:
    return {
        "type": kind,
        "id": f"17726184{next(_ids):05d}",
        "timestamp": "2026-03-04T10:00:00.123Z",
        "localTimestamp": "2026-03-04T10:00:00.123+00:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender,
        "conversation": conversation,
        "recipient": BOT,
        "locale": "en-GB",
        "localTimezone": "Europe/London",
    }


def channel_data() -> Json:
    return {
        "teamsChannelId": CHANNEL,
        "teamsTeamId": TEAM,
        "channel": {"id": CHANNEL},
        "team": {"id": TEAM, "aadGroupId": "8d1e0f6a-aaaa-4bbb-8ccc-0123456789ab"},
        "tenant": {"id": TENANT},
    }


def channel_message(
    service_url: str,
    sender: Json,
    text: str,
    *,
    mention: bool = False,
    thread: str | None = None,
) -> Json:
    """A post in a channel (a new thread), or a reply in `thread`; optionally @Learnlink."""
    activity = _base(service_url, "message", sender, {})
    root = thread or activity["id"]
    activity["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": TENANT,
        "id": f"{CHANNEL};messageid={root}",
    }
    if thread:
        activity["replyToId"] = thread
    entities: list[Json] = [CLIENT_INFO]
    if mention:
        tag = f"<at>{BOT['name']}</at>"
        text = f"{tag} {text}"
        entities.insert(0, {"mentioned": BOT, "text": tag, "type": "mention"})
    activity.update(
        {
            "text": text,
            "textFormat": "plain",
            "attachments": [{"contentType": "text/html", "content": f"<p>{text}</p>"}],
            "entities": entities,
            "channelData": channel_data(),
        }
    )
    return activity


def personal_message(service_url: str, sender: Json, text: str, **extra: Any) -> Json:
    activity = _base(service_url, "message", sender, personal_conversation(sender))
    activity.update(
        {
            "text": text,
            "textFormat": "plain",
            "entities": [CLIENT_INFO],
            "channelData": {"tenant": {"id": TENANT}},
            **extra,
        }
    )
    return activity


def personal_conversation(sender: Json) -> Json:
    return {
        "conversationType": "personal",
        "tenantId": TENANT,
        "id": f"a:1personal-{sender['aadObjectId']}",
    }


def bot_added_to_team(service_url: str, installer: Json) -> Json:
    """conversationUpdate: the app was added to the team (the bot is the member added)."""
    activity = _base(
        service_url,
        "conversationUpdate",
        installer,
        {"isGroup": True, "conversationType": "channel", "tenantId": TENANT, "id": TEAM},
    )
    activity["id"] = f"f:{activity['id']}"
    activity["membersAdded"] = [{"id": BOT["id"]}]
    activity["channelData"] = {
        "team": {
            "aadGroupId": "8d1e0f6a-aaaa-4bbb-8ccc-0123456789ab",
            "name": "Platform",
            "id": TEAM,
        },
        "eventType": "teamMemberAdded",
        "tenant": {"id": TENANT},
        "settings": {"selectedChannel": {"id": TEAM}},
    }
    return activity


def personal_install(service_url: str, user: Json) -> Json:
    """installationUpdate: someone added the app for themselves (personal scope)."""
    activity = _base(service_url, "installationUpdate", user, personal_conversation(user))
    activity["id"] = f"f:{activity['id']}"
    activity.update(
        {
            "action": "add",
            "entities": [CLIENT_INFO],
            "channelData": {
                "settings": {"source": {"name": "message"}},
                "source": {"name": "message"},
                "tenant": {"id": TENANT},
            },
        }
    )
    return activity


def card_action(
    service_url: str, user: Json, verb: str, data: Json | None = None, reply_to: str = ""
) -> Json:
    """invoke adaptiveCard/action: a Universal Action button on a card in a 1:1 chat."""
    activity = _base(service_url, "invoke", user, personal_conversation(user))
    activity["id"] = f"f:{activity['id']}"
    activity.update(
        {
            "name": "adaptiveCard/action",
            "entities": [CLIENT_INFO],
            "channelData": {"tenant": {"id": TENANT}, "source": {"name": "message"}},
            "replyToId": reply_to,
            "value": {
                "action": {
                    "type": "Action.Execute",
                    "title": "",
                    "verb": verb,
                    "data": data or {},
                },
                "trigger": "manual",
            },
        }
    )
    return activity


def card_submit(service_url: str, user: Json, data: Json, reply_to: str) -> Json:
    """The Action.Submit fallback: a message whose value is the button's data."""
    return personal_message(service_url, user, "", value=data, replyToId=reply_to)


def reaction(service_url: str, user: Json, message_id: str, root: str, kind: str = "like") -> Json:
    """messageReaction: someone reacted to a message in a channel thread."""
    activity = _base(
        service_url,
        "messageReaction",
        user,
        {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": f"{CHANNEL};messageid={root}",
        },
    )
    activity.update(
        {"reactionsAdded": [{"type": kind}], "replyToId": message_id, "channelData": channel_data()}
    )
    return activity
