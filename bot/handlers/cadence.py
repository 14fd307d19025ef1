"""When a programme's rounds fall: cadence, day, time and timezone to fire times.

A round is keyed by (programme, period) with a unique constraint, so the
period of a fire time must be the same whichever process computes it and
whenever: it is the local date of the scheduled time (or the full time for
cron programmes that fire more than once a day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.domain.model import Program

EVERY = {"weekly": 1, "biweekly": 2, "every-2-weeks": 2, "every-4-weeks": 4, "4-weekly": 4}
EPOCH = date(2024, 1, 1)  # a Monday: week numbers count from here


def cron_of(program: Program) -> str:
    """The crontab for a programme (a weekly one for every-n-weeks cadences)."""
    if program.cadence == "cron" and program.cron:
        return program.cron
    hour, minute = (int(part) for part in program.time.split(":"))
    return f"{minute} {hour} * * {program.day}"


def weeks_between(program: Program) -> int:
    return EVERY.get(program.cadence, 1)


def last_fire(program: Program, now: datetime) -> datetime | None:
    """The most recent scheduled round time at or before `now` (aware UTC)."""
    zone = ZoneInfo(program.timezone)
    local_now = now.astimezone(zone)
    itr = croniter(cron_of(program), local_now + timedelta(seconds=1))
    for _ in range(8):
        fire: datetime = itr.get_prev(datetime)
        if _in_cadence(program, fire):
            return fire.astimezone(now.tzinfo)
    return None


def next_fire(program: Program, now: datetime) -> datetime:
    zone = ZoneInfo(program.timezone)
    itr = croniter(cron_of(program), now.astimezone(zone))
    for _ in range(8):
        fire: datetime = itr.get_next(datetime)
        if _in_cadence(program, fire):
            return fire.astimezone(now.tzinfo)
    raise ValueError(f"programme {program.name} has no round in the next 8 weeks")


def cycle_length(program: Program, fire: datetime) -> timedelta:
    return next_fire(program, fire + timedelta(seconds=1)) - fire


def period_of(program: Program, fire: datetime) -> str:
    local = fire.astimezone(ZoneInfo(program.timezone))
    if program.cadence == "cron":
        return local.strftime("%Y-%m-%dT%H:%M")
    return local.date().isoformat()


def _in_cadence(program: Program, fire: datetime) -> bool:
    """Every-n-weeks programmes skip the weeks between, counted from their start."""
    every = weeks_between(program)
    if every == 1 or program.cadence == "cron":
        return True
    start = program.created_at.astimezone(ZoneInfo(program.timezone)).date()
    anchor = (start - EPOCH).days // 7
    week = (fire.date() - EPOCH).days // 7
    return (week - anchor) % every == 0
