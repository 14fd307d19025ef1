"""Each person's own settings: skills, interests, pauses, opt-outs, forget-me.

People must stay in control of what Learnlink holds about them: every change
takes effect at once, in the database and in the expertise index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.model import Person, PersonTopic, TopicKind, TopicSource
from bot.domain.ports import UnitOfWork
from bot.handlers.context import Context
from bot.handlers.people import person_for
from bot.rendering.views import Notice, ProfileForm

DURATION = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$")
MAX_PAUSE = timedelta(weeks=26)
KIND_WORDS = {TopicKind.KNOWS: "skills", TopicKind.WANTS_TO_LEARN: "learning interests"}


class UsageError(ValueError):
    """The command's arguments are wrong; the message says how to do it right."""


def parse_duration(text: str) -> timedelta:
    match = DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise UsageError("Say how long, like `pause 2w` (weeks) or `pause 10d` (days).")
    amount, unit = int(match.group(1)), match.group(2)
    duration = timedelta(weeks=amount) if unit.startswith("w") else timedelta(days=amount)
    if duration > MAX_PAUSE:
        raise UsageError("You can pause for at most 26 weeks; use `optout` to stop entirely.")
    return duration


def split_topics(text: str) -> list[str]:
    topics = [" ".join(part.split()).lower() for part in re.split(r"[,;]", text)]
    if not any(topics):
        raise UsageError("Name at least one topic, e.g. `skills add terraform, kubernetes`.")
    if any(len(topic) > 100 for topic in topics):
        raise UsageError("Topics are at most 100 characters each.")
    return [topic for topic in dict.fromkeys(topics) if topic]


def canonical(ctx: Context, topic: str) -> str:
    """'k8s' is stored as 'kubernetes' when the catalogue knows the alias."""
    found = ctx.expertise.topics(topic)
    return found[0] if len(found) == 1 else topic


async def change_topics(
    ctx: Context, platform: str, user_id: str, kind: str, verb: str, text: str
) -> Notice:
    """`skills add|remove|list` and `learn add|remove|list`."""
    async with ctx.uow() as uow:
        person = await person_for(uow, platform, user_id)
        assert person.id is not None
        if verb == "list":
            return Notice(_list_text(await _topics_of(uow, person.id, kind), kind))
        names = [canonical(ctx, topic) for topic in split_topics(text)]
        for name in names:
            topic = await uow.topics.get_or_create(name)
            assert topic.id is not None
            if verb == "add":
                await uow.topics.add_person_topic(
                    PersonTopic(
                        person.id, topic.id, kind, TopicSource.DECLARED, updated_at=ctx.clock.now()
                    )
                )
            else:
                await uow.topics.remove_person_topic(person.id, topic.id, kind)
        await uow.commit()
        await ctx.expertise.refresh_person(uow, person.id)
        held = await _topics_of(uow, person.id, kind)
    done = "Added" if verb == "add" else "Removed"
    return Notice(f"{done} {', '.join(names)}. {_list_text(held, kind)}")


async def _topics_of(uow: UnitOfWork, person_id: int, kind: str) -> list[str]:
    return [t.name for pt, t in await uow.topics.person_topics(person_id) if pt.kind == kind]


def _list_text(topics: list[str], kind: str) -> str:
    if not topics:
        return f"You have no {KIND_WORDS[TopicKind(kind)]} yet."
    return f"Your {KIND_WORDS[TopicKind(kind)]}: {', '.join(topics)}."


async def pause(ctx: Context, platform: str, user_id: str, text: str) -> Notice:
    until = ctx.clock.now() + parse_duration(text)
    await _update(ctx, platform, user_id, paused_until=until)
    return Notice(
        f"Paused until {until:%a %d %b}: no asks and no pairing until then. "
        "`resume` to come back sooner."
    )


async def resume(ctx: Context, platform: str, user_id: str) -> Notice:
    await _update(ctx, platform, user_id, paused_until=None)
    return Notice("Welcome back: you can be asked for help and paired again.")


async def set_opt_out(ctx: Context, platform: str, user_id: str, opted_out: bool) -> Notice:
    await _update(ctx, platform, user_id, opted_out=opted_out)
    if opted_out:
        return Notice(
            "You're opted out: nobody will be routed to you, you won't be paired, "
            "and you won't be shown as an expert. `optin` undoes this."
        )
    return Notice("You're opted in again. Thanks for sharing what you know!")


