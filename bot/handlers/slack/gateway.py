"""The ChatGateway port over Slack's Web API, sending each idempotency key once.

Before a message goes out its key is claimed in the deliveries table (a
unique key, committed first); a second send with the same key, from a retried
event, a repeated routing pass or another replica, finds the claim and sends
nothing. If the send fails the claim is released so a later retry can send it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.model import Delivery, Platform
from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.gateway import Sent, View
from bot.handlers.slack.client import WorkspaceClients
from bot.rendering.blockkit import render

log = logging.getLogger("learnlink.slack.gateway")
Send = Callable[[AsyncWebClient], Awaitable[Sent]]
# chat.postEphemeral needs the bot in the channel; without it, say it in a DM.
NOT_IN_CHANNEL = {"channel_not_found", "not_in_channel", "is_archived"}


class SlackGateway:
    platform = str(Platform.SLACK)

    def __init__(
        self, clients: WorkspaceClients, uow: Callable[[], UnitOfWork], clock: Clock
    ) -> None:
        self._clients = clients
        self._uow = uow
        self._clock = clock

    async def send_direct(
        self, workspace_id: str, user_ids: Sequence[str], view: View, *, key: str
    ) -> Sent:
        async def send(client: AsyncWebClient) -> Sent:
            return await _post(client, await _open(client, user_ids), view)

        return await self._once(key, workspace_id, send)

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        view: View,
        *,
        key: str,
        thread_id: str | None = None,
    ) -> Sent:
        async def send(client: AsyncWebClient) -> Sent:
            return await _post(client, channel_id, view, thread_id)

        return await self._once(key, workspace_id, send)

    async def post_ephemeral(
        self, workspace_id: str, channel_id: str, user_id: str, view: View
    ) -> None:
        client = await self._clients.for_team(workspace_id)
        message = render(view)
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_IN_CHANNEL:
                raise
            await _post(client, await _open(client, [user_id]), view)

    async def channel_members(self, workspace_id: str, channel_id: str) -> list[str]:
        """Every member of a channel (a pairing programme's), following Slack's cursors."""
        client = await self._clients.for_team(workspace_id)
        members: list[str] = []
        pages = await client.conversations_members(channel=channel_id, limit=200)
        async for page in pages:
            members.extend(str(m) for m in page.get("members") or [])
        return members

    async def _once(self, key: str, workspace_id: str, send: Send) -> Sent:
        claimed, earlier = await self._claim(key)
        if not claimed:
            log.info("not sending %s again", key)
            return earlier
        try:
            sent = await send(await self._clients.for_team(workspace_id))
        except BaseException:
            await self._release(key)
            raise
        await self._record(key, sent)
        return sent

    async def _claim(self, key: str) -> tuple[bool, Sent]:
        async with self._uow() as uow:
            delivery = Delivery(key=key, platform=self.platform, sent_at=self._clock.now())
            if await uow.deliveries.claim(delivery):
                await uow.commit()
                return True, Sent("", "")
            earlier = await uow.deliveries.get(key)
            # Channel and message are empty while the first send is still in flight.
            channel = (earlier.channel if earlier else None) or ""
            message_id = (earlier.message_id if earlier else None) or ""
        return False, Sent(channel, message_id)

    async def _release(self, key: str) -> None:
        async with self._uow() as uow:
            await uow.deliveries.release(key)
            await uow.commit()

    async def _record(self, key: str, sent: Sent) -> None:
        async with self._uow() as uow:
            delivery = await uow.deliveries.get(key)
            if delivery is not None:
                delivery.channel, delivery.message_id = sent.channel, sent.message_id
                await uow.commit()


async def _open(client: AsyncWebClient, user_ids: Sequence[str]) -> str:
    response = await client.conversations_open(users=",".join(user_ids))
    return str(response["channel"]["id"])


async def _post(
    client: AsyncWebClient, channel: str, view: View, thread_id: str | None = None
) -> Sent:
    message = render(view)
    response = await client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        thread_ts=thread_id,
        unfurl_links=False,
    )
    return Sent(str(response["channel"]), str(response["ts"]))
