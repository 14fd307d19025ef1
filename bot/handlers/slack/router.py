"""Inbox event -> neutral event -> use case: the Slack adapter's one dispatch table.

Runs after the ack (from the inbox processor), so it may take its time: sync
the person from users.info, build a permalink, run detection and routing.
`KINDS` is the list of what Learnlink handles; the manifest test checks the
Slack app subscribes to exactly these events and commands.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.domain.model import InboxEvent
from bot.handlers.ask import capture_message
from bot.handlers.commands import run_command
from bot.handlers.context import Context
from bot.handlers.events import MessagePosted
from bot.handlers.feedback import record_reaction, resolve_from_button, respond_to_ask
from bot.handlers.home import home_view
from bot.handlers.profile import ProfileUpdate, profile_form, save_profile
from bot.handlers.rounds import record_meeting
from bot.handlers.slack import replies, translate
from bot.handlers.slack.client import WorkspaceClients
from bot.handlers.slack.links import Permalinks
from bot.handlers.slack.people import SlackPeople
from bot.rendering.blockkit import EDIT_PROFILE_ACTION, PROFILE_CALLBACK, profile_values
from bot.rendering.callbacks import CallbackError, PairAction, QuestionAction, ReferralAction
from bot.rendering.views import Notice

log = logging.getLogger("learnlink.slack.router")
Json = dict[str, Any]
EVENTS = (
    "message",
    "app_mention",
    "reaction_added",
    "app_home_opened",
    "member_joined_channel",
    "team_join",
    "user_change",
)
COMMANDS = tuple(translate.COMMAND_PREFIX)
SHORTCUTS = ("find_expert",)
QUESTION_REACTIONS = {"question", "grey_question"}


class SlackRouter:
    def __init__(
        self, ctx: Context, clients: WorkspaceClients, people: SlackPeople, links: Permalinks
    ) -> None:
        self._ctx = ctx
        self._clients = clients
        self._people = people
        self._links = links
        self._handlers: dict[str, Callable[[Json], Awaitable[None]]] = {
            "event:message": self._message,
            "event:app_mention": self._mention,
            "event:reaction_added": self._reaction,
            "event:app_home_opened": self._home_opened,
            "event:member_joined_channel": self._member_joined,
            "event:team_join": self._user,
            "event:user_change": self._user,
            "block_actions": self._action,
            "view_submission": self._view_submitted,
            "message_action": self._shortcut,
            **{f"command:{name}": self._command for name in COMMANDS},
        }

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def __call__(self, event: InboxEvent) -> None:
        handler = self._handlers.get(event.kind)
        if handler is None:
            log.debug("no handler for %s; marked done", event.kind)
            return
        await handler(event.payload)

    # -- events ---------------------------------------------------------------

    async def _message(self, body: Json) -> None:
        message = translate.message_posted(body)
        if message is not None:
            await self._capture(message)

    async def _mention(self, body: Json) -> None:
        message = translate.mention(body)
        if message is not None and message.text:
            await self._capture(message)

    async def _capture(self, message: MessagePosted) -> None:
        if not message.is_bot:
            await self._people.ensure(message.workspace_id, message.user_id)
        link = await self._links.to(
            message.workspace_id, message.channel_id, message.message_id, message.thread_id
        )
        captured = await capture_message(self._ctx, replace(message, permalink=link))
        log.info("%s message %s: %s", message.source, message.message_id, captured.outcome)

    async def _reaction(self, body: Json) -> None:
        reaction = translate.reaction_added(body)
        if reaction is None:
            return
        await self._people.ensure(reaction.workspace_id, reaction.user_id)
        if reaction.reaction not in QUESTION_REACTIONS:
            await record_reaction(self._ctx, reaction)
            return
        message = await self._fetch(reaction.workspace_id, reaction.channel_id, reaction.message_id)
        if message is not None and message.get("user") and message.get("text"):
            asked = MessagePosted(
                platform=reaction.platform,
                workspace_id=reaction.workspace_id,
                channel_id=reaction.channel_id,
                user_id=str(message["user"]),
                text=str(message["text"]),
                message_id=reaction.message_id,
                thread_id=message.get("thread_ts"),
                channel_is_private=reaction.channel_id.startswith("G"),
                explicit=True,
                source="reaction",
            )
            await self._capture(asked)

    async def _fetch(self, team_id: str, channel_id: str, ts: str) -> Json | None:
        """The message a reaction is on (a channel message, or a reply in a thread)."""
        client = await self._clients.for_team(team_id)
        history = await client.conversations_history(
            channel=channel_id, latest=ts, inclusive=True, limit=1
        )
        for message in history.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        replies_ = await client.conversations_replies(channel=channel_id, ts=ts, limit=1)
        for message in replies_.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        return None

    async def _home_opened(self, body: Json) -> None:
        event = body.get("event") or {}
        if event.get("tab") != "home" or not event.get("user"):
            return
        team, user = translate.team_of(body), str(event["user"])
        await self._people.ensure(team, user)
        view = await home_view(self._ctx, translate.SLACK, user)
        client = await self._clients.for_team(team)
        await replies.show(client, {}, user, view)

    async def _member_joined(self, body: Json) -> None:
        event = body.get("event") or {}
        user = event.get("user")
        if user and user != translate.bot_user_of(body):
            await self._people.ensure(translate.team_of(body), str(user))

    async def _user(self, body: Json) -> None:
        user = (body.get("event") or {}).get("user")
        if isinstance(user, dict) and user.get("id"):
            await self._people.sync(translate.chat_user(user, translate.team_of(body)))

    # -- commands and interactions --------------------------------------------

    async def _command(self, body: Json) -> None:
        invocation = translate.command(body)
        if invocation is None:
            return
        await self._people.ensure(invocation.workspace_id, invocation.user_id)
        view = await run_command(self._ctx, invocation)
        client = await self._clients.for_team(invocation.workspace_id)
        await replies.show(client, body, invocation.user_id, view)

    async def _action(self, body: Json) -> None:
        clicked = translate.clicked(body)
        if clicked is None:
            return
        user, action_id, _ = clicked
        team = translate.team_of(body)
        if action_id == EDIT_PROFILE_ACTION:
            form = await profile_form(self._ctx, translate.SLACK, user)
            await replies.show(await self._clients.for_team(team), body, user, form)
            return
        notice = await self._clicked(user, action_id)
        if notice is None:
            log.warning("ignoring a click on an unknown action %r", action_id[:60])
            return
        if body.get("response_url"):
            await replies.replace_buttons(
                str(body["response_url"]), body.get("message") or {}, notice
            )

    async def _clicked(self, user: str, action_id: str) -> Notice | None:
        """Typed callback data decides the use case: an ask, a pairing, a resolution."""
        for unpack, use_case in (
            (ReferralAction.unpack, respond_to_ask),
            (PairAction.unpack, record_meeting),
            (QuestionAction.unpack, resolve_from_button),
        ):
            try:
                action = unpack(action_id)
            except CallbackError:
                continue
            return await use_case(self._ctx, translate.SLACK, user, action)  # type: ignore[arg-type]
        return None

    async def _view_submitted(self, body: Json) -> None:
        view = body.get("view") or {}
        user = str((body.get("user") or {}).get("id") or "")
        if view.get("callback_id") != PROFILE_CALLBACK or not user:
            return
        values = profile_values((view.get("state") or {}).get("values") or {})
        notice = await save_profile(self._ctx, translate.SLACK, user, ProfileUpdate(**values))
        client = await self._clients.for_team(translate.team_of(body))
        await replies.show(client, {}, user, notice)

    async def _shortcut(self, body: Json) -> None:
        if body.get("callback_id") not in SHORTCUTS:
            return
        message = translate.shortcut_ask(body)
        if message is None:
            return
        await self._capture(message)
        if body.get("response_url"):
            note = Notice("Thanks! I'm finding someone who knows about this.")
            await replies.respond(str(body["response_url"]), note)
