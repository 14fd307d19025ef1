"""APScheduler 3 inside `learnlink serve`: each job only calls a use case.

Nothing important lives in the scheduler's memory: every job reads what to do
from the database (questions still routing, open questions for the digest),
so a restart or a second replica loses or doubles nothing; idempotency keys
on every message make a job that runs twice harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.model import Program
from bot.handlers.cadence import cron_of
from bot.handlers.context import Context
from bot.handlers.digest import send_weekly_digest
from bot.handlers.retention import apply_retention
from bot.handlers.rounds import run_due_round, send_due_checkins
from bot.handlers.routing import advance_open_questions

log = logging.getLogger("learnlink.scheduler")
Job = Callable[[Context], Awaitable[Any]]


def build_scheduler(ctx: Context) -> AsyncIOScheduler:
    """The standing jobs; programmes add their own rounds when pairing starts."""
    settings = ctx.settings.scheduler
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    scheduler.add_job(
        run_job,
        IntervalTrigger(seconds=60),
        args=[ctx, "routing", advance_open_questions],
        id="routing",
        **defaults,
    )
    scheduler.add_job(
        run_job,
        CronTrigger(minute=5, timezone=settings.timezone),  # hourly: each person in their hours
        args=[ctx, "digest", send_weekly_digest],
        id="digest",
        **defaults,
    )
    scheduler.add_job(
        run_job,
        CronTrigger(hour=3, minute=17, timezone=settings.timezone),
        args=[ctx, "retention", apply_retention],
        id="retention",
        **defaults,
    )
    scheduler.add_job(
        run_job,
        IntervalTrigger(minutes=10),
        args=[ctx, "checkins", send_due_checkins],
        id="checkins",
        **defaults,
    )
    ctx.program_listeners.append(lambda program: schedule_program(scheduler, ctx, program))
    return scheduler


async def schedule_programs(scheduler: AsyncIOScheduler, ctx: Context) -> int:
    """At start: one job per active programme, and any missed round still in its grace time."""
    async with ctx.uow() as uow:
        programs = list(await uow.programs.list())
    for program in programs:
        schedule_program(scheduler, ctx, program)
        if program.state == "active":
            await run_job(ctx, f"round:{program.name}", _round_job(program.id or 0))
    return len(programs)


def schedule_program(scheduler: AsyncIOScheduler, ctx: Context, program: Program) -> None:
    """(Re)build a programme's job from the database row; paused or stopped: no job."""
    job_id = f"program:{program.id}"
    if scheduler.get_job(job_id):
        scheduler.remove_job(job_id)
    if program.state != "active":
        return
    grace = int(ctx.settings.pairing.grace_hours * 3600) or None
    scheduler.add_job(
        run_job,
        CronTrigger.from_crontab(cron_of(program), timezone=program.timezone),
        args=[ctx, f"round:{program.name}", _round_job(program.id or 0)],
        id=job_id,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=grace,
    )


def _round_job(program_id: int) -> Job:
    async def job(ctx: Context) -> object:
        return await run_due_round(ctx, program_id)

    return job


async def run_job(ctx: Context, name: str, job: Job) -> Any:
    """Run one job; a failure is logged and the next run tries again."""
    try:
        with ctx.metrics.scheduler_job(name):
            result = await job(ctx)
    except Exception:
        log.exception("scheduled job %s failed", name)
        return None
    log.debug("scheduled job %s done: %s", name, result)
    return result