async def _update(ctx: Context, platform: str, user_id: str, **fields: object) -> Person:
    async with ctx.uow() as uow:
        person = await person_for(uow, platform, user_id)
        for name, value in fields.items():
            setattr(person, name, value)
        person.updated_at = ctx.clock.now()
        await uow.commit()
        return person


async def forget_me(ctx: Context, platform: str, user_id: str, confirmed: bool) -> Notice:
    """Delete everything held about the person, after an explicit confirmation."""
    if not confirmed:
        return Notice(
            "This deletes your profile, skills, questions, answers and pairing history "
            "from Learnlink for good. To go ahead, send `forget-me confirm`."
        )
    async with ctx.uow() as uow:
        person = await uow.people.by_identity(platform, user_id)
        if person is None or person.id is None:
            return Notice("Learnlink holds nothing about you.")
        user_ids = [i.user_id for i in await uow.people.identities(person.id)]
        await uow.programs.delete_groups_of(person.id)  # their groups' intros name them
        await uow.people.delete(person.id)
        for known_id in user_ids:
            await uow.inbox.forget_user(known_id)
            await uow.deliveries.forget_channels(known_id)
        await uow.commit()
    ctx.expertise.index.remove_person(str(person.id))
    return Notice("Done: everything Learnlink held about you has been deleted.")


async def profile_form(ctx: Context, platform: str, user_id: str) -> ProfileForm:
    async with ctx.uow() as uow:
        person = await person_for(uow, platform, user_id)
        await uow.commit()
        assert person.id is not None
        knows = await _topics_of(uow, person.id, TopicKind.KNOWS)
        wants = await _topics_of(uow, person.id, TopicKind.WANTS_TO_LEARN)
    return ProfileForm(
        name=person.name,
        knows=tuple(knows),
        wants_to_learn=tuple(wants),
        timezone=person.timezone,
        working_hours_start=person.working_hours_start,
        working_hours_end=person.working_hours_end,
        opted_out=person.opted_out,
        paused_until=_date(person.paused_until, ctx.clock.now()),
    )


def _date(moment: datetime | None, now: datetime) -> str | None:
    return f"{moment:%Y-%m-%d}" if moment and moment > now else None


@dataclass(frozen=True)
class ProfileUpdate:
    """What the profile form sends back (Slack modal, Teams card), already parsed."""

    knows: str = ""
    wants_to_learn: str = ""
    timezone: str | None = None
    working_hours_start: str | None = None
    working_hours_end: str | None = None
    opted_out: bool = False


async def save_profile(ctx: Context, platform: str, user_id: str, update: ProfileUpdate) -> Notice:
    """Apply the whole form at once; a bad field is named and nothing is saved."""
    problems = _problems(update)
    if problems:
        return Notice("Nothing saved: " + "; ".join(problems) + ".")
    knows = [canonical(ctx, t) for t in _topics_or_none(update.knows)]
    wants = [canonical(ctx, t) for t in _topics_or_none(update.wants_to_learn)]
    async with ctx.uow() as uow:
        person = await person_for(uow, platform, user_id)
        assert person.id is not None
        for kind, names in ((TopicKind.KNOWS, knows), (TopicKind.WANTS_TO_LEARN, wants)):
            ids = [(await uow.topics.get_or_create(name)).id or 0 for name in names]
            await uow.topics.set_person_topics(person.id, kind, TopicSource.DECLARED, ids)
        person.timezone = update.timezone or person.timezone
        person.working_hours_start = update.working_hours_start
        person.working_hours_end = update.working_hours_end
        person.opted_out = update.opted_out
        person.updated_at = ctx.clock.now()
        await uow.commit()
        await ctx.expertise.refresh_person(uow, person.id)
    return Notice("Profile saved.")


def _problems(update: ProfileUpdate) -> list[str]:
    problems = []
    if update.timezone:
        try:
            ZoneInfo(update.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{update.timezone!r} is not a timezone like Europe/London")
    start, end = update.working_hours_start, update.working_hours_end
    if bool(start) != bool(end):
        problems.append("give both the start and the end of your working hours")
    elif start and end and start >= end:
        problems.append("working hours must end after they start")
    for text in (update.knows, update.wants_to_learn):
        try:
            _topics_or_none(text)
        except UsageError as exc:
            problems.append(str(exc).rstrip("."))
    return problems


def _topics_or_none(text: str) -> list[str]:
    return split_topics(text) if text.strip(" ,;") else []
