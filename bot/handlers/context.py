"""What every use case needs, handed over in one object built by bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.domain.model import Program
from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.expertise import ExpertiseService
from bot.handlers.gateway import ChatGateway
from bot.metrics import Metrics
from bot.settings import Settings


@dataclass
class Context:
    settings: Settings
    uow: Callable[[], UnitOfWork]
    clock: Clock
    expertise: ExpertiseService
    gateways: Mapping[str, ChatGateway] = field(default_factory=dict)
    program_listeners: list[Callable[[Program], None]] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)

    def gateway(self, platform: str) -> ChatGateway | None:
        return self.gateways.get(platform)

    def on_program_change(self, program: Program) -> None:
        """Tell the scheduler (if running) to rebuild this programme's job."""
        for listener in self.program_listeners:
            listener(program)
