"""The TeamsActivityHandler: record every activity in the inbox, then hand it on.

It only translates. Messages, membership changes, installs and reactions are
written to the inbox under their activity id and processed after the HTTP
answer (see router.py), so Teams never waits on routing and a redelivered
activity is processed once. Card buttons (`adaptiveCard/action` invokes) are
the exception: Teams waits for the card that replaces the clicked one, so they
run at once, still recorded first so a repeated click is not run twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    MessageReaction,
)

from bot.domain.model import InboxEvent, InboxState
from bot.domain.ports import Clock
from bot.handlers.context import Context
from bot.handlers.slack.processor import InboxProcessor
from bot.handlers.teams import translate
from bot.handlers.teams.actions import run_action
from bot.rendering import adaptive_cards
from bot.rendering.views import Notice
from bot.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger("learnlink.teams")
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"


class LearnlinkTeamsBot(TeamsActivityHandler):
    def __init__(
        self,
        ctx: Context,
        uow: Callable[[], SqlUnitOfWork],
        clock: Clock,
        processor: InboxProcessor,
    ) -> None:
        self._ctx = ctx
        self._uow = uow
        self._clock = clock
        self._processor = processor

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self._later(turn_context.activity)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        await self._later(turn_context.activity)

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        await self._later(turn_context.activity)

    async def on_reactions_added(
        self, message_reactions: list[MessageReaction], turn_context: TurnContext
    ) -> None:
        await self._later(turn_context.activity)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Card buttons answer here; other invokes go to botbuilder's dispatch.

        botbuilder's own `adaptiveCard/action` path serialises the response
        body, and its aiohttp CloudAdapter serialises it again, which fails
        (4.17); handing back the model leaves the one serialisation to the adapter.
        """
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            return await super().on_invoke_activity(turn_context)
        response = await self.card_clicked(turn_context)
        return InvokeResponse(status=int(HTTPStatus.OK), body=response)

    async def card_clicked(self, turn_context: TurnContext) -> AdaptiveCardInvokeResponse:
        activity = turn_context.activity
        user = translate.user_id_of(activity.from_property)
        event_id = event_id_of(activity)
        if user is None:
            card = adaptive_cards.render(Notice("I could not tell who clicked this."))
        elif not await self._record(activity, event_id):
            card = adaptive_cards.render(Notice("Got it already, thanks."))
        else:
            verb, data = translate.clicked(activity) or ("", {})
            card = await run_action(self._ctx, user, verb, data)
            await self._finish(event_id)
        return AdaptiveCardInvokeResponse(
            status_code=200, type=adaptive_cards.CONTENT_TYPE, value=card.content
        )

    async def _later(self, activity: Activity) -> None:
        event_id = event_id_of(activity)
        if await self._record(activity, event_id):
            self._processor.submit(event_id)
        else:
            log.info("teams activity %s seen before; not processed again", event_id)

    async def _record(self, activity: Activity, event_id: str) -> bool:
        event = InboxEvent(
            platform=translate.TEAMS,
            event_id=event_id,
            kind=kind_of(activity),
            payload=payload_of(activity),
            workspace_external_id=translate.tenant_of(activity) or None,
            received_at=self._clock.now(),
        )
        async with self._uow() as uow:
            new = await uow.inbox.record(event)
            await uow.commit()
        return new

    async def _finish(self, event_id: str) -> None:
        async with self._uow() as uow:
            event = await uow.inbox.get(translate.TEAMS, event_id)
            if event is not None:
                event.state, event.attempts = InboxState.DONE, event.attempts + 1
                event.processed_at = self._clock.now()
                await uow.commit()


def payload_of(activity: Activity) -> dict[str, Any]:
    """The activity as JSON for the inbox, mentions included.

    msrest drops a model's unknown fields when serialising, and a mention's
    `mentioned` and `text` are unknown fields of the generic Entity.
    """
    payload: dict[str, Any] = activity.serialize()
    if activity.entities:
        payload["entities"] = [
            {**entity.serialize(), **(entity.additional_properties or {})}
            for entity in activity.entities
        ]
    return payload


def kind_of(activity: Activity) -> str:
    return f"{activity.type}:{activity.name}" if activity.name else str(activity.type)


def event_id_of(activity: Activity) -> str:
    """Teams' activity id; conversation updates may lack one, so hash what identifies them."""
    if activity.id:
        return f"{activity.type}:{activity.id}"[:200]
    basis = json.dumps(activity.serialize(), sort_keys=True, default=str)
    return f"{activity.type}:{hashlib.sha256(basis.encode()).hexdigest()[:40]}"
