"""Slack payloads -> the neutral events of bot/handlers/events.py.

Pure functions over the JSON Slack sends, so each mapping is tested with a
payload and nothing else. Anything the use cases should not see (edits,
joins, our own bot's messages) is filtered here and returns None.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain.model import Platform
from bot.handlers.events import ChatUser, CommandInvoked, MessagePosted, ReactionAdded

Json = dict[str, Any]
SLACK = str(Platform.SLACK)
# Message subtypes that are still someone writing in the channel.
AUTHORED_SUBTYPES = {None, "thread_broadcast", "file_share"}
# `/ask X` is `/learnlink ask X`; `/experts X` is `/learnlink experts X`.
COMMAND_PREFIX = {"/learnlink": "", "/ask": "ask ", "/experts": "experts "}
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def team_of(body: Json) -> str:
    team = body.get("team_id") or body.get("team") or ""
    return str(team.get("id", "") if isinstance(team, dict) else team)


def bot_user_of(body: Json) -> str | None:
    """Our bot's user id in this workspace, as Slack says in the event's authorizations."""
    for authorization in body.get("authorizations") or []:
        if authorization.get("is_bot"):
            return str(authorization.get("user_id"))
    return None


def message_posted(body: Json) -> MessagePosted | None:
    """A person's message in a channel; mentions of the bot come as app_mention instead."""
    event = body.get("event") or {}
    subtype = event.get("subtype")
    if subtype not in AUTHORED_SUBTYPES or not event.get("user"):
        return None
    if event.get("channel_type") not in (None, "channel", "group"):
        return None
    text = str(event.get("text") or "")
    bot = bot_user_of(body)
    if bot and f"<@{bot}" in text:
        return None
    return MessagePosted(
        platform=SLACK,
        workspace_id=team_of(body),
        channel_id=str(event.get("channel")),
        user_id=str(event["user"]),
        text=text,
        message_id=str(event.get("ts")),
        thread_id=event.get("thread_ts"),
        is_bot=bool(event.get("bot_id")),
        subtype=subtype,
        channel_is_private=event.get("channel_type") == "group",
    )


def mention(body: Json) -> MessagePosted | None:
    """`@Learnlink how do I ...`: an explicit ask, with the mention taken out of the text."""
    event = body.get("event") or {}
    if not event.get("user") or event.get("bot_id"):
        return None
    bot = bot_user_of(body)
    text = MENTION.sub(lambda m: "" if m.group(1) == bot else m.group(0), event.get("text", ""))
    return MessagePosted(
        platform=SLACK,
        workspace_id=team_of(body),
        channel_id=str(event.get("channel")),
        user_id=str(event["user"]),
        text=" ".join(text.split()),
        message_id=str(event.get("ts")),
        thread_id=event.get("thread_ts"),
        channel_is_private=str(event.get("channel", "")).startswith("G"),
        explicit=True,
        source="mention",
    )


def reaction_added(body: Json) -> ReactionAdded | None:
    event = body.get("event") or {}
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("user"):
        return None
    return ReactionAdded(
        platform=SLACK,
        workspace_id=team_of(body),
        channel_id=str(item.get("channel")),
        message_id=str(item.get("ts")),
        user_id=str(event["user"]),
        reaction=str(event.get("reaction", "")),
        item_user_id=event.get("item_user"),
    )


def shortcut_ask(body: Json) -> MessagePosted | None:
    """ "Find someone who knows" on a message: the message's author is the asker."""
    message = body.get("message") or {}
    channel = body.get("channel") or {}
    author = message.get("user") or (body.get("user") or {}).get("id")
    if not author or not message.get("text"):
        return None
    return MessagePosted(
        platform=SLACK,
        workspace_id=team_of(body),
        channel_id=str(channel.get("id")),
        user_id=str(author),
        text=str(message["text"]),
        message_id=str(message.get("ts") or body.get("message_ts")),
        thread_id=message.get("thread_ts"),
        channel_is_private=str(channel.get("id", "")).startswith("G"),
        explicit=True,
        source="shortcut",
    )


def chat_user(user: Json, team_id: str | None = None) -> ChatUser:
    """A users.info / team_join / user_change user object; guests are restricted accounts."""
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or str(user.get("id"))
    )
    return ChatUser(
        platform=SLACK,
        user_id=str(user["id"]),
        workspace_id=str(team_id or user.get("team_id") or ""),
        name=str(name),
        email=profile.get("email") or None,
        timezone=user.get("tz") or None,
        team=profile.get("title") or None,
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        deactivated=bool(user.get("deleted")),
    )


def command(body: Json) -> CommandInvoked | None:
    prefix = COMMAND_PREFIX.get(str(body.get("command")))
    if prefix is None or not body.get("user_id"):
        return None
    return CommandInvoked(
        platform=SLACK,
        workspace_id=team_of(body),
        user_id=str(body["user_id"]),
        text=(prefix + str(body.get("text") or "").strip()).strip(),
        channel_id=body.get("channel_id"),
        invocation_id=str(body.get("trigger_id") or ""),
    )


def clicked(body: Json) -> tuple[str, str, str] | None:
    """(user id, action id, value) of a block_actions payload's button."""
    actions = body.get("actions") or []
    user = (body.get("user") or {}).get("id")
    if not actions or not user:
        return None
    action = actions[0]
    return str(user), str(action.get("action_id", "")), str(action.get("value", ""))
