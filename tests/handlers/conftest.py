"""A small organisation on a fresh SQLite file, a fake clock and a recording gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import Services, bootstrap
from bot.handlers.events import MessagePosted
from bot.handlers.people_import import import_people
from tests.conftest import make_settings
from tests.fakes.chat import FakeClock, FakeGateway

World = tuple[Services, FakeGateway, FakeClock]

WEDNESDAY_10_UTC = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
PEOPLE = [
    # name, slack id, timezone, knows, wants to learn
    ("Asker", "UASK", "Europe/London", "", "terraform"),
    ("Tess Terraform", "UTF", "Europe/London", "terraform;aws", ""),
    ("Kim Kube", "UK8S", "Europe/London", "kubernetes;helm", ""),
    ("Tom Terraform", "UTF2", "Europe/London", "terraform", ""),
    ("Sam Sydney", "USYD", "Australia/Sydney", "postgresql", ""),
    ("Fin Figma", "UFIG", "Europe/London", "figma", ""),
]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = FakeClock(WEDNESDAY_10_UTC)
    services = await bootstrap(
        make_settings(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'routing.db'}",
            LEARNLINK_ROUTING__ASKS_AT_ONCE="1",
        ),
        clock=clock,
    )
    rows = [
        (n, {"name": name, "slack_user_id": uid, "timezone": tz, "knows": k, "wants_to_learn": w})
        for n, (name, uid, tz, k, w) in enumerate(PEOPLE, start=2)
    ]
    async with services.uow() as uow:
        await import_people(uow, rows)
    async with services.uow() as uow:
        await services.context.expertise.rebuild(uow)
    gateway = FakeGateway()
    services.context.gateways = {"slack": gateway}
    yield services, gateway, clock
    await services.close()


def message(text: str, ts: str = "100.1", **fields: object) -> MessagePosted:
    base: dict[str, object] = {
        "platform": "slack",
        "workspace_id": "T1",
        "channel_id": "CPLAT",
        "user_id": "UASK",
        "text": text,
        "message_id": ts,
        "permalink": f"https://acme.slack.com/archives/CPLAT/p{ts.replace('.', '')}",
    }
    return MessagePosted(**{**base, **fields})  # type: ignore[arg-type]
