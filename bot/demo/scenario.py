"""A working day at a sample organisation, replayed through Learnlink's real server.

Each step sends what Slack would send (signed events, commands and button
clicks) to our server, waits until the work after the ack is done, and then
reads the database to tell what Learnlink did and why.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.bootstrap import Services
from bot.demo.clock import DemoClock
from bot.demo.transcript import Transcript
from bot.demo.workspace import LocalWorkspace
from bot.domain.model import InboxEvent, Question
from bot.handlers.rounds import run_due_round, send_due_checkins
from bot.handlers.routing import advance_open_questions
from bot.localslack.api import Call
from bot.rendering.callbacks import PairAction, ReferralAction
from bot.storage import tables as t

PLATFORM, DATA, RANDOM, LEARNING = "C0PLATFORM", "C0DATA", "C0RANDOM", "C0LEARNING"
CHANNELS = {PLATFORM: "#platform", DATA: "#data", RANDOM: "#random", LEARNING: "#learning"}


@dataclass
class Demo:
    services: Services
    slack: LocalWorkspace
    clock: DemoClock
    out: Transcript

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until every stored event has been processed (the work after the ack)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            async with self.services.uow() as uow:
                pending = await uow.session.scalar(
                    select(func.count()).select_from(t.inbox).where(t.inbox.c.state == "pending")
                )
            if not pending:
                await asyncio.sleep(0.05)
                return
            await asyncio.sleep(0.02)
        raise RuntimeError("Learnlink did not finish processing the demo's events in time")

    async def ask(self, who: str, channel: str, text: str) -> tuple[str, Question | None]:
        self.out.chat(self.clock.now(), who, CHANNELS[channel], text)
        ts = await self.slack.say(who, channel, text)
        await self.settle()
        question = await self.question_at(channel, ts)
        if question is None:
            self.out.skipped("not routed: " + await self.why_not(ts))
        else:
            await self.tell_routing(question)
        return ts, question

    async def question_at(self, channel: str, ts: str) -> Question | None:
        async with self.services.uow() as uow:
            return await uow.session.scalar(
                select(Question).where(
                    t.questions.c.channel_id == channel, t.questions.c.message_id == ts
                )
            )

    async def why_not(self, ts: str) -> str:
        async with self.services.uow() as uow:
            events = (await uow.session.scalars(select(InboxEvent))).all()
        found = [e for e in events if (e.payload.get("event") or {}).get("ts") == ts]
        return "not a question worth asking anyone about (chit-chat)" if found else "no event"

    async def tell_routing(self, question: Question) -> None:
        topics = ", ".join(question.topics) or "no catalogue topic"
        self.out.did(f"question detected (topics: {topics})")
        async with self.services.uow() as uow:
            referrals = await uow.referrals.for_question(question.id or 0)
            people = {p.id: p for p in await uow.people.list()}
        for referral in referrals:
            person = people[referral.person_id]
            zone = ZoneInfo(person.timezone or "UTC")
            if referral.state == "asked":
                local = self.clock.now().astimezone(zone).strftime("%H:%M")
                self.out.did(
                    f"asked {person.name} ({person.team}, {local} local): {referral.reason}"
                )
            elif (
                referral.state == "queued"
                and referral.due_at
                and referral.due_at > self.clock.now()
            ):
                due = referral.due_at.astimezone(zone).strftime("%a %H:%M")
                self.out.skipped(f"{person.name} waits until {due} their time ({referral.reason})")
            elif referral.state == "queued":
                self.out.skipped(f"{person.name} is next in line ({referral.reason})")

    async def dm_for(self, user_id: str, count_before: int) -> Call:
        calls = await self.slack.api.wait_for("chat.postMessage", count_before + 1)
        for call in reversed(calls):
            if call.args.get("channel") == f"D{user_id}":
                return call
        raise RuntimeError(f"no DM to {user_id}")

    async def asked_user_ids(self, question: Question, state: str = "asked") -> list[str]:
        async with self.services.uow() as uow:
            referrals = await uow.referrals.for_question(question.id or 0)
            reachable = await uow.people.user_ids("slack")
        return [reachable[r.person_id] for r in referrals if r.state == state]

    async def click_ask(self, question: Question, user_id: str, action: str) -> None:
        async with self.services.uow() as uow:
            person = await uow.people.by_identity("slack", user_id)
            referrals = await uow.referrals.for_question(question.id or 0)
        referral = next(r for r in referrals if person and r.person_id == person.id)
        packed = ReferralAction(referral.id or 0, action).pack()
        await self.slack.click(
            user_id, packed, referral.message_channel or f"D{user_id}", referral.message_id or "0"
        )
        await self.settle()


async def replay_day(demo: Demo, *, short: bool = False) -> None:
    """The questions of a working day, the answers, a decline, a timeout, and chit-chat."""
    out, slack, clock = demo.out, demo.slack, demo.clock
    out.heading("A working day in chat")
    ts, kube = await demo.ask(
        "Maya", PLATFORM, "How do I give a new kubernetes namespace its own resource quotas?"
    )
    assert kube is not None
    first = (await demo.asked_user_ids(kube))[0]
    clock.advance(timedelta(minutes=6))
    await demo.click_ask(kube, first, "accept")
    out.did(f"{slack.name(first)} clicked I can help: Learnlink said so in the thread")
    answer = "Create a ResourceQuota in the namespace: kubectl apply -f quota.yaml, see the runbook"
    clock.advance(timedelta(minutes=4))
    reply_ts = await slack.say(slack.name(first).split()[0], PLATFORM, answer, thread_ts=ts)
    out.chat(clock.now(), slack.name(first), "the thread", answer)
    await demo.settle()
    out.did("answer recorded as evidence of knowing kubernetes")
    await slack.react("Maya", PLATFORM, reply_ts, "white_check_mark")
    await demo.settle()
    out.did("Maya marked it with ✅: resolved, and the answer counts double from now on")

    clock.advance(timedelta(minutes=20))
    await demo.ask("Gus", RANDOM, "lunch anyone? the new ramen place?")

    clock.advance(timedelta(minutes=10))
    ts, lag = await demo.ask(
        "Quinn", DATA, "Does anyone know why our postgresql replica lag spikes every night?"
    )
    assert lag is not None
    asked = await demo.asked_user_ids(lag)
    await demo.click_ask(lag, asked[0], "decline")
    out.did(f"{slack.name(asked[0])} said Not me: noted against postgresql for them, next asked")
    for user_id in await demo.asked_user_ids(lag):
        if user_id not in asked:
            out.did(f"asked {slack.name(user_id)} instead")
    if not short:
        clock.advance(timedelta(minutes=61))
        sent = await advance_open_questions(demo.services.context)
        out.did(f"an hour without an answer: those asks timed out ({sent} more asked now)")
        clock.advance(timedelta(minutes=20))
        sent = await advance_open_questions(demo.services.context)
        helper = (await demo.asked_user_ids(lag))[-1]
        out.did(f"{slack.name(helper)} is free again (2 h since the last ask): asked")
        text = "It's the nightly vacuum on the big table: move it to pg_cron at 03:00 and watch wal"
        clock.advance(timedelta(minutes=5))
        await slack.say(slack.name(helper).split()[0], DATA, text, thread_ts=ts)
        out.chat(clock.now(), slack.name(helper), "the thread", text)
        await demo.settle()
        out.did("answer recorded; the question now counts as answered")

    clock.advance(timedelta(minutes=15))
    out.chat(clock.now(), "Elif", "a DM with Learnlink", "/learnlink experts terraform")
    reply = await slack.command("Elif", "experts terraform")
    mentioned = re.findall(r"<@(U\w+)>", str(reply.args.get("blocks")))
    names = [slack.name(user_id) for user_id in mentioned]
    out.did("answered privately with: " + ", ".join(names[:5]))


async def run_pairing(demo: Demo) -> tuple[int, int]:
    """An admin starts a programme in #learning; one round; halfway, a check-in."""
    out, slack, clock = demo.out, demo.slack, demo.clock
    out.heading("Peer learning pairs")
    slack.api.members[LEARNING] = sorted(slack.people)[:14]
    out.chat(clock.now(), "Eva", "#learning", "/learnlink pairing start #learning weekly wed 12:00")
    reply = await slack.command(
        "Eva", "pairing start <#C0LEARNING|learning> weekly wed 12:00 Europe/London"
    )
    out.did(str(reply.args.get("text") or "")[:160])
    clock.set(clock.now().replace(hour=12, minute=0, second=30))
    outcome = await run_due_round(demo.services.context, 1)
    groups = outcome.groups if outcome else ()
    async with demo.services.uow() as uow:
        rows = await uow.programs.groups(outcome.round_id or 0) if outcome else []
    for names, row in zip(groups, rows, strict=False):
        out.did(" + ".join(names) + (f": {row.reason}" if row.reason else ""))
    clock.advance(timedelta(days=3, hours=13))
    checkins = await send_due_checkins(demo.services.context)
    out.did(f"halfway through the week: {checkins} check-ins sent")
    met = 0
    for row in rows[:2]:
        async with demo.services.uow() as uow:
            members = await uow.programs.members(row.id or 0)
            reachable = await uow.people.user_ids("slack")
        await slack.click(
            reachable[members[0].person_id],
            PairAction(row.id or 0, "met").pack(),
            row.message_channel or "G0",
            row.message_id or "0",
        )
        met += 1
    await demo.settle()
    out.did(f"{met} groups answered We met")
    return len(rows), met
