"""The ChatGateway port over the Bot Connector: proactive messages from stored references.

Everything Learnlink sends in Teams is proactive (the use cases run after the
HTTP request was answered), so every send starts from a stored conversation
reference: `continue_conversation` for a conversation the bot is already in,
`create_conversation` for a 1:1 chat with someone known only from a roster.
Teams has no group DMs a bot can open and no ephemeral messages, so a direct
message to several people is a 1:1 card to each, and a note "only the asker
sees" is a 1:1 card to the asker.

Each idempotency key is sent once (once.py), so a retried event never sends
twice. People the bot cannot reach yet (no reference: they never met the bot)
are logged, returned and reported to the reachable Learnlink admins (once per
person, admin and day), never silently dropped; with nobody reachable the
send fails with `Unreachable`, which the use cases treat like any failed send.

An intro whose programme lives in a Teams channel is also posted there once,
mentioning the group, besides the 1:1 card each member gets.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from botbuilder.schema import ConversationReference as Reference
from botframework.connector.aio import ConnectorClient

from bot.domain.model import Delivery
from bot.domain.ports import Clock
from bot.handlers.deliveries import Once
from bot.handlers.gateway import Sent, View
from bot.handlers.teams import roster
from bot.handlers.teams.references import PERSONAL, ReferenceStore, Stored
from bot.handlers.teams.translate import TEAMS, THREAD_MARK, is_bot_account
from bot.rendering import adaptive_cards
from bot.rendering.adaptive_cards import Card
from bot.rendering.views import Notice, PairIntro
from bot.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger("learnlink.teams.gateway")
NOT_INSTALLED = "has not installed the app personally yet"


class Unreachable(LookupError):
    """Nobody to send to: the bot has no conversation with these people or this channel."""

    def __init__(self, targets: Sequence[str]) -> None:
        super().__init__(f"no Teams conversation reference for {', '.join(targets)}")
        self.targets = tuple(targets)


@dataclass(frozen=True)
class Delivered(Sent):
    """Where the (first) message landed, and who could not be reached."""

    unreachable: tuple[str, ...] = ()


class TeamsGateway:
    platform = TEAMS

    def __init__(
        self,
        adapter: CloudAdapter,
        app_id: str | None,
        uow: Callable[[], SqlUnitOfWork],
        clock: Clock,
        admin_ids: Sequence[str] = (),
    ) -> None:
        self._adapter = adapter
        self._app_id = app_id or ""
        self._uow = uow
        self._clock = clock
        self._admin_ids = tuple(admin_ids)  # settings.admin.user_ids (AAD object ids)
        self.references = ReferenceStore(uow, clock)
        self._once = Once(self.platform, uow, clock)

    # -- the ChatGateway port ---------------------------------------------------

    async def send_direct(
        self, workspace_id: str, user_ids: Sequence[str], view: View, *, key: str
    ) -> Sent:
        """One key for one person; with several, a key per person, so a retry after a
        failure halfway sends only to those who did not get the message yet.

        Who could not be reached is reported to the admins; an intro is also
        posted in its programme's channel (key `KEY:channel`)."""
        card = await self.card(view)
        sent: Sent | None = None
        failure: Unreachable | None = None
        try:
            if len(user_ids) == 1:
                sent = await self._once(key, lambda: self.direct(user_ids, card))
            else:
                sent = await self.direct(user_ids, card, key=key)
            missing = sent.unreachable if isinstance(sent, Delivered) else ()
        except Unreachable as exc:
            failure, missing = exc, exc.targets
        if missing:
            try:
                await self.report_unreachable(missing)
            except Exception:  # telling admins must never undo the send itself
                log.exception("could not report %s to the admins", ", ".join(missing))
        if isinstance(view, PairIntro) and view.channel_id:
            posted = await self._intro_in_channel(workspace_id, view, key)
            sent = sent or posted
        if sent is None:
            raise failure or Unreachable(list(user_ids))
        return sent

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        view: View,
        *,
        key: str,
        thread_id: str | None = None,
    ) -> Sent:
        async def send() -> Sent:
            stored = await self.references.for_conversation(channel_id)
            if stored is None:
                log.warning("not in Teams channel %s: cannot post %s", channel_id, key)
                raise Unreachable([channel_id])
            target = f"{channel_id}{THREAD_MARK}{thread_id}" if thread_id else channel_id
            return await self.send(stored.reference, await self.card(view), target)

        return await self._once(key, send)

    async def channel_members(self, workspace_id: str, channel_id: str) -> list[str]:
        """AAD ids of a channel's members (a standard channel has the team's), paged."""
        stored = await self.references.for_conversation(channel_id)
        if stored is None:
            log.warning("not in Teams channel %s: cannot list its members", channel_id)
            return []
        found: list[str] = []

        async def logic(turn: TurnContext) -> None:
            async for page in roster.pages(turn, None):
                found.extend(
                    member.aad_object_id
                    for member in page
                    if member.aad_object_id and not is_bot_account(member)
                )

        await self._continue(stored.reference, logic)
        return found

    async def post_ephemeral(
        self, workspace_id: str, channel_id: str, user_id: str, view: View
    ) -> None:
        """Teams has no messages only one person sees in a channel: say it in their 1:1 chat."""
        try:
            await self.direct([user_id], await self.card(view))
        except Unreachable:
            log.warning("could not tell %s privately: no 1:1 chat with them yet", user_id)

    # -- intros in channels, and who could not be reached ---------------------

    async def _intro_in_channel(self, workspace_id: str, view: PairIntro, key: str) -> Sent | None:
        """One post in the programme's channel mentioning the group; None if it could not go."""
        mentions = [f"<@{m.user_id}>" if m.user_id else m.name for m in view.members]
        who = " and ".join(
            [", ".join(mentions[:-1]), mentions[-1]] if len(mentions) > 1 else mentions
        )
        lines: tuple[str, ...] = (view.reason,) if view.reason.strip() else ()
        if view.suggested_topics:
            lines += (f"Something to talk about: {', '.join(view.suggested_topics)}",)
        notice = Notice(f"**{view.program}**: {who}, you're meeting this round. Say hello!", lines)
        try:
            return await self.post(
                workspace_id, view.channel_id or "", notice, key=f"{key}:channel"
            )
        except Unreachable:
            log.warning("intro %s not posted: the bot is not in channel %s", key, view.channel_id)
        except Exception:
            log.exception("intro %s not posted in channel %s", key, view.channel_id)
        return None

    async def report_unreachable(self, user_ids: Sequence[str]) -> int:
        """DM each reachable admin the people the bot could not reach; once per person,
        admin and day, so a busy day does not bury admins. How many admins were told."""
        day = self._clock.now().date().isoformat()
        async with self._uow() as uow:
            ids = await uow.people.user_ids(TEAMS)
            admins = {
                ids[p.id]
                for p in await uow.people.list()
                if p.is_admin and not p.deactivated and p.id in ids
            }
            names: dict[str, str] = {}
            for user_id in user_ids:
                person = await uow.people.by_identity(TEAMS, user_id)
                names[user_id] = person.name if person is not None else user_id
        told = 0
        for admin in sorted((admins | set(self._admin_ids)) - set(user_ids)):
            keys = {f"unreachable:{day}:{admin}:{user_id}": user_id for user_id in user_ids}
            fresh = await self._claim(list(keys))
            if not fresh:
                continue
            notice = Notice(
                "I could not reach these people in Teams, so they missed a message from me:",
                lines=tuple(f"{names[keys[k]]} — {NOT_INSTALLED}" for k in fresh),
            )
            try:
                await self._to_user(admin, await self.card(notice))
            except Exception as exc:
                await self._release(fresh)
                if isinstance(exc, Unreachable):
                    log.info("admin %s cannot be reached either", admin)
                else:
                    log.exception("could not tell admin %s who is unreachable", admin)
                continue
            told += 1
        return told

    async def _claim(self, keys: Sequence[str]) -> list[str]:
        """The keys not claimed before, now claimed."""
        fresh: list[str] = []
        async with self._uow() as uow:
            for key in keys:
                delivery = Delivery(key=key, platform=self.platform, sent_at=self._clock.now())
                if await uow.deliveries.claim(delivery):
                    fresh.append(key)
            await uow.commit()
        return fresh

    async def _release(self, keys: Sequence[str]) -> None:
        async with self._uow() as uow:
            for key in keys:
                await uow.deliveries.release(key)
            await uow.commit()

    # -- sending ---------------------------------------------------------------

    async def direct(
        self, user_ids: Sequence[str], card: Card, *, key: str | None = None
    ) -> Delivered:
        """A 1:1 card to each person; who had no reference is reported back."""
        first: Sent | None = None
        missing: list[str] = []
        for user_id in user_ids:
            try:
                send = functools.partial(self._to_user, user_id, card)
                sent = await (self._once(f"{key}:{user_id}", send) if key else send())
            except Unreachable:
                missing.append(user_id)
                continue
            first = first or sent
        if missing:
            log.warning("cannot reach %s in Teams yet (they never met the bot)", ", ".join(missing))
        if first is None:
            raise Unreachable(missing)
        return Delivered(first.channel, first.message_id, tuple(missing))

    async def send(
        self, reference: Reference, card: Card, conversation_id: str | None = None
    ) -> Sent:
        """Post a card as a new message in the reference's conversation (or `conversation_id`)."""
        target = conversation_id or (reference.conversation.id if reference.conversation else "")
        activity = message(card)
        sent_id = ""

        async def logic(turn: TurnContext) -> None:
            nonlocal sent_id
            response = await connector(turn).conversations.send_to_conversation(target, activity)
            sent_id = str(response.id) if response and response.id else ""

        await self._continue(reference, logic)
        return Sent(target, sent_id)

    async def update(self, reference: Reference, activity_id: str, card: Card) -> None:
        """Replace a card the bot posted (an ask after its buttons were used)."""
        target = reference.conversation.id if reference.conversation else ""
        activity = message(card)
        activity.id = activity_id

        async def logic(turn: TurnContext) -> None:
            await connector(turn).conversations.update_activity(target, activity_id, activity)

        await self._continue(reference, logic)

    async def card(self, view: View) -> Card:
        """The view as a card, with the names of the people its text mentions and,
        for an intro, the members' emails (the group chat link needs them)."""
        names: dict[str, str] = {}
        emails: dict[str, str] = {}
        if isinstance(view, Notice):
            texts = [view.text, *view.lines]
            mentioned = {m for text in texts for m in adaptive_cards.MENTION.findall(text)}
            async with self._uow() as uow:
                for user_id in mentioned:
                    person = await uow.people.by_identity(TEAMS, user_id)
                    if person is not None:
                        names[user_id] = person.name
        if isinstance(view, PairIntro):
            async with self._uow() as uow:
                for member in view.members:
                    person = await uow.people.by_identity(TEAMS, member.user_id or "")
                    if person is not None and person.email:
                        emails[member.user_id or ""] = person.email
        return adaptive_cards.render(view, names, emails)

    async def _reference_for(self, user_id: str) -> Stored | None:
        async with self._uow() as uow:
            person = await uow.people.by_identity(TEAMS, user_id)
        if person is None or person.id is None:
            return None
        return await self.references.for_person(person.id)

    async def _to_user(self, user_id: str, card: Card) -> Sent:
        stored = await self._reference_for(user_id)
        if stored is None:
            raise Unreachable([user_id])
        if stored.scope == PERSONAL:
            return await self.send(stored.reference, card)
        return await self._open_and_send(user_id, stored, card)

    async def _open_and_send(self, user_id: str, stored: Stored, card: Card) -> Sent:
        """Create the 1:1 chat with a roster member, remember it, and post the card."""
        member, tenant = stored.reference.user, stored.tenant_id or ""
        parameters = ConversationParameters(
            is_group=False,
            bot=stored.reference.bot,
            members=[ChannelAccount(id=member.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        sent = Sent("", "")

        async def created(turn: TurnContext) -> None:
            nonlocal sent
            conversation_id = str(turn.activity.conversation.id)
            response = await connector(turn).conversations.send_to_conversation(
                conversation_id, message(card)
            )
            sent = Sent(conversation_id, str(response.id) if response else "")

        await self._adapter.create_conversation(
            self._app_id,
            created,
            parameters,
            stored.reference.channel_id,
            stored.reference.service_url,
            None,
        )
        await self._remember_personal(user_id, stored, sent.channel)
        return sent

    async def _remember_personal(self, user_id: str, stored: Stored, conversation_id: str) -> None:
        reference = Reference(
            user=stored.reference.user,
            bot=stored.reference.bot,
            conversation=ConversationAccount(
                id=conversation_id, tenant_id=stored.tenant_id, conversation_type=PERSONAL
            ),
            channel_id=stored.reference.channel_id,
            service_url=stored.reference.service_url,
        )
        async with self._uow() as uow:
            person = await uow.people.by_identity(TEAMS, user_id)
            await self.references.save(
                uow,
                conversation_id,
                reference,
                scope=PERSONAL,
                tenant_id=stored.tenant_id,
                person_id=person.id if person else None,
            )
            await uow.commit()

    async def _continue(
        self, reference: Reference, logic: Callable[[TurnContext], Awaitable[None]]
    ) -> None:
        await self._adapter.continue_conversation(reference, logic, self._app_id)


def message(card: Card) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=card.summary,
        attachments=[Attachment(content_type=adaptive_cards.CONTENT_TYPE, content=card.content)],
    )


def connector(turn: TurnContext) -> ConnectorClient:
    client: ConnectorClient = turn.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
    return client
