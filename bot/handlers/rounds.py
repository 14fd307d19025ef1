"""Pairing rounds: who takes part, solving the round once, intros, check-ins, outcomes.

A round is keyed by (programme, period) with a unique constraint and its
groups are written in the same transaction, so two processes (or a restart)
make exactly one round; intros carry idempotency keys so a retry never sends
a second introduction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain.model import PairGroup, PairMember, Person, Program, Round, Workspace
from bot.domain.ports import UnitOfWork
from bot.handlers.cadence import cycle_length, last_fire, period_of
from bot.handlers.context import Context
from bot.handlers.people import person_for
from bot.matching.pairing import Mode, PairingOptions, PairingResult, Participant, pair_participants
from bot.rendering.callbacks import PairAction
from bot.rendering.views import CheckIn, Member, Notice, PairIntro

log = logging.getLogger("learnlink.pairing")
PROFILE_TOPICS = 10


@dataclass(frozen=True)
class Roster:
    """Who takes part in a round, as the solver needs them, with how to reach them."""

    participants: tuple[Participant, ...]
    people: dict[int, Person]
    user_ids: dict[int, str]


@dataclass(frozen=True)
class RoundOutcome:
    round_id: int | None
    period: str
    groups: tuple[tuple[str, ...], ...]  # member names
    created: bool  # False when this period's round already existed
    unplaced: tuple[str, ...] = ()


async def preview_round(ctx: Context, program_id: int) -> RoundOutcome:
    """Who would be paired now, without storing or sending anything."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        program, workspace = await _program(uow, program_id)
        roster = await roster_of(ctx, uow, program, workspace, now)
        result = await _solve(ctx, uow, program, roster, now)
    return _outcome(None, "preview", roster, result, created=False)


async def run_round(ctx: Context, program_id: int, *, fire: datetime | None = None) -> RoundOutcome:
    """Make the round of the period `fire` falls in (default: now) and send intros."""
    now = ctx.clock.now()
    fire = fire or now
    async with ctx.uow() as uow:
        program, workspace = await _program(uow, program_id)
        period = period_of(program, fire)
        round_ = await uow.programs.add_round(Round(program_id, period, fire, created_at=now))
        if round_ is None:
            return RoundOutcome(None, period, (), created=False)
        roster = await roster_of(ctx, uow, program, workspace, now)
        result = await _solve(ctx, uow, program, roster, now)
        groups = await _store_groups(uow, round_.id or 0, result)
        await _reset_skips(uow, program_id, roster)
        await uow.commit()
    await _send_intros(ctx, program, workspace, groups, roster)
    return _outcome(round_.id, period, roster, result, created=True)


async def run_due_round(ctx: Context, program_id: int) -> RoundOutcome | None:
    """The scheduler's entry: the latest scheduled round, if still within its grace time."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        program = await uow.programs.get(program_id)
    if program is None or program.state != "active":
        return None
    fire = last_fire(program, now)
    grace = ctx.settings.pairing.grace_hours * 3600
    if fire is None or (now - fire).total_seconds() > grace or fire < program.created_at:
        return None
    return await run_round(ctx, program_id, fire=fire)


async def _program(uow: UnitOfWork, program_id: int) -> tuple[Program, Workspace]:
    program = await uow.programs.get(program_id)
    if program is None:
        raise LookupError(f"no programme with id {program_id}")
    workspace = await uow.workspaces.get(program.workspace_id)
    assert workspace is not None
    return program, workspace


async def roster_of(
    ctx: Context, uow: UnitOfWork, program: Program, workspace: Workspace, now: datetime
) -> Roster:
    """The channel's members who take part: available, not skipping, not opted out."""
    gateway = ctx.gateway(workspace.platform)
    member_ids = (
        await gateway.channel_members(workspace.external_id, program.channel_id) if gateway else []
    )
    settings = {p.person_id: p for p in await uow.programs.participants(program.id or 0)}
    people: dict[int, Person] = {}
    user_ids: dict[int, str] = {}
    for user_id in dict.fromkeys(member_ids):
        person = await person_for(uow, workspace.platform, user_id)
        own = settings.get(person.id or 0)
        if not person.is_available(now, allow_guests=ctx.settings.organisation.allow_guests):
            continue
        if own and (
            own.opted_out or own.skip_next or (own.paused_until and own.paused_until > now)
        ):
            continue
        people[person.id or 0] = person
        user_ids[person.id or 0] = user_id
    participants = tuple(_participant(ctx, person, now) for person in people.values())
    return Roster(participants, people, user_ids)


