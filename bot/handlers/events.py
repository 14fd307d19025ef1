"""Platform-neutral events: what the Slack and Teams adapters translate payloads into.

The use cases only ever see these, so a question asked in Slack and one asked
in Teams take the same path through detection, routing and feedback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatUser:
    """A platform user as the platform describes them (users.info, TeamsInfo)."""

    platform: str
    user_id: str
    workspace_id: str
    name: str
    email: str | None = None
    timezone: str | None = None
    team: str | None = None
    is_bot: bool = False
    is_guest: bool = False
    is_admin: bool = False
    deactivated: bool = False


@dataclass(frozen=True)
class MessagePosted:
    """A message in a channel or thread, or an explicit ask (mention, /ask, shortcut)."""

    platform: str
    workspace_id: str
    channel_id: str
    user_id: str
    text: str
    message_id: str
    thread_id: str | None = None
    is_bot: bool = False
    subtype: str | None = None
    channel_is_private: bool = False
    explicit: bool = False
    source: str = "channel"
    permalink: str | None = None


@dataclass(frozen=True)
class ReactionAdded:
    platform: str
    workspace_id: str
    channel_id: str
    message_id: str
    user_id: str
    reaction: str
    item_user_id: str | None = None


@dataclass(frozen=True)
class CommandInvoked:
    """`/learnlink ...` in Slack or a command in a Teams personal chat, as plain text."""

    platform: str
    workspace_id: str
    user_id: str
    text: str
    channel_id: str | None = None
    is_platform_admin: bool = False
    invocation_id: str = ""  # stable per invocation (Slack trigger_id, Teams activity id)
