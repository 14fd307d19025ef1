"""Keep people in step with Slack: users.info (cached), team_join, user_change.

Routing must never DM a deactivated account, a bot or (unless allowed) a
guest, and must know each person's timezone; all of that comes from Slack's
user object. Looking a user up on every message would burn the users.info
rate limit, so a lookup is cached per user for a while; team_join and
user_change refresh the person as soon as Slack tells us.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.handlers.context import Context
from bot.handlers.events import ChatUser
from bot.handlers.people import sync_user
from bot.handlers.slack.client import WorkspaceClients
from bot.handlers.slack.translate import chat_user

log = logging.getLogger("learnlink.slack.people")
CACHE_SECONDS = 3600.0


class SlackPeople:
    def __init__(
        self,
        ctx: Context,
        clients: WorkspaceClients,
        *,
        ttl: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ctx = ctx
        self._clients = clients
        self._ttl = ttl
        self._monotonic = monotonic
        self._fresh_until: dict[tuple[str, str], float] = {}

    async def ensure(self, team_id: str, user_id: str) -> None:
        """Sync the user from users.info unless we did so recently."""
        if self._fresh_until.get((team_id, user_id), 0.0) > self._monotonic():
            return
        client = await self._clients.for_team(team_id)
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return
        await self.sync(chat_user(response["user"], team_id))

    async def sync(self, user: ChatUser) -> None:
        async with self._ctx.uow() as uow:
            await sync_user(
                uow, user, link_by_email=self._ctx.settings.organisation.link_identities_by_email
            )
            await uow.commit()
        self._fresh_until[(user.workspace_id, user.user_id)] = self._monotonic() + self._ttl
