"""The ChatGateway port over Slack's Web API, sending each idempotency key once
(see bot.handlers.deliveries)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.model import Platform
from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.deliveries import Once
from bot.handlers.gateway import Sent, View
from bot.handlers.slack.client import WorkspaceClients
from bot.rendering.blockkit import render

log = logging.getLogger("learnlink.slack.gateway")
Send = Callable[[AsyncWebClient], Awaitable[Sent]]
# chat.postEphemeral needs the bot in the channel; without it, say it in a DM.
NOT_IN_CHANNEL = {"channel_not_found", "not_in_channel", "is_archived"}
DM_CHANNELS_KEPT = 10_000


class SlackGateway:
    platform = str(Platform.SLACK)

    def __init__(
        self, clients: WorkspaceClients, uow: Callable[[], UnitOfWork], clock: Clock
    ) -> None:
        self._clients = clients
        self._sent_once = Once(self.platform, uow, clock)
        self._dm_channels = DmChannels()

    async def send_direct(
        self, workspace_id: str, user_ids: Sequence[str], view: View, *, key: str
    ) -> Sent:
        async def send(client: AsyncWebClient) -> Sent:
            users = ",".join(user_ids)
            known = self._dm_channels.get(workspace_id, users)
            if known:
                try:
                    return await _post(client, known, view)
                except SlackApiError as exc:
                    if exc.response.get("error") not in NOT_IN_CHANNEL:
                        raise
                    self._dm_channels.forget(workspace_id, users)
            channel = await _open(client, user_ids)
            self._dm_channels.keep(workspace_id, users, channel)
            return await _post(client, channel, view)

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
        async def attempt() -> Sent:
            return await send(await self._clients.for_team(workspace_id))

        return await self._sent_once(key, attempt)


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


class DmChannels:
    """The DM channel of each user (or group of users) the bot has written to.

    A DM's channel id does not change, so it is opened once instead of before
    every message: conversations.open is a Tier 3 method (about 50 calls a
    minute), and two asks a question would spend it fast. The most recently
    used `DM_CHANNELS_KEPT` are kept; a channel Slack no longer knows is
    forgotten and opened again.
    """

    def __init__(self, size: int = DM_CHANNELS_KEPT) -> None:
        self._size = size
        self._channels: OrderedDict[tuple[str, str], str] = OrderedDict()

    def get(self, workspace_id: str, users: str) -> str | None:
        channel = self._channels.get((workspace_id, users))
        if channel is not None:
            self._channels.move_to_end((workspace_id, users))
        return channel

    def keep(self, workspace_id: str, users: str, channel: str) -> None:
        self._channels[(workspace_id, users)] = channel
        self._channels.move_to_end((workspace_id, users))
        while len(self._channels) > self._size:
            self._channels.popitem(last=False)

    def forget(self, workspace_id: str, users: str) -> None:
        self._channels.pop((workspace_id, users), None)
