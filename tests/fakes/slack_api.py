"""The local Slack Web API as a pytest fixture (the server lives in bot.localslack)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.localslack.api import Call, FakeSlackApi, FakeUser, serve

__all__ = ["Call", "FakeSlackApi", "FakeUser", "serve", "slack_api"]


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    """A running fake Slack API with one workspace (T1, token xoxb-t1) and no users."""
    api = FakeSlackApi()
    api.add_workspace("T1", "xoxb-t1", name="Acme")
    runner = await serve(api)
    yield api
    await runner.cleanup()
