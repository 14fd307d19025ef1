"""Where Learnlink can write in Teams: stored conversation references.

Teams lets a bot write only where it has been: a 1:1 chat someone opened or
that the bot created, a channel of a team it was added to, a group chat it
is in. Each of those is a botbuilder ConversationReference, stored as JSON in
`conversation_references`, keyed by conversation id:

- `personal`: a person's 1:1 chat with the bot (person_id set);
- `channel` / `groupChat`: a channel (team_id set) or a group chat;
- `member`: someone seen in a team's roster who has no 1:1 chat yet, keyed
  `member:<AAD object id>`; its reference holds their `29:` id, the tenant
  and the service URL, all it takes to create that 1:1 chat when needed.

This is storage for the Teams adapter only (the use cases never see it), so
it works on the SQL unit of work's session directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botbuilder.schema import ChannelAccount, ConversationAccount
from botbuilder.schema import ConversationReference as Reference
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.domain.model import ConversationReference
from bot.domain.ports import Clock
from bot.storage import tables as t
from bot.storage.unit_of_work import SqlUnitOfWork

PERSONAL, CHANNEL, GROUP_CHAT, MEMBER = "personal", "channel", "groupChat", "member"


@dataclass(frozen=True)
class Stored:
    scope: str
    reference: Reference
    tenant_id: str | None


def member_key(user_id: str) -> str:
    return f"member:{user_id}"


def member_reference(member: ChannelAccount, seen_in: Reference, tenant_id: str) -> Reference:
    """How to reach a roster member: who they are, plus where the bot met them."""
    return Reference(
        user=ChannelAccount(id=member.id, name=member.name, aad_object_id=member.aad_object_id),
        bot=seen_in.bot,
        conversation=ConversationAccount(
            id=seen_in.conversation.id if seen_in.conversation else None, tenant_id=tenant_id
        ),
        channel_id=seen_in.channel_id,
        service_url=seen_in.service_url,
    )


class ReferenceStore:
    def __init__(self, uow: Callable[[], SqlUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def save(
        self,
        uow: SqlUnitOfWork,
        key: str,
        reference: Reference,
        *,
        scope: str,
        tenant_id: str | None,
        person_id: int | None = None,
        team_id: str | None = None,
    ) -> None:
        """Insert or refresh, in the caller's transaction (the caller commits)."""
        session = uow.session
        found = await session.scalar(select(ConversationReference).filter_by(conversation_id=key))
        data = reference.serialize()
        if found is None:
            row = ConversationReference(
                conversation_id=key,
                scope=scope,
                reference=data,
                person_id=person_id,
                tenant_id=tenant_id,
                team_id=team_id,
                updated_at=self._clock.now(),
            )
            try:
                async with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # saved by a concurrent activity: refresh it instead
                found = await session.scalar(
                    select(ConversationReference).filter_by(conversation_id=key)
                )
        if found is not None:
            found.scope, found.reference = scope, data
            found.person_id = person_id or found.person_id
            found.tenant_id = tenant_id or found.tenant_id
            found.team_id = team_id or found.team_id
            found.updated_at = self._clock.now()

    async def for_conversation(self, conversation_id: str) -> Stored | None:
        async with self._uow() as uow:
            row = await uow.session.scalar(
                select(ConversationReference).filter_by(conversation_id=conversation_id)
            )
            return _stored(row) if row is not None else None

    async def for_person(self, person_id: int) -> Stored | None:
        """Their 1:1 chat if the bot has one, else how to start it (a roster entry)."""
        async with self._uow() as uow:
            rows = (
                await uow.session.scalars(
                    select(ConversationReference)
                    .filter_by(person_id=person_id)
                    .where(t.conversation_references.c.scope.in_((PERSONAL, MEMBER)))
                )
            ).all()
        for scope in (PERSONAL, MEMBER):
            for row in rows:
                if row.scope == scope:
                    return _stored(row)
        return None


def _stored(row: ConversationReference) -> Stored:
    return Stored(row.scope, Reference().deserialize(row.reference), row.tenant_id)
