"""Fakes of our own ports: a clock the test moves, a chat gateway that records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.handlers.gateway import Sent, View


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@dataclass(frozen=True)
class Message:
    kind: str  # "direct", "post", "ephemeral"
    workspace: str
    targets: tuple[str, ...]
    view: View
    key: str | None = None
    thread_id: str | None = None


@dataclass
class FakeGateway:
    """Records what would be sent; like the real gateways, sends each key once."""

    platform: str = "slack"
    sent: list[Message] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    fail_next: int = 0
    members: dict[str, list[str]] = field(default_factory=dict)

    async def send_direct(
        self, workspace_id: str, user_ids: Sequence[str], view: View, *, key: str
    ) -> Sent:
        return self._record(Message("direct", workspace_id, tuple(user_ids), view, key))

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        view: View,
        *,
        key: str,
        thread_id: str | None = None,
    ) -> Sent:
        return self._record(Message("post", workspace_id, (channel_id,), view, key, thread_id))

    async def channel_members(self, workspace_id: str, channel_id: str) -> list[str]:
        return list(self.members.get(channel_id, []))

    async def post_ephemeral(
        self, workspace_id: str, channel_id: str, user_id: str, view: View
    ) -> None:
        self._record(Message("ephemeral", workspace_id, (channel_id, user_id), view))

    def _record(self, message: Message) -> Sent:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("chat platform unavailable")
        if message.key is None or message.key not in self.keys:
            self.sent.append(message)
            if message.key:
                self.keys.add(message.key)
        return Sent("D" + message.targets[0], f"{len(self.sent)}.0001")

    def directs(self) -> list[Message]:
        return [m for m in self.sent if m.kind == "direct"]

    def asked(self) -> list[str]:
        """User ids DMed an ask, in order."""
        return [m.targets[0] for m in self.directs()]