def _participant(ctx: Context, person: Person, now: datetime) -> Participant:
    profile = ctx.expertise.index.profile(str(person.id), now)
    org = ctx.settings.organisation
    return Participant(
        person_id=str(person.id),
        team=person.team,
        timezone=person.timezone or org.default_timezone,
        knows=frozenset(t for t, _ in profile.knows[:PROFILE_TOPICS]),
        wants=frozenset(t for t, _ in profile.wants_to_learn[:PROFILE_TOPICS]),
        work_start=time.fromisoformat(person.working_hours_start or org.working_hours_start),
        work_end=time.fromisoformat(person.working_hours_end or org.working_hours_end),
    )


async def _solve(
    ctx: Context, uow: UnitOfWork, program: Program, roster: Roster, now: datetime
) -> PairingResult:
    pairing = ctx.settings.pairing
    history = await _history(uow, program, pairing.repeat_window_rounds)
    avoid = [(str(d.person_id), str(d.other_person_id)) for d in await uow.programs.do_not_pair()]
    options = PairingOptions(
        mode=Mode(program.mode),
        group_size=program.group_size,
        repeat_window_rounds=pairing.repeat_window_rounds,
        top_k=pairing.top_k_partners,
        seed=program.id or 0,
    )
    names = {str(pid): person.name for pid, person in roster.people.items()}
    return pair_participants(
        roster.participants,
        now=now,
        history=history,
        do_not_pair=avoid,
        options=options,
        names=names,
    )


async def _history(uow: UnitOfWork, program: Program, window: int) -> list[list[frozenset[str]]]:
    """Past groups, oldest round first, for the repeat penalty."""
    rounds = list(await uow.programs.rounds(program.id or 0, window + 1))
    history = []
    for round_ in reversed(rounds):
        groups = []
        for group in await uow.programs.groups(round_.id or 0):
            members = await uow.programs.members(group.id or 0)
            groups.append(frozenset(str(m.person_id) for m in members))
        if groups:
            history.append(groups)
    return history


async def _store_groups(
    uow: UnitOfWork, round_id: int, result: PairingResult
) -> list[tuple[PairGroup, tuple[int, ...]]]:
    stored = []
    for group in result.groups:
        members = tuple(int(m) for m in group.members)
        row = PairGroup(
            round_id=round_id,
            reason=group.reason,
            suggested_topics=list(group.suggested_topics),
            teaching_value=round(group.score, 4),
            cross_team=group.cross_team,
        )
        stored.append((await uow.programs.add_group(row, members), members))
    return stored


async def _reset_skips(uow: UnitOfWork, program_id: int, roster: Roster) -> None:
    """`skip-next` is used up by the round it skipped."""
    for participant in await uow.programs.participants(program_id):
        if participant.skip_next:
            participant.skip_next = False


async def _send_intros(
    ctx: Context,
    program: Program,
    workspace: Workspace,
    groups: Sequence[tuple[PairGroup, tuple[int, ...]]],
    roster: Roster,
) -> None:
    gateway = ctx.gateway(workspace.platform)
    if gateway is None:
        log.warning("no %s gateway: %d intros not sent", workspace.platform, len(groups))
        return
    now = ctx.clock.now()
    for group, member_ids in groups:
        view = PairIntro(
            pair_id=group.id or 0,
            program=program.name,
            members=tuple(_member(roster, pid, now, ctx) for pid in member_ids),
            reason=group.reason,
            suggested_topics=tuple(group.suggested_topics),
            channel_id=program.channel_id or None,
        )
        users = [roster.user_ids[pid] for pid in member_ids]
        try:
            sent = await gateway.send_direct(
                workspace.external_id, users, view, key=f"intro:{group.id}"
            )
        except Exception:
            log.exception("intro for pair %s not sent; the check-in will reach them", group.id)
            continue
        await _remember_message(ctx, group.id or 0, sent.channel, sent.message_id)


def _member(roster: Roster, person_id: int, now: datetime, ctx: Context) -> Member:
    person = roster.people[person_id]
    zone = person.timezone or ctx.settings.organisation.default_timezone
    local = now.astimezone(ZoneInfo(zone))
    return Member(person.name, roster.user_ids.get(person_id), zone, f"{local:%H:%M}")


async def _remember_message(ctx: Context, pair_id: int, channel: str, message_id: str) -> None:
    async with ctx.uow() as uow:
        group = await uow.programs.get_group(pair_id)
        if group is not None:
            group.message_channel, group.message_id = channel, message_id
            await uow.commit()


def _outcome(
    round_id: int | None, period: str, roster: Roster, result: PairingResult, *, created: bool
) -> RoundOutcome:
    name = {str(pid): person.name for pid, person in roster.people.items()}
    groups = tuple(tuple(name.get(m, m) for m in g.members) for g in result.groups)
    unplaced = tuple(name.get(m, m) for m in result.unplaced)
    return RoundOutcome(round_id, period, groups, created, unplaced)


