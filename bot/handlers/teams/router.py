"""Inbox event -> neutral event -> use case: the work done after Teams got its answer.

Runs from the inbox processor, so it reads the activity from the inbox (a
failed one is retried the same way later) and answers through the gateway,
proactively, in the conversation the activity came from: a reply to a
personal-chat command lands in that chat, one to a channel command in its
thread, and a card whose Submit fallback was clicked is updated in place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationAccount
from botbuilder.schema import ConversationReference as Reference

from bot.domain.model import InboxEvent
from bot.handlers.ask import capture_message
from bot.handlers.commands import ROUTES, run_command
from bot.handlers.context import Context
from bot.handlers.events import ReactionAdded
from bot.handlers.feedback import record_reaction
from bot.handlers.people import sync_user
from bot.handlers.teams import translate
from bot.handlers.teams.actions import run_action
from bot.handlers.teams.gateway import TeamsGateway
from bot.handlers.teams.references import CHANNEL, GROUP_CHAT, PERSONAL
from bot.handlers.teams.roster import sync_roster
from bot.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger("learnlink.teams.router")
COMMANDS: Collection[str] = frozenset(ROUTES)


class TeamsRouter:
    def __init__(
        self,
        ctx: Context,
        adapter: CloudAdapter,
        app_id: str | None,
        gateway: TeamsGateway,
        uow: Callable[[], SqlUnitOfWork],
    ) -> None:
        self._ctx = ctx
        self._adapter = adapter
        self._app_id = app_id or ""
        self._gateway = gateway
        self._uow = uow
        self._handlers: dict[str, Callable[[Activity], Awaitable[None]]] = {
            "message": self._message,
            "conversationUpdate": self._joined,
            "installationUpdate": self._installed,
            "messageReaction": self._reaction,
        }

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def __call__(self, event: InboxEvent) -> None:
        activity = Activity().deserialize(event.payload)
        handler = self._handlers.get(str(activity.type))
        if handler is None:
            log.debug("no handler for %s; marked done", activity.type)
            return
        await handler(activity)

    # -- messages --------------------------------------------------------------

    async def _message(self, activity: Activity) -> None:
        await self.remember(activity)
        click = translate.clicked(activity)
        if click is not None:
            await self._submitted(activity, *click)
            return
        invocation = translate.command_invoked(activity, COMMANDS)
        if invocation is not None:
            view = await run_command(self._ctx, invocation)
            reference = TurnContext.get_conversation_reference(activity)
            await self._gateway.send(reference, await self._gateway.card(view))
            return
        message = translate.message_posted(activity, COMMANDS)
        if message is not None and not message.is_bot:
            captured = await capture_message(self._ctx, message)
            log.info("%s message %s: %s", message.source, message.message_id, captured.outcome)

    async def _submitted(self, activity: Activity, verb: str, data: dict[str, object]) -> None:
        """A card's Submit fallback: run it, then update the clicked card in place."""
        user = translate.user_id_of(activity.from_property)
        if user is None:
            return
        card = await run_action(self._ctx, user, verb, dict(data))
        reference = TurnContext.get_conversation_reference(activity)
        if activity.reply_to_id:
            await self._gateway.update(reference, str(activity.reply_to_id), card)
        else:
            await self._gateway.send(reference, card)

    async def _reaction(self, activity: Activity) -> None:
        user = translate.user_id_of(activity.from_property)
        if user is None or not activity.reply_to_id:
            return
        channel = translate.conversation_base(activity.conversation.id or "")
        for reaction in activity.reactions_added or []:
            outcome = await record_reaction(
                self._ctx,
                ReactionAdded(
                    platform=translate.TEAMS,
                    workspace_id=translate.tenant_of(activity),
                    channel_id=channel,
                    message_id=str(activity.reply_to_id),
                    user_id=user,
                    reaction=str(reaction.type),
                ),
            )
            log.info("reaction %s on %s: %s", reaction.type, activity.reply_to_id, outcome)

    # -- joining and installing -------------------------------------------------

    async def _joined(self, activity: Activity) -> None:
        await self.remember(activity)
        if activity.members_added:
            await self._sync_roster(activity)

    async def _installed(self, activity: Activity) -> None:
        if (activity.action or "").startswith("add"):
            await self.remember(activity)
            await self._sync_roster(activity)
        else:
            log.info("teams: app removed from %s", activity.conversation.id)

    async def _sync_roster(self, activity: Activity) -> None:
        team = translate.team_of(activity)
        tenant = translate.tenant_of(activity)

        async def logic(turn: TurnContext) -> None:
            await sync_roster(
                turn,
                team_id=team,
                tenant_id=tenant,
                uow=self._uow,
                references=self._gateway.references,
                settings=self._ctx.settings,
            )

        reference = _where(activity, translate.scope_of(activity))
        await self._adapter.continue_conversation(reference, logic, self._app_id)

    # -- who and where ---------------------------------------------------------

    async def remember(self, activity: Activity) -> None:
        """Know the sender, and keep a reference to write back where they wrote."""
        tenant = translate.tenant_of(activity)
        scope = translate.scope_of(activity)
        user = translate.chat_user(activity.from_property, tenant, timezone_of(activity))
        async with self._uow() as uow:
            person = None
            if user is not None and not user.is_bot:
                person = await uow.people.by_identity(user.platform, user.user_id)
                if person is None:
                    link = self._ctx.settings.organisation.link_identities_by_email
                    person = await sync_user(uow, user, link_by_email=link)
            if scope in (PERSONAL, CHANNEL, GROUP_CHAT) and activity.conversation:
                reference = _where(activity, scope)
                await self._gateway.references.save(
                    uow,
                    str(reference.conversation.id),
                    reference,
                    scope=scope,
                    tenant_id=tenant or None,
                    person_id=person.id if person and scope == PERSONAL else None,
                    team_id=translate.team_of(activity),
                )
            await uow.commit()


def timezone_of(activity: Activity) -> str | None:
    """The sender's IANA timezone, as their Teams client reports it."""
    zone = activity.local_timezone
    try:
        return str(ZoneInfo(zone)) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _where(activity: Activity, scope: str) -> Reference:
    """The reference to write back: for a channel, the channel itself, not the thread."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    if scope == CHANNEL and reference.conversation is not None:
        conversation = reference.conversation
        reference.conversation = ConversationAccount(
            id=translate.conversation_base(conversation.id or ""),
            conversation_type=conversation.conversation_type,
            tenant_id=conversation.tenant_id or translate.tenant_of(activity),
            is_group=conversation.is_group,
        )
    return reference
