"""The one place where everything is wired together.

Nothing is built at import time: the command line and the tests call
`bootstrap(settings)` and get the services, ready to use, back. Tests pass
their own settings (and fakes of our ports) instead of patching the
environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import yaml
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.ports import Clock
from bot.handlers.context import Context
from bot.handlers.expertise import ExpertiseService
from bot.handlers.gateway import ChatGateway
from bot.matching.catalog import catalog_from_dict
from bot.matching.expertise import EvidenceWeights
from bot.matching.text import Analyzer
from bot.metrics import Metrics
from bot.settings import Settings, SettingsError
from bot.storage.engine import create_engine, session_factory
from bot.storage.inbox_log import SqlInboxLog
from bot.storage.migrate import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    uow: Callable[[], SqlUnitOfWork]
    clock: Clock
    context: Context
    inbox_log: SqlInboxLog

    @property
    def metrics(self) -> Metrics:
        """One Metrics per process: the web app exposes it, use cases and jobs record in it."""
        return self.context.metrics

    async def database_status(self) -> str:
        """'ok', or what went wrong, for /healthz and doctor."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            return f"unreachable: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        return "ok"

    async def close(self) -> None:
        self.inbox_log.close()
        await self.engine.dispose()


async def bootstrap(
    settings: Settings, *, migrate: bool = True, clock: Clock | None = None
) -> Services:
    database = settings.database
    engine = create_engine(settings.database_url, echo=database.echo, schema=database.schema_name)
    if migrate:
        await upgrade(engine, schema=database.schema_name)
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    expertise = build_expertise(settings)
    context = Context(settings, lambda: SqlUnitOfWork(sessions), clock, expertise, {})
    if migrate:
        async with context.uow() as uow:
            await expertise.rebuild(uow)
    return Services(
        settings, engine, lambda: SqlUnitOfWork(sessions), clock, context, SqlInboxLog(engine)
    )


def build_expertise(settings: Settings) -> ExpertiseService:
    """The analyser (with the topic catalogue) and evidence weights from settings."""
    path = settings.expertise.topics_path()
    try:
        catalog = catalog_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"expertise.topics_file: cannot read {path}: {exc}") from None
    expertise = settings.expertise
    weights = EvidenceWeights(
        declared=expertise.weight_declared,
        answer=expertise.weight_answer,
        resolved_answer=expertise.weight_resolved_answer,
        reaction=expertise.weight_reaction,
        not_me=expertise.weight_not_me,
        half_life_days=expertise.half_life_days,
    )
    return ExpertiseService(Analyzer(catalog.synonyms, catalog.topics), weights)


def add_gateway(services: Services, gateway: ChatGateway) -> None:
    """Platforms register their gateway once connected (Slack, Teams)."""
    services.context.gateways = {**services.context.gateways, gateway.platform: gateway}
