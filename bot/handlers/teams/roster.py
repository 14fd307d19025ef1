"""People from Teams rosters: names, AAD ids and emails, and how to reach each one.

When the bot joins a team or a chat (and when people join one it is in), the
conversation's members are paged through TeamsInfo and each becomes a person
through the same `sync_user` the Slack adapter uses, so someone on both
platforms can end up as one profile (by email, when the setting allows).
Each member's `29:` id is kept as a `member` reference: the bot can then open
a 1:1 chat with them later, when routing first wants to ask them something.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import ChannelAccount
from botbuilder.schema import ConversationReference as Reference

from bot.handlers.people import sync_user
from bot.handlers.teams.references import MEMBER, ReferenceStore, member_key, member_reference
from bot.handlers.teams.translate import chat_user, is_bot_account
from bot.settings import Settings
from bot.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger("learnlink.teams.roster")
PAGE_SIZE = 500  # Teams' maximum
MAX_PAGES = 200  # 100k members: a safety stop, not a limit anyone should meet


async def sync_roster(
    turn: TurnContext,
    *,
    team_id: str | None,
    tenant_id: str,
    uow: Callable[[], SqlUnitOfWork],
    references: ReferenceStore,
    settings: Settings,
) -> int:
    """Page the team's (or chat's) members into people; returns how many were synced."""
    seen_in = TurnContext.get_conversation_reference(turn.activity)
    synced = 0
    async for page in pages(turn, team_id):
        synced += await sync_members(page, seen_in, tenant_id, uow, references, settings)
    log.info("teams: synced %d members of %s", synced, team_id or seen_in.conversation.id)
    return synced


async def pages(turn: TurnContext, team_id: str | None) -> AsyncIterator[list[ChannelAccount]]:
    """The members of the team, or else of the turn's conversation, a page at a time."""
    if turn.activity.channel_data is None:
        turn.activity.channel_data = {}  # TeamsInfo reads it; a proactive turn has none
    token: str | None = None
    for _ in range(MAX_PAGES):
        if team_id:
            page = await TeamsInfo.get_paged_team_members(turn, team_id, token, PAGE_SIZE)
        else:
            page = await TeamsInfo.get_paged_members(turn, token, PAGE_SIZE)
        yield list(page.members or [])
        token = page.continuation_token
        if not token:
            return


async def sync_members(
    members: list[ChannelAccount],
    seen_in: Reference,
    tenant_id: str,
    uow: Callable[[], SqlUnitOfWork],
    references: ReferenceStore,
    settings: Settings,
) -> int:
    link = settings.organisation.link_identities_by_email
    synced = 0
    async with uow() as work:
        for member in members:
            user = chat_user(member, tenant_id)
            if user is None or is_bot_account(member):
                continue
            person = await sync_user(work, user, link_by_email=link)
            await references.save(
                work,
                member_key(user.user_id),
                member_reference(member, seen_in, tenant_id),
                scope=MEMBER,
                tenant_id=tenant_id,
                person_id=person.id,
            )
            synced += 1
        await work.commit()
    return synced
