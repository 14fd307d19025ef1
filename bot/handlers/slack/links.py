"""Permalinks to messages, without a chat.getPermalink call per message.

Every channel message is a potential question, and the DM to an expert links
to it. A Slack permalink is the workspace URL, the channel and the ts without
its dot, so one auth.test per workspace (cached for the process) replaces a
Web API call per message; chat.getPermalink is the fallback when auth.test
gives no URL.
"""

from __future__ import annotations

from bot.handlers.slack.client import WorkspaceClients


class Permalinks:
    def __init__(self, clients: WorkspaceClients) -> None:
        self._clients = clients
        self._urls: dict[str, str] = {}

    async def to(self, team_id: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
        base = await self._workspace_url(team_id)
        if not base:
            client = await self._clients.for_team(team_id)
            response = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
            return str(response["permalink"])
        link = f"{base}archives/{channel_id}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    async def _workspace_url(self, team_id: str) -> str:
        if team_id not in self._urls:
            client = await self._clients.for_team(team_id)
            url = str((await client.auth_test()).get("url") or "")
            self._urls[team_id] = url if not url or url.endswith("/") else url + "/"
        return self._urls[team_id]
