"""What every use case needs, handed over in one object built by bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.expertise import ExpertiseService
from bot.handlers.gateway import ChatGateway
from bot.settings import Settings


@dataclass
class Context:
    settings: Settings
    uow: Callable[[], UnitOfWork]
    clock: Clock
    expertise: ExpertiseService
    gateways: Mapping[str, ChatGateway] = field(default_factory=dict)

    def gateway(self, platform: str) -> ChatGateway | None:
        return self.gateways.get(platform)
