"""The SQLAlchemy unit of work: one session, every repository, explicit commit."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import repositories as repos


class SqlUnitOfWork:
    """Rolls back whatever was not committed when the block ends.

    Closing (rather than an explicit rollback) discards uncommitted work
    without expiring the objects already loaded, so a use case may still read
    what it loaded after the block.
    """

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        session = self._sessions()
        self._session = session
        self.workspaces = repos.SqlWorkspaceRepository(session)
        self.people = repos.SqlPeopleRepository(session)
        self.topics = repos.SqlTopicRepository(session)
        self.evidence = repos.SqlEvidenceRepository(session)
        self.channels = repos.SqlChannelRepository(session)
        self.questions = repos.SqlQuestionRepository(session)
        self.referrals = repos.SqlReferralRepository(session)
        self.programs = repos.SqlProgramRepository(session)
        self.inbox = repos.SqlInboxRepository(session)
        self.deliveries = repos.SqlDeliveryRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.close()
        finally:
            self._session = None

    @property
    def session(self) -> AsyncSession:
        """For storage-level code (migrations checks, dashboards); use cases use repos."""
        assert self._session is not None, "use the unit of work in an async with block"
        return self._session

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
