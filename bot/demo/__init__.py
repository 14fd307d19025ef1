"""`learnlink demo`: Learnlink at work within a minute, with no Slack account.

A fresh SQLite file, our real server on loopback, and a local stand-in for
Slack (its Web API on another loopback port; events signed as Slack signs
them). It seeds a sample organisation, replays a working day, runs a pairing
round and a check-in, prints what Learnlink did and why, and leaves nothing
running unless asked to serve.
"""

from __future__ import annotations

import asyncio
import csv
import secrets
import signal
import socket
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import Services, bootstrap
from bot.demo.clock import DemoClock
from bot.demo.scenario import Demo, replay_day, run_pairing
from bot.demo.transcript import Transcript
from bot.demo.workspace import BOT_TOKEN, LocalWorkspace
from bot.handlers.people_import import import_people
from bot.serve import start_server
from bot.settings import CONFIG_DIR, Settings, load_settings

DEMO_PEOPLE = CONFIG_DIR / "demo" / "people.csv"
# Wednesday 09:30 in London: London and Berlin are at work, New York is asleep.
START = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


async def run_demo(
    settings: Settings,
    *,
    database: Path | None = None,
    serve: bool = False,
    short: bool = False,
    transcript: Transcript | None = None,
) -> Transcript:
    out = transcript or Transcript()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="learnlink-demo-") as folder:
        path = database or Path(folder) / "learnlink-demo.db"
        path.unlink(missing_ok=True)
        slack = await LocalWorkspace.start(DEMO_PEOPLE, admins=("Eva",))
        try:
            demo_settings = _settings(settings, path, slack)
            await _run(demo_settings, slack, out, serve=serve, short=short, started=started)
        finally:
            await slack.close()
    return out


def _settings(base: Settings, path: Path, slack: LocalWorkspace) -> Settings:
    """Demo settings: a fresh SQLite file, the local Slack, and a dashboard token."""
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{path}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": slack.secret,
        "SLACK_API_BASE_URL": slack.api.url,
        "LEARNLINK_ADMIN_TOKEN": base.secrets.admin_token or secrets.token_urlsafe(18),
        "LEARNLINK_ROUTING__ASKS_AT_ONCE": "2",
    }
    return load_settings(env=env)


async def _run(
    settings: Settings,
    slack: LocalWorkspace,
    out: Transcript,
    *,
    serve: bool,
    short: bool,
    started: float,
) -> None:
    clock = DemoClock(START)
    services = await bootstrap(settings, clock=clock)
    port = _free_port()
    runner = await start_server(services, "127.0.0.1", port)
    slack.server_url = f"http://127.0.0.1:{port}"
    try:
        await _seed(services, out)
        demo = Demo(services, slack, clock, out)
        await replay_day(demo, short=short)
        groups, met = await run_pairing(demo)
        await _summary(demo, groups, met, time.monotonic() - started)
        if serve:
            await _serve(settings, slack.server_url, out)
    finally:
        await runner.cleanup()
        await services.close()


async def _seed(services: Services, out: Transcript) -> None:
    with DEMO_PEOPLE.open(encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = [(reader.line_num, row) for row in reader]
    async with services.uow() as uow:
        report = await import_people(uow, rows)
    async with services.uow() as uow:
        eva = await uow.people.by_email("eva.schmidt@example.com")
        if eva is not None:
            eva.is_admin = True
        await uow.commit()
        await services.context.expertise.rebuild(uow)
        teams = {p.team for p in await uow.people.list()}
        zones = {p.timezone for p in await uow.people.list()}
    out.heading("Learnlink demo: a local Slack workspace, a fresh SQLite database")
    out.did(
        f"{report.created} people in {len(teams)} teams and {len(zones)} timezones "
        f"imported from config/demo/{DEMO_PEOPLE.name}, with what they know and want to learn"
    )


async def _summary(demo: Demo, groups: int, met: int, seconds: float) -> None:
    stats = await _figures(demo.services)
    calls = demo.slack.api.calls
    dms = [
        c
        for c in calls
        if c.method == "chat.postMessage" and str(c.args.get("channel", ""))[:1] in "DG"
    ]
    demo.out.table(
        "Summary",
        [
            ("questions detected", str(stats["questions"])),
            ("experts asked", str(stats["asked"])),
            ("answered", str(stats["answered"])),
            ("resolved", str(stats["resolved"])),
            ("not me / timed out", f"{stats['declined']} / {stats['expired']}"),
            ("learning groups introduced", str(groups)),
            ("groups that met (so far)", str(met)),
            ("DMs sent through the Slack Web API", str(len(dms))),
            ("Slack Web API calls in all", str(len(calls))),
            ("wall time", f"{seconds:.1f} s"),
        ],
    )


async def _figures(services: Services) -> dict[str, int]:
    async with services.uow() as uow:
        questions = await uow.questions.since(datetime(2000, 1, 1, tzinfo=UTC))
        referrals = await uow.referrals.asked_since(datetime(2000, 1, 1, tzinfo=UTC))
    states = [r.state for r in referrals]
    return {
        "questions": len(questions),
        "asked": len(referrals),
        "answered": sum(q.status in ("answered", "resolved") for q in questions),
        "resolved": sum(q.status == "resolved" for q in questions),
        "declined": states.count("declined"),
        "expired": states.count("expired"),
    }


async def _serve(settings: Settings, url: str, out: Transcript) -> None:
    out.heading("Serving (Ctrl-C to stop)")
    out.did(f"health:    {url}/healthz")
    out.did(f"dashboard: {url}/admin  (token: {settings.secrets.admin_token})")
    out.did(f"metrics:   {url}/metrics")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