async def send_due_checkins(ctx: Context) -> int:
    """Halfway through the cycle, ask the groups that have not answered whether they met."""
    now = ctx.clock.now()
    sent = 0
    async with ctx.uow() as uow:
        rounds = list(await uow.programs.open_rounds())
    for round_ in rounds:
        if await _checkin_due(ctx, round_, now):
            sent += await _check_in(ctx, round_)
    return sent


async def _checkin_due(ctx: Context, round_: Round, now: datetime) -> bool:
    async with ctx.uow() as uow:
        program = await uow.programs.get(round_.program_id)
    if program is None:
        return False
    length = cycle_length(program, round_.scheduled_for)
    return now >= round_.scheduled_for + length * ctx.settings.pairing.checkin_at


async def _check_in(ctx: Context, round_: Round) -> int:
    """Send the check-ins of one round and count a missed intro for silent members."""
    async with ctx.uow() as uow:
        stored = await uow.programs.get_round(round_.id or 0)
        if stored is None or stored.checkin_sent_at is not None:
            return 0
        stored.checkin_sent_at = ctx.clock.now()
        program, workspace = await _program(uow, round_.program_id)
        pending = []
        for group in await uow.programs.groups(round_.id or 0):
            if group.outcome is None:
                members = list(await uow.programs.members(group.id or 0))
                pending.append((group, members))
                await _count_silence(ctx, uow, program, workspace, members)
        reachable = await uow.people.user_ids(workspace.platform)
        names = {p.id: p.name for p in await uow.people.list()}
        await uow.commit()
    return await _send_checkins(ctx, program, workspace, pending, reachable, names)


async def _send_checkins(
    ctx: Context,
    program: Program,
    workspace: Workspace,
    pending: list[tuple[PairGroup, list[PairMember]]],
    reachable: dict[int, str],
    names: dict[int | None, str],
) -> int:
    gateway = ctx.gateway(workspace.platform)
    if gateway is None:
        return 0
    sent = 0
    for group, members in pending:
        users = [reachable[m.person_id] for m in members if m.person_id in reachable]
        view = CheckIn(
            group.id or 0, program.name, tuple(names.get(m.person_id, "") for m in members)
        )
        if len(users) >= 2:
            await gateway.send_direct(workspace.external_id, users, view, key=f"checkin:{group.id}")
            sent += 1
    return sent


async def _count_silence(
    ctx: Context,
    uow: UnitOfWork,
    program: Program,
    workspace: Workspace,
    members: list[PairMember],
) -> None:
    """Three unanswered intros in a row pause a person in this programme, once, with a note."""
    limit = ctx.settings.pairing.ghost_limit
    for member in members:
        if member.response is not None:
            continue
        participant = await uow.programs.participant(program.id or 0, member.person_id)
        participant.missed_intros += 1
        if participant.missed_intros == limit:
            participant.opted_out = True
            await _tell_paused(ctx, uow, program, workspace, member.person_id)


async def _tell_paused(
    ctx: Context, uow: UnitOfWork, program: Program, workspace: Workspace, person_id: int
) -> None:
    gateway = ctx.gateway(workspace.platform)
    user_id = (await uow.people.user_ids(workspace.platform)).get(person_id)
    if gateway is None or user_id is None:
        return
    limit = ctx.settings.pairing.ghost_limit
    text = (
        f"You haven't answered the last {limit} intros in {program.name}, so I've paused "
        f"your pairing there. Send `/learnlink pairing join {program.name}` to come back."
    )
    await gateway.send_direct(
        workspace.external_id, [user_id], Notice(text), key=f"ghost:{program.id}:{person_id}"
    )


async def record_meeting(ctx: Context, platform: str, user_id: str, action: PairAction) -> Notice:
    """A member clicked We met / Not this time (on the intro or the check-in)."""
    async with ctx.uow() as uow:
        group = await uow.programs.get_group(action.pair_id)
        person = await uow.people.by_identity(platform, user_id)
        members = list(await uow.programs.members(action.pair_id)) if group else []
        mine = next((m for m in members if person and m.person_id == person.id), None)
        if group is None or mine is None:
            return Notice("This introduction was for other people, so I left it as it was.")
        mine.response = action.action
        group.outcome = "met" if action.action == "met" or group.outcome == "met" else action.action
        round_ = await uow.programs.get_round(group.round_id)
        if round_ is not None:
            participant = await uow.programs.participant(round_.program_id, mine.person_id)
            participant.missed_intros = 0
        await uow.commit()
    if action.action == "met":
        return Notice("Great, thanks for telling me! I hope you both learned something.")
    return Notice("No problem, thanks for letting me know. Maybe next round!")
