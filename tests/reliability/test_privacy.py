"""Privacy, through the real Slack endpoint: opt-outs, forget-me, retention, private channels, DMs.

Every request is signed and sent to our running server; what people see is read
from the calls on the fake Slack Web API, what we hold from every table.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, ForeignKey, String, Text, func, select

from bot.handlers.retention import apply_retention
from bot.handlers.rounds import run_round
from bot.settings import Settings
from bot.storage import tables as t
from tests.fakes.slack_api import Call
from tests.fakes.slack_signing import event_request, message_event
from tests.handlers.slack.conftest import NOW, SECRET, Slack
from tests.handlers.slack.test_flows import command, text_of

QUESTION = "How do I rotate the terraform state key without downtime?"


@pytest.fixture
async def org(database: Settings, start_slack: Callable[..., Awaitable[Slack]]) -> Slack:
    """On SQLite and on PostgreSQL: Ann asks; Eve and Olly know terraform; Ada is an admin."""
    env = {}
    if database.database_url.startswith("postgresql"):
        env = {
            "DATABASE_URL": database.database_url,
            "LEARNLINK_DATABASE__SCHEMA": database.database.schema_name,
        }
    slack = await start_slack(**env)
    api = slack.api
    api.add_user("UASKER", "Ann Asker", tz="UTC")
    api.add_user("UEXPERT", "Eve Expert", tz="UTC")
    api.add_user("UOPTOUT", "Olly Optout", tz="UTC")
    api.add_user("UADMIN", "Ada Admin", tz="UTC", is_admin=True)
    for user in ("UEXPERT", "UOPTOUT"):
        await command(slack, user, "skills add terraform")
    return slack


async def ask(slack: Slack, text: str = QUESTION, **where: Any) -> None:
    ts = where.pop("ts", "1700000100.000100")
    event = message_event(text, user=where.pop("user", "UASKER"), ts=ts, **where)
    assert (await slack.send(event_request(SECRET, event, event_id=f"Ev{ts}"))).status == 200
    await slack.settled()


def dms(slack: Slack) -> list[Call]:
    return [
        c
        for c in slack.api.answered("chat.postMessage")
        if str(c.args.get("channel", "")).startswith(("D", "G"))
    ]


async def count(slack: Slack, table: t.Table) -> int:
    async with slack.services.engine.connect() as db:
        return int(await db.scalar(select(func.count()).select_from(table)) or 0)


async def test_opted_out_people_are_never_asked_shown_or_paired(org: Slack) -> None:
    await command(org, "UOPTOUT", "optout")
    await ask(org)
    assert [c.args["channel"] for c in dms(org)] == ["DUEXPERT"]
    assert "UOPTOUT" not in str([c.args for c in org.api.calls if c.method != "users.info"])
    shown = await command(org, "UASKER", "experts terraform")
    assert "UEXPERT" in str(shown.args) and "UOPTOUT" not in str(shown.args)
    org.api.members["CLEARN"] = ["UASKER", "UEXPERT", "UOPTOUT", "UADMIN"]
    started = await command(org, "UADMIN", "pairing start <#CLEARN|learning> weekly wed 10:00 UTC")
    assert "Started learning" in str(started.args)
    async with org.services.uow() as uow:
        [program] = await uow.programs.list()
    outcome = await run_round(org.services.context, program.id or 0, fire=NOW)
    assert outcome.created
    paired = [c.args["users"] for c in org.api.answered("conversations.open")]
    assert paired and all("UOPTOUT" not in users for users in paired)
    async with org.services.engine.connect() as db:
        people = dict(
            (await db.execute(select(t.identities.c.user_id, t.identities.c.person_id))).all()
        )
        members = set((await db.execute(select(t.pair_members.c.person_id))).scalars())
    assert members and people["UOPTOUT"] not in members


def _text_columns(table: t.Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, (String, Text, JSON))]


def _person_columns(table: t.Table) -> list[str]:
    return [
        c.name
        for c in table.columns
        for fk in c.foreign_keys
        if isinstance(fk, ForeignKey) and fk.target_fullname == "people.id"
    ]


async def leftovers(slack: Slack, user_id: str, name: str, person_id: int) -> list[str]:
    """Every row of every table that still names the person (id, name) or points at them."""
    found = []
    async with slack.services.engine.connect() as db:
        for table in t.metadata.sorted_tables:
            for row in (await db.execute(select(table))).mappings():
                for column in _text_columns(table):
                    value = row[column]
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if value is not None and (user_id in text or name in text):
                        found.append(f"{table.name}.{column} (row {row.get('id')})")
                for column in _person_columns(table):
                    if row[column] == person_id:
                        found.append(f"{table.name}.{column} (row {row.get('id')})")
                if table is t.people and row["id"] == person_id:
                    found.append(f"people row {person_id}")
    return found


async def test_forget_me_leaves_nothing_that_names_the_person_in_any_table(org: Slack) -> None:
    await ask(org)  # a question, the asker's evidence, a referral to Eve, the DM
    org.api.members["CLEARN"] = ["UASKER", "UEXPERT"]
    await command(org, "UASKER", "learn add kubernetes")
    await command(org, "UADMIN", "pairing start <#CLEARN|learning> weekly wed 10:00 UTC")
    async with org.services.uow() as uow:
        [program] = await uow.programs.list()
        asker = await uow.people.by_identity("slack", "UASKER")
        assert asker is not None and asker.id is not None
        person_id = asker.id
    assert (await run_round(org.services.context, program.id or 0, fire=NOW)).created
    before = await leftovers(org, "UASKER", "Ann Asker", person_id)
    assert {"questions", "evidence", "pair_members", "identities"} <= {
        entry.split(".")[0].split(" ")[0] for entry in before
    }
    reply = await command(org, "UASKER", "forget-me confirm")
    assert "deleted" in str(reply.args)
    await org.settled()
    assert await leftovers(org, "UASKER", "Ann Asker", person_id) == []
    assert await count(org, t.referrals) == 0  # the referral about her question went with it
    async with org.services.uow() as uow:
        eve = await uow.people.by_identity("slack", "UEXPERT")
    assert eve is not None  # nobody else was touched


async def test_retention_blanks_message_text_older_than_the_setting(org: Slack) -> None:
    org.clock.current = NOW - timedelta(days=400)
    await ask(org, ts="1600000000.000100")
    org.clock.current = NOW
    await ask(org, "How do I import existing terraform resources?", ts="1700000300.000100")
    purged = await apply_retention(org.services.context)
    assert purged.message_texts >= 1 and purged.evidence_texts >= 1
    async with org.services.engine.connect() as db:
        texts = dict((await db.execute(select(t.questions.c.message_id, t.questions.c.text))).all())
        evidence = (await db.execute(select(t.evidence.c.at, t.evidence.c.text))).all()
    assert texts == {
        "1600000000.000100": "",
        "1700000300.000100": "How do I import existing terraform resources?",
    }
    assert all(not text for at, text in evidence if at < NOW - timedelta(days=365))
    assert any(text for at, text in evidence if at >= NOW - timedelta(days=365))


async def test_a_private_channel_question_never_shows_its_text_to_the_expert(org: Slack) -> None:
    await ask(org, channel="GSECRET", channel_type="group")
    [dm] = [c for c in dms(org) if c.args["channel"] == "DUEXPERT"]
    shown = text_of(dm)
    assert "rotate" not in shown and "downtime" not in shown
    assert "archives/GSECRET" not in shown and "private channel" in shown
    async with org.services.engine.connect() as db:
        assert await db.scalar(select(t.questions.c.is_private)) is True


async def test_nothing_said_to_the_bot_in_a_dm_becomes_a_question_or_evidence(org: Slack) -> None:
    evidence_before = await count(org, t.evidence)
    await ask(org, channel="DBOT", channel_type="im")
    await ask(
        org,
        "I know terraform inside out, ask me anything",
        channel="DBOT",
        channel_type="im",
        user="UEXPERT",
        ts="1700000200.000100",
    )
    assert await count(org, t.questions) == 0
    assert await count(org, t.evidence) == evidence_before
    assert dms(org) == []
