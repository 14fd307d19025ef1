"""`learnlink serve`: migrate, wire, listen, and stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web

from bot.bootstrap import Services, bootstrap
from bot.doctor import Status, platform_checks
from bot.logs import configure_logging
from bot.scheduler.jobs import build_scheduler, schedule_programs
from bot.settings import Settings
from bot.web import create_web_app

log = logging.getLogger("learnlink.serve")


async def serve_forever(settings: Settings, *, host: str | None, port: int | None) -> None:
    configure_logging(settings.logging)
    services = await bootstrap(settings)
    runner = await start_server(
        services, host or settings.server.host, port or settings.server.port
    )
    announce_platforms(settings)
    scheduler = build_scheduler(services.context)
    scheduler.start()
    await schedule_programs(scheduler, services.context)
    gc.freeze()  # what start-up built lives on: keep the collector from rescanning it
    try:
        await _wait_for_signal()
    finally:
        log.info("shutting down")
        scheduler.shutdown(wait=False)
        await runner.cleanup()
        await services.close()


async def start_server(services: Services, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(create_web_app(services), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on http://%s:%s (health: /healthz)", host, port)
    return runner


def announce_platforms(settings: Settings) -> None:
    """One line per platform: connected, or what to set to connect it."""
    for check in platform_checks(settings):
        level = logging.INFO if check.status == Status.OK else logging.WARNING
        log.log(level, "%s: %s", check.name, check.message)


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
