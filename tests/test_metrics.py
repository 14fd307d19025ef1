"""/metrics parses and moves when things happen; /readyz tells ready from not ready."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap import Services, bootstrap
from bot.domain.model import InboxEvent
from bot.metrics import METRICS, Metrics
from bot.settings import Settings
from bot.web import create_web_app
from tests.conftest import make_settings, sqlite_settings

Client = TestClient[web.Request, web.Application]
TOKEN = "metrics-token-31c7"


def with_token(settings: Settings) -> Settings:
    secrets = settings.secrets.model_copy(update={"admin_token": TOKEN})
    return settings.model_copy(update={"secrets": secrets})


async def start(services: Services) -> Client:
    client: Client = TestClient(TestServer(create_web_app(services), host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def client(services: Services) -> AsyncIterator[Client]:
    http = await start(services)
    yield http
    await http.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample by (name, sorted labels); parsing fails loudly on a malformed exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(
    client: Client, **headers: str
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return samples(await response.text())


async def test_metrics_parse_and_count_events(client: Client) -> None:
    before = await scrape(client)
    key = ("learnlink_events_received_total", (("platform", "slack"),))
    assert before[key] == 0  # known platforms start at zero, not missing
    metrics = client.app[METRICS]
    metrics.events_received.labels("slack").inc()
    metrics.events_received.labels("slack").inc()
    metrics.events_acked.labels("slack").inc()
    metrics.ack_seconds.labels("slack").observe(0.02)
    metrics.routing_seconds.observe(0.3)
    metrics.referrals.labels("declined").inc()
    metrics.api_retries.labels("teams").inc()
    after = await scrape(client)
    assert after[key] == 2
    assert after[("learnlink_events_acked_total", (("platform", "slack"),))] == 1
    assert after[("learnlink_ack_seconds_count", (("platform", "slack"),))] == 1
    assert after[("learnlink_ack_seconds_bucket", (("le", "0.025"), ("platform", "slack")))] == 1
    assert after[("learnlink_routing_seconds_sum", ())] == pytest.approx(0.3)
    assert after[("learnlink_referrals_total", (("outcome", "declined"),))] == 1
    assert after[("learnlink_api_retries_total", (("platform", "teams"),))] == 1


async def test_memory_is_exported_as_resident_bytes_and_python_blocks(client: Client) -> None:
    before = await scrape(client)
    held = [object() for _ in range(50_000)]  # live objects the blocks gauge must see
    after = await scrape(client)
    assert after[("process_resident_memory_bytes", ())] > 10 * 2**20
    blocks = ("learnlink_python_allocated_blocks", ())
    assert after[blocks] - before[blocks] >= len(held)


async def test_requests_are_counted_by_route(client: Client) -> None:
    for _ in range(3):
        assert (await client.get("/healthz")).status == 200
    assert (await client.get("/no/such/path")).status == 404
    found = await scrape(client)
    ok = ("learnlink_http_requests_total", (("method", "GET"), ("route", "/healthz"),
                                            ("status", "200")))  # fmt: skip
    assert found[ok] == 3
    missing = ("learnlink_http_requests_total", (("method", "GET"), ("route", "unmatched"),
                                                 ("status", "404")))  # fmt: skip
    assert found[missing] == 1
    assert found[("learnlink_http_request_seconds_count", (("route", "/healthz"),))] == 3


async def test_inbox_backlog_is_counted_on_scrape(client: Client, services: Services) -> None:
    async with services.uow() as uow:
        for n, (platform, state) in enumerate(
            [("slack", "pending"), ("slack", "pending"), ("teams", "failed"), ("slack", "done")]
        ):
            await uow.inbox.record(InboxEvent(platform, f"E{n}", "message", {}, state=state))
        await uow.commit()
    found = await scrape(client)
    assert found[("learnlink_inbox_backlog", (("platform", "slack"), ("state", "pending")))] == 2
    assert found[("learnlink_inbox_backlog", (("platform", "teams"), ("state", "failed")))] == 1
    assert found[("learnlink_inbox_backlog", (("platform", "teams"), ("state", "pending")))] == 0
    assert found[("learnlink_database_up", ())] == 1
    assert not any(labels == (("platform", "slack"), ("state", "done")) for _, labels in found)


def test_scheduler_jobs_count_runs_and_failures() -> None:
    metrics = Metrics()
    with metrics.scheduler_job("digest"):
        pass
    with pytest.raises(RuntimeError), metrics.scheduler_job("digest"):
        raise RuntimeError("boom")
    found = samples(metrics.render().decode())
    assert found[("learnlink_scheduler_job_runs_total", (("job", "digest"),))] == 2
    assert found[("learnlink_scheduler_job_failures_total", (("job", "digest"),))] == 1


def test_each_app_has_its_own_registry() -> None:
    one, two = Metrics(), Metrics()  # a global registry would raise "Duplicated timeseries"
    one.api_errors.labels("slack").inc()
    assert (
        samples(two.render().decode())[("learnlink_api_errors_total", (("platform", "slack"),))]
        == 0
    )


async def test_metrics_need_the_bearer_token_when_one_is_set(tmp_path: Path) -> None:
    services = await bootstrap(with_token(sqlite_settings(tmp_path / "m.db")))
    client = await start(services)
    try:
        refused = await client.get("/metrics")
        assert refused.status == 401
        assert "learnlink_" not in await refused.text()
        assert (await client.get("/metrics", headers={"Authorization": "Bearer no"})).status == 401
        found = await scrape(client, Authorization=f"Bearer {TOKEN}")
        assert ("learnlink_database_up", ()) in found
    finally:
        await client.close()
        await services.close()


async def test_readyz_is_200_on_a_migrated_database(client: Client) -> None:
    response = await client.get("/readyz")
    body = await response.json()
    assert response.status == 200
    assert body["status"] == "ready"
    assert body["database"] == "ok" and body["migrations"] == "current"
    assert set(body["platforms"]) == {"slack", "teams"}
    assert body["platforms"]["slack"]["configured"] is False


async def test_readyz_is_503_before_migrations(tmp_path: Path) -> None:
    services = await bootstrap(sqlite_settings(tmp_path / "fresh.db"), migrate=False)
    client = await start(services)
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["database"] == "ok"
        assert body["migrations"].startswith("behind")
    finally:
        await client.close()
        await services.close()


async def test_readyz_is_503_when_the_database_is_down() -> None:
    settings = make_settings(
        DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
    )
    services = await bootstrap(settings, migrate=False)
    client = await start(services)
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["database"].startswith("unreachable")
        assert body["platforms"]["slack"] == {
            "configured": True,
            "status": "ok",
            "message": body["platforms"]["slack"]["message"],
        }
        scraped = await client.get("/metrics")
        assert samples(await scraped.text())[("learnlink_database_up", ())] == 0
    finally:
        await client.close()
        await services.close()
