"""Operational metrics: one `Metrics` object per app, on its own Prometheus registry.

A registry per object, not prometheus-client's global one, so that several
apps in one process (tests, the demo next to a server) never collide on a
metric name, and a scrape shows only this app's numbers.

Platform code records what happens with plain prometheus-client calls:

    metrics.events_received.labels("slack").inc()
    with metrics.ack_seconds.labels("slack").time(): ...
    metrics.referrals.labels("declined").inc()
    metrics.api_errors.labels("teams").inc()
    with metrics.scheduler_job("digest"): ...      # counts runs and failures

`bot.web.create_web_app` puts the app's instance at `web_app[METRICS]` before
the platforms are mounted, so their mount functions can pick it up. The HTTP
side (/metrics, the request middleware) is in bot.admin.ops.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

PLATFORMS = ("slack", "teams")
REFERRAL_OUTCOMES = ("asked", "accepted", "declined", "snoozed", "expired", "helped")
# Slack wants its HTTP answer within 3 s; the buckets resolve that range well.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
ROUTING_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass(frozen=True)
class AckMeters:
    received: Counter
    acked: Counter
    seconds: Histogram


class Metrics:
    """Every metric Learnlink exports; attributes are prometheus-client metrics."""

    def __init__(self) -> None:
        self._acks: dict[str, AckMeters] = {}
        self._http: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events_received = Counter(
            "learnlink_events_received",
            "Platform events received (before deduplication)",
            ["platform"],
            registry=r,
        )
        self.events_acked = Counter(
            "learnlink_events_acked", "Platform events acknowledged", ["platform"], registry=r
        )
        self.ack_seconds = Histogram(
            "learnlink_ack_seconds",
            "Time from receiving an event to acknowledging it",
            ["platform"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.routing_seconds = Histogram(
            "learnlink_routing_seconds",
            "Time to rank experts for one question",
            buckets=ROUTING_BUCKETS,
            registry=r,
        )
        self.referrals = Counter(
            "learnlink_referrals",
            "Referrals by outcome (asked, accepted, declined, snoozed, expired, helped)",
            ["outcome"],
            registry=r,
        )
        self.api_errors = Counter(
            "learnlink_api_errors",
            "Errors from the Slack Web API or the Bot Connector",
            ["platform"],
            registry=r,
        )
        self.api_retries = Counter(
            "learnlink_api_retries",
            "Retried Slack or Teams API calls (rate limits, server errors)",
            ["platform"],
            registry=r,
        )
        self.scheduler_runs = Counter(
            "learnlink_scheduler_job_runs", "Scheduled job runs", ["job"], registry=r
        )
        self.scheduler_failures = Counter(
            "learnlink_scheduler_job_failures",
            "Scheduled job runs that failed",
            ["job"],
            registry=r,
        )
        self.inbox_backlog = Gauge(
            "learnlink_inbox_backlog",
            "Inbox events not yet processed (computed on scrape)",
            ["platform", "state"],
            registry=r,
        )
        self.database_up = Gauge(
            "learnlink_database_up", "1 when the last scrape could query the database", registry=r
        )
        self.http_requests = Counter(
            "learnlink_http_requests",
            "HTTP requests served, by route template",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "learnlink_http_request_seconds",
            "HTTP request duration, by route template",
            ["route"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        # Resident memory also holds the allocator's free space, which comes and
        # goes; the blocks Python holds are the live objects, where a leak climbs.
        ProcessCollector(registry=r)
        self.python_blocks = Gauge(
            "learnlink_python_allocated_blocks",
            "Memory blocks Python has allocated (its live objects)",
            registry=r,
        )
        self.python_blocks.set_function(sys.getallocatedblocks)
        self._start_at_zero()

    def _start_at_zero(self) -> None:
        """Known label values exist from the start, so rates and alerts see a 0, not a gap."""
        for platform in PLATFORMS:
            for counter in (self.events_received, self.events_acked):
                counter.labels(platform)
            self.api_errors.labels(platform)
            self.api_retries.labels(platform)
            self.ack_seconds.labels(platform)
            self.inbox_backlog.labels(platform, "pending").set(0)
        for outcome in REFERRAL_OUTCOMES:
            self.referrals.labels(outcome)

    def acks(self, platform: str) -> AckMeters:
        """The ack path's three meters for one platform, looked up once (it runs per request)."""
        meters = self._acks.get(platform)
        if meters is None:
            meters = AckMeters(
                self.events_received.labels(platform),
                self.events_acked.labels(platform),
                self.ack_seconds.labels(platform),
            )
            self._acks[platform] = meters
        return meters

    def http_meters(self, method: str, route: str, status: int) -> tuple[Counter, Histogram]:
        """The request counter and timer for one label set, looked up once per set."""
        key = (method, route, status)
        found = self._http.get(key)
        if found is None:
            found = (
                self.http_requests.labels(method, route, str(status)),
                self.http_seconds.labels(route),
            )
            self._http[key] = found
        return found

    @contextmanager
    def scheduler_job(self, name: str) -> Iterator[None]:
        """Count one run of a scheduled job, and a failure if the block raises."""
        self.scheduler_runs.labels(name).inc()
        try:
            yield
        except Exception:
            self.scheduler_failures.labels(name).inc()
            raise

    def set_inbox_backlog(self, counts: Iterable[tuple[str, str, int]]) -> None:
        """Replace the backlog gauge with fresh (platform, state, count) rows."""
        self.inbox_backlog.clear()
        for platform in PLATFORMS:
            self.inbox_backlog.labels(platform, "pending").set(0)
        for platform, state, count in counts:
            self.inbox_backlog.labels(platform, state).set(count)

    def render(self) -> bytes:
        """The text exposition format, as served on /metrics."""
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)
