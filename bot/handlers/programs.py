"""`pairing ...` commands: admins run programmes, participants choose how they take part.

Admin: `pairing start #channel weekly mon 10:00 Europe/London size 2 mode learning
[name NAME]` (or `pairing start here ...` in the programme's own channel, which is
how Teams channels are named), `pairing list`, `pairing pause|resume|stop NAME`,
`pairing preview NAME`.
Everyone: `pairing skip NAME`, `pairing leave NAME|all`, `pairing join NAME`,
`pairing avoid @someone`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from bot.domain.model import Program
from bot.domain.ports import UnitOfWork
from bot.handlers.cadence import EVERY, next_fire
from bot.handlers.context import Context
from bot.handlers.events import CommandInvoked
from bot.handlers.people import person_for
from bot.handlers.profile import UsageError
from bot.handlers.rounds import preview_round
from bot.rendering.views import Notice

CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|([^>]*))?>$|^#?([A-Za-z0-9][\w-]{0,79})$")
MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
START_USAGE = (
    "`pairing start #channel weekly mon 10:00 Europe/London size 2 mode learning`"
    " (cadence: weekly, biweekly, every-4-weeks or `cron M H D M W`;"
    " in the programme's own channel, `here` names it)"
)
HERE = "here"
DEFAULT_NAME = "pairing"
ADMIN_VERBS = {"start", "list", "pause", "resume", "stop", "preview"}
Handler = Callable[[Context, CommandInvoked, list[str]], Awaitable[Notice]]


async def pairing_command(ctx: Context, inv: CommandInvoked, rest: str, admin: bool) -> Notice:
    verb, _, args = rest.strip().partition(" ")
    verb = verb.lower()
    if verb in ADMIN_VERBS and not admin:
        return Notice(f"`pairing {verb}` is for Learnlink admins only.")
    handlers: dict[str, Handler] = {
        "start": _start,
        "list": _list,
        "pause": _state("paused"),
        "resume": _state("active"),
        "stop": _state("stopped"),
        "preview": _preview,
        "skip": _skip,
        "leave": _leave,
        "join": _join,
        "avoid": _avoid,
    }
    handler = handlers.get(verb)
    if handler is None:
        raise UsageError(
            "Say `pairing start|list|pause|resume|stop|preview NAME` (admins) "
            "or `pairing skip|leave|join NAME` and `pairing avoid @someone`."
        )
    return await handler(ctx, inv, args.split())


def parse_start(
    words: list[str], defaults: dict[str, str | int], here: str | None = None
) -> dict[str, str | int | None]:
    """The words after `pairing start`, checked one by one with a clear message.

    `here` is the channel the command was sent in: Teams channels have no
    `#name` syntax, so `pairing start here ...` names the channel by place.
    Its programme name is None unless `name NAME` is given (the caller
    picks a free `pairing-N`).
    """
    if not words:
        raise UsageError(f"Name the channel. {START_USAGE}")
    if words[0].lower() == HERE:
        if not here:
            raise UsageError(
                "`here` means the channel you are in: run `pairing start here ...` "
                "in the programme's channel, or name a channel."
            )
        channel_id, name = here, None
    else:
        match = CHANNEL.match(words[0])
        if not match:
            raise UsageError(f"{words[0]!r} is not a channel. {START_USAGE}")
        channel_id = match.group(1) or match.group(3)
        name = match.group(2) or match.group(3) or channel_id
    spec: dict[str, str | int | None] = {
        **defaults,
        "channel_id": channel_id,
        "name": name,
        "cron": None,
    }
    rest = words[1:]
    while rest:
        rest = _take(rest, spec)
    return spec


def _take(words: list[str], spec: dict[str, str | int | None]) -> list[str]:
    word, rest = words[0].lower(), words[1:]
    if word in EVERY:
        spec["cadence"] = word
    elif word == "cron":
        expression = " ".join(rest[:5])
        if len(rest) < 5 or not croniter.is_valid(expression):
            raise UsageError("After `cron` give 5 fields, e.g. `cron 0 10 * * mon`.")
        spec["cadence"], spec["cron"] = "cron", expression
        return rest[5:]
    elif word[:3] in DAYS and len(word) <= 9:
        spec["day"] = word[:3]
    elif re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", word):
        spec["time"] = f"{int(word.split(':')[0]):02d}:{word.split(':')[1]}"
    elif "/" in word or word == "utc":
        spec["timezone"] = _zone(words[0])
    elif word in ("size", "mode", "name") and rest:
        spec[word] = _option(word, rest[0])
        return rest[1:]
    else:
        raise UsageError(f"I don't understand {words[0]!r}. {START_USAGE}")
    return rest


def _zone(value: str) -> str:
    try:
        ZoneInfo("UTC" if value.lower() == "utc" else value)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{value!r} is not a timezone; use a name like Europe/London.") from None
    return "UTC" if value.lower() == "utc" else value


def _option(word: str, value: str) -> str | int:
    if word == "size":
        if not value.isdigit() or not 2 <= int(value) <= 6:
            raise UsageError("`size` is the number of people per group, 2 to 6.")
        return int(value)
    if word == "mode":
        if value.lower() not in ("learning", "cross-team", "random"):
            raise UsageError("`mode` is learning, cross-team or random.")
        return value.lower()
    if not re.fullmatch(r"[\w-]{1,60}", value):
        raise UsageError("A programme name is letters, digits, - and _ (at most 60).")
    return value


async def _start(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    pairing = ctx.settings.pairing
    defaults: dict[str, str | int] = {
        "cadence": pairing.cadence,
        "day": pairing.day,
        "time": pairing.time,
        "timezone": pairing.timezone,
        "size": pairing.group_size,
        "mode": pairing.mode,
    }
    spec = parse_start(words, defaults, here=inv.channel_id)
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(inv.platform, inv.workspace_id)
        if spec["name"] is None:
            spec["name"] = await _free_name(uow, workspace.id or 0)
        if await uow.programs.by_name(workspace.id or 0, str(spec["name"])):
            raise UsageError(f"A programme called {spec['name']} exists; add `name OTHER`.")
        creator = await person_for(uow, inv.platform, inv.user_id)
        program = await uow.programs.add(_program(workspace.id or 0, spec, creator.id, ctx))
        await uow.commit()
    ctx.on_program_change(program)
    first = next_fire(program, ctx.clock.now()).astimezone(ZoneInfo(program.timezone))
    return Notice(
        f"Started {program.name}: {_describe(program)}. First round {first:%a %d %b %H:%M}."
    )


async def _free_name(uow: UnitOfWork, workspace_id: int) -> str:
    """`pairing-1`, `pairing-2`, ...: the first one no programme of the workspace has."""
    number = 1
    while await uow.programs.by_name(workspace_id, f"{DEFAULT_NAME}-{number}"):
        number += 1
    return f"{DEFAULT_NAME}-{number}"


def _program(
    workspace_id: int, spec: dict[str, str | int | None], creator: int | None, ctx: Context
) -> Program:
    return Program(
        workspace_id=workspace_id,
        name=str(spec["name"]),
        channel_id=str(spec["channel_id"]),
        cadence=str(spec["cadence"]),
        cron=spec["cron"] if spec["cron"] else None,  # type: ignore[arg-type]
        day=str(spec["day"]),
        time=str(spec["time"]),
        timezone=str(spec["timezone"]),
        group_size=int(spec["size"] or 2),
        mode=str(spec["mode"]),
        created_by=creator,
        created_at=ctx.clock.now(),
    )


def _describe(program: Program) -> str:
    when = (
        f"cron {program.cron}"
        if program.cadence == "cron"
        else f"{program.cadence} on {program.day} at {program.time}"
    )
    slack_channel = CHANNEL.match(f"<#{program.channel_id}>")
    where = f"<#{program.channel_id}>" if slack_channel else "its Teams channel"
    return (
        f"{where}, {when} ({program.timezone}), groups of "
        f"{program.group_size}, {program.mode} mode, {program.state}"
    )


async def _list(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    async with ctx.uow() as uow:
        programs = [p for p in await uow.programs.list() if p.state != "stopped"]
    if not programs:
        return Notice("No pairing programmes yet. Start one with " + START_USAGE)
    return Notice("Pairing programmes:", lines=tuple(f"{p.name}: {_describe(p)}" for p in programs))


async def _named(ctx: Context, inv: CommandInvoked, words: list[str]) -> Program:
    if len(words) != 1:
        raise UsageError("Name the programme (see `pairing list`).")
    async with ctx.uow() as uow:
        workspace = await uow.workspaces.get_or_create(inv.platform, inv.workspace_id)
        program = await uow.programs.by_name(workspace.id or 0, words[0])
    if program is None or program.state == "stopped":
        raise UsageError(f"There is no programme called {words[0]!r} (see `pairing list`).")
    return program


def _state(state: str) -> Handler:
    async def handler(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
        program = await _named(ctx, inv, words)
        async with ctx.uow() as uow:
            stored = await uow.programs.get(program.id or 0)
            assert stored is not None
            stored.state = state
            await uow.commit()
        ctx.on_program_change(stored)
        return Notice(f"{stored.name} is now {state}.")

    return handler


async def _preview(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    program = await _named(ctx, inv, words)
    outcome = await preview_round(ctx, program.id or 0)
    if not outcome.groups:
        return Notice(f"Nobody to pair in {program.name} right now (need 2 people who take part).")
    lines = tuple(" + ".join(group) for group in outcome.groups)
    return Notice(f"If {program.name} ran now ({len(lines)} groups, nothing sent):", lines=lines)


async def _participant_change(
    ctx: Context, inv: CommandInvoked, words: list[str], **fields: object
) -> list[Program]:
    if words == ["all"]:
        async with ctx.uow() as uow:
            programs = [p for p in await uow.programs.list() if p.state != "stopped"]
    else:
        programs = [await _named(ctx, inv, words)]
    async with ctx.uow() as uow:
        person = await person_for(uow, inv.platform, inv.user_id)
        for program in programs:
            participant = await uow.programs.participant(program.id or 0, person.id or 0)
            for name, value in fields.items():
                setattr(participant, name, value)
        await uow.commit()
    return programs


async def _skip(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    programs = await _participant_change(ctx, inv, words, skip_next=True)
    return Notice(f"You'll sit out the next round of {', '.join(p.name for p in programs)}.")


async def _leave(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    programs = await _participant_change(ctx, inv, words, opted_out=True)
    names = ", ".join(p.name for p in programs) or "no programmes"
    return Notice(f"You've left {names}. `pairing join NAME` brings you back.")


async def _join(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    programs = await _participant_change(ctx, inv, words, opted_out=False, missed_intros=0)
    return Notice(f"You're in {', '.join(p.name for p in programs)} again. Welcome back!")


async def _avoid(ctx: Context, inv: CommandInvoked, words: list[str]) -> Notice:
    match = MENTION.match(words[0]) if len(words) == 1 else None
    if not match:
        raise UsageError("Mention one person: `pairing avoid @someone`.")
    async with ctx.uow() as uow:
        me = await person_for(uow, inv.platform, inv.user_id)
        other = await person_for(uow, inv.platform, match.group(1))
        if me.id == other.id:
            raise UsageError("You can't avoid yourself.")
        await uow.programs.add_do_not_pair(me.id or 0, other.id or 0)
        await uow.commit()
    return Notice("Noted: you won't be paired with them. Only you can see this.")
