"""Teams activities -> the neutral events of bot/handlers/events.py.

Functions of an activity and nothing else, so each mapping is tested with an
activity shaped as Teams sends it. Teams names things differently from Slack:

- the workspace is the Azure AD tenant (`channelData.tenant.id`);
- a person is their AAD object id (`from.aadObjectId`), the id admins import
  and the one that stays the same across apps (the `29:...` id does not);
- a channel is its conversation id without the `;messageid=` suffix, and a
  reply in a channel thread carries its root message's id in that suffix.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any
from urllib.parse import quote, urlencode

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount

from bot.domain.model import Platform
from bot.handlers.events import ChatUser, CommandInvoked, MessagePosted

TEAMS = str(Platform.TEAMS)
THREAD_MARK = ";messageid="
PERSONAL, CHANNEL, GROUP_CHAT = "personal", "channel", "groupChat"
Json = dict[str, Any]


def channel_data(activity: Activity) -> Json:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def tenant_of(activity: Activity) -> str:
    tenant = channel_data(activity).get("tenant") or {}
    conversation = activity.conversation
    return str(tenant.get("id") or (conversation and conversation.tenant_id) or "")


def team_of(activity: Activity) -> str | None:
    team = channel_data(activity).get("team") or {}
    return str(team["id"]) if team.get("id") else None


def scope_of(activity: Activity) -> str:
    conversation = activity.conversation
    kind = conversation.conversation_type if conversation else None
    if kind:
        return str(kind)
    return CHANNEL if channel_data(activity).get("channel") else PERSONAL


def conversation_base(conversation_id: str) -> str:
    """`19:x@thread.tacv2;messageid=123` -> `19:x@thread.tacv2` (the channel)."""
    return conversation_id.split(THREAD_MARK, 1)[0]


def thread_root(conversation_id: str) -> str | None:
    """The root message id of a channel thread, from the conversation id."""
    _, mark, root = conversation_id.partition(THREAD_MARK)
    return root or None if mark else None


def user_id_of(account: ChannelAccount | None) -> str | None:
    """A person's id on our side: their AAD object id (bots and guests may lack one)."""
    return str(account.aad_object_id) if account and account.aad_object_id else None


def mentions_bot(activity: Activity) -> bool:
    bot = activity.recipient.id if activity.recipient else None
    for mention in TurnContext.get_mentions(activity):
        mentioned = (mention.additional_properties or {}).get("mentioned") or {}
        if bot and mentioned.get("id") == bot:
            return True
    return False


def text_of(activity: Activity) -> str:
    """The message text with the bot's mention removed, on one line."""
    without = TurnContext.remove_recipient_mention(copy.deepcopy(activity)) or ""
    return " ".join(without.split())


def message_posted(activity: Activity, commands: Collection[str] = ()) -> MessagePosted | None:
    """A person's message in a channel or group chat; None for commands and our own posts.

    A mention whose first word is a command (`@Learnlink experts kubernetes`)
    is a command, not a question: see `command_invoked`.
    """
    user = user_id_of(activity.from_property)
    scope = scope_of(activity)
    if user is None or scope not in (CHANNEL, GROUP_CHAT) or activity.value:
        return None
    mentioned = mentions_bot(activity)
    text = text_of(activity) if mentioned else " ".join((activity.text or "").split())
    if not text or (mentioned and first_word(text) in commands):
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    channel = conversation_base(conversation_id)
    root = thread_root(conversation_id) or activity.reply_to_id
    return MessagePosted(
        platform=TEAMS,
        workspace_id=tenant_of(activity),
        channel_id=channel,
        user_id=user,
        text=text,
        message_id=str(activity.id),
        thread_id=root,
        is_bot=is_bot_account(activity.from_property),
        channel_is_private=scope == GROUP_CHAT,
        explicit=mentioned,
        source="mention" if mentioned else "channel",
        permalink=permalink(activity, channel, root),
    )


def command_invoked(activity: Activity, commands: Collection[str] = ()) -> CommandInvoked | None:
    """Personal chat text, or a channel mention starting with a command word."""
    user = user_id_of(activity.from_property)
    if user is None or activity.value:
        return None
    scope = scope_of(activity)
    text = text_of(activity)
    if scope != PERSONAL and not (mentions_bot(activity) and first_word(text) in commands):
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    return CommandInvoked(
        platform=TEAMS,
        workspace_id=tenant_of(activity),
        user_id=user,
        text=text,
        channel_id=None if scope == PERSONAL else conversation_base(conversation_id),
        invocation_id=str(activity.id or ""),
    )


def chat_user(
    account: ChannelAccount, tenant_id: str, timezone: str | None = None
) -> ChatUser | None:
    """A roster member (TeamsInfo) or a message's sender (with their client's timezone)."""
    user = user_id_of(account)
    if user is None:
        return None
    extra = account.additional_properties or {}
    email = getattr(account, "email", None) or getattr(account, "user_principal_name", None)
    role = getattr(account, "user_role", None) or extra.get("userRole")
    return ChatUser(
        platform=TEAMS,
        user_id=user,
        workspace_id=str(getattr(account, "tenant_id", None) or tenant_id),
        name=str(account.name or email or user),
        email=str(email) if email else None,
        timezone=timezone,
        is_bot=is_bot_account(account),
        is_guest=role in ("guest", "anonymous"),
    )


def clicked(activity: Activity) -> tuple[str, Json] | None:
    """(verb, data) of a card button: an `adaptiveCard/action` invoke or a Submit message."""
    value = activity.value if isinstance(activity.value, dict) else None
    if value is None:
        return None
    if activity.type == "invoke":
        action = value.get("action") or {}
        data = action.get("data")
        return str(action.get("verb") or ""), data if isinstance(data, dict) else {}
    if value.get("verb"):
        return str(value["verb"]), value
    return None


def is_bot_account(account: ChannelAccount | None) -> bool:
    return bool(account and (account.id or "").startswith("28:"))


def first_word(text: str) -> str:
    return text.split(maxsplit=1)[0].lower() if text.strip() else ""


def permalink(activity: Activity, channel: str, root: str | None) -> str | None:
    """A Teams deep link to a channel message (None in chats, which have none to share)."""
    if scope_of(activity) != CHANNEL or not activity.id:
        return None
    query: dict[str, str] = {"tenantId": tenant_of(activity)}
    team = channel_data(activity).get("team") or {}
    if team.get("aadGroupId"):
        query["groupId"] = str(team["aadGroupId"])
    query["parentMessageId"] = root or str(activity.id)
    return (
        f"https://teams.microsoft.com/l/message/{quote(channel, safe='')}/"
        f"{quote(str(activity.id), safe='')}?{urlencode(query)}"
    )
