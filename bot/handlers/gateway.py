"""The chat port the use cases talk through; Slack and Teams each implement it.

It lives with the use cases rather than in bot.domain because it speaks in
views (bot.rendering), which the pure domain does not know about. Every call
that posts something carries an idempotency key: the gateway records it in
the deliveries table and never sends the same key twice, which is what keeps
a retried event or a restarted process from double-pinging an expert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.rendering.views import (
    CheckIn,
    ExpertAsk,
    ExpertList,
    Home,
    Notice,
    PairIntro,
    ProfileForm,
)

View = ExpertAsk | Notice | ExpertList | ProfileForm | Home | PairIntro | CheckIn


@dataclass(frozen=True)
class Sent:
    """Where a message landed, so it can be updated or threaded on later."""

    channel: str
    message_id: str


class ChatGateway(Protocol):
    platform: str

    async def send_direct(
        self, workspace_id: str, user_ids: Sequence[str], view: View, *, key: str
    ) -> Sent:
        """DM one person, or open a group DM with several, and post the view."""
        ...

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        view: View,
        *,
        key: str,
        thread_id: str | None = None,
    ) -> Sent:
        """Post in a channel, or in a thread when thread_id is given."""
        ...

    async def channel_members(self, workspace_id: str, channel_id: str) -> list[str]:
        """User ids of a channel's members (a pairing programme's participants)."""
        ...

    async def post_ephemeral(
        self, workspace_id: str, channel_id: str, user_id: str, view: View
    ) -> None:
        """A message only `user_id` sees (a note to the asker, a command reply)."""
        ...
