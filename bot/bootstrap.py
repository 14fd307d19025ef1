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

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.ports import Clock
from bot.settings import Settings
from bot.storage.engine import create_engine, session_factory
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

    async def database_status(self) -> str:
        """'ok', or what went wrong, for /healthz and doctor."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            return f"unreachable: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        return "ok"

    async def close(self) -> None:
        await self.engine.dispose()


async def bootstrap(
    settings: Settings, *, migrate: bool = True, clock: Clock | None = None
) -> Services:
    database = settings.database
    engine = create_engine(settings.database_url, echo=database.echo, schema=database.schema_name)
    if migrate:
        await upgrade(engine, schema=database.schema_name)
    sessions = session_factory(engine)
    return Services(
        settings=settings,
        engine=engine,
        uow=lambda: SqlUnitOfWork(sessions),
        clock=clock or SystemClock(),
    )
