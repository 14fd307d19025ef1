"""End to end over HTTP: Teams activities in, Bot Connector calls and database rows out."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.model import Person
from bot.handlers.teams.gateway import Delivered
from bot.rendering.callbacks import ReferralAction
from bot.rendering.views import Notice
from tests.fakes.bot_connector import Call, cards
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import ASKER, KIM, TESS, Teams
from tests.handlers.teams.validation import card_errors

QUESTION = "How do I unlock a stuck terraform state after a failed apply?"


def texts(card: dict[str, Any]) -> str:
    """Every text in a card, TextBlocks and TextRuns, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextBlock", "TextRun") and "text" in node:
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def verbs(card: dict[str, Any]) -> list[str]:
    for block in card["body"]:
        if block["type"] == "ActionSet":
            return [x["verb"] for x in block["actions"] if x["type"] == "Action.Execute"]
    return []


def only_card(call: Call) -> dict[str, Any]:
    (card,) = cards(call)
    assert card_errors(card) == []
    return card


async def ask_in_channel(teams: Teams, text: str = QUESTION) -> dict[str, Any]:
    post = a.channel_message(teams.service_url, ASKER, text)
    reply = await teams.post(post)
    assert reply.status in (200, 201)
    await teams.settle()
    return post


async def routed(installed: Teams) -> tuple[dict[str, Any], int, str]:
    """A channel question asked of its first expert: (the post, referral id, expert's AAD id)."""
    post = await ask_in_channel(installed)
    asked = [(rid, who) for rid, who, state in await installed.referrals() if state == "asked"]
    assert len(asked) == 1
    return post, *asked[0]


async def test_adding_the_app_to_a_team_syncs_the_roster(teams: Teams) -> None:
    reply = await teams.post(a.bot_added_to_team(teams.service_url, ASKER))
    assert reply.status in (200, 201)
    await teams.settle()
    paged = [c for c in teams.connector.calls if c.path.endswith("/pagedmembers")]
    assert len(paged) == 3  # five members, two per page
    assert {c.conversation for c in paged} == {a.TEAM}
    references = await teams.references()
    assert (a.TEAM, "channel", None) in references
    assert {key for key, scope, _ in references if scope == "member"} == {
        "member:aad-asker",
        "member:aad-tess",
        "member:aad-kim",
        "member:aad-tom",
        "member:aad-fin",
    }
    async with teams.services.uow() as uow:
        tess = await uow.people.by_identity("teams", "aad-tess")
        assert tess is not None
        assert (tess.name, tess.email) == ("Tess Terraform", "tess@acme.test")


async def test_a_channel_question_reaches_the_right_expert_as_a_card(installed: Teams) -> None:
    post, referral_id, expert = await routed(installed)
    (question,) = await installed.questions()
    assert question.text == QUESTION
    assert (question.channel_id, question.message_id) == (a.CHANNEL, post["id"])
    assert question.permalink and question.permalink.startswith("https://teams.microsoft.com/")
    assert "terraform" in question.topics
    assert expert in ("aad-tess", "aad-tom")
    opened = [
        c for c in installed.connector.created() if c.body["members"][0]["id"].endswith(expert)
    ]
    assert len(opened) == 1
    assert opened[0].body["channelData"]["tenant"]["id"] == a.TENANT
    assert opened[0].body["tenantID"] == a.TENANT  # botbuilder's spelling; .NET reads any case
    assert opened[0].body["isGroup"] is False
    dm = [c for c in installed.connector.sent() if cards(c) and verbs(cards(c)[0])]
    assert len(dm) == 1
    card = only_card(dm[0])
    assert verbs(card) == [
        ReferralAction(referral_id, x).pack() for x in ("accept", "decline", "snooze")
    ]
    assert QUESTION in texts(card)
    # The asker hears, privately (their 1:1 chat), who was asked.
    notes = [c for c in installed.connector.sent() if "I asked 1 person" in texts(only_card(c))]
    assert len(notes) == 1
    assert notes[0].conversation != dm[0].conversation


async def test_a_mention_is_an_explicit_ask(installed: Teams) -> None:
    post = a.channel_message(
        installed.service_url, ASKER, "terraform state lock help", mention=True
    )
    assert (await installed.post(post)).status in (200, 201)
    await installed.settle()
    (question,) = await installed.questions()
    assert question.text == "terraform state lock help"
    assert question.source == "mention"


@pytest.mark.parametrize(
    ("verb", "state", "answer"),
    [
        ("accept", "accepted", "Thanks! I told the asker"),
        ("decline", "declined", "I won't ask you about this again"),
        ("snooze", "snoozed", "I'll ask someone else"),
    ],
)
async def test_each_card_action_routes_to_the_use_case_and_updates_the_card(
    installed: Teams, verb: str, state: str, answer: str
) -> None:
    post, referral_id, expert = await routed(installed)
    installed.connector.calls.clear()
    who = TESS if expert == "aad-tess" else a.account("Tom Terraform", "aad-tom")
    action = a.card_action(
        installed.service_url, who, ReferralAction(referral_id, verb).pack(), {"summary": "Q"}
    )
    reply = await installed.post(action)
    assert reply.status == 200
    assert reply.body["statusCode"] == 200
    assert reply.body["type"] == "application/vnd.microsoft.card.adaptive"
    card = reply.body["value"]
    assert card_errors(card) == []
    assert answer in texts(card)
    assert verbs(card) == []  # the buttons are gone: the card was updated in place
    await installed.settle()
    states = {rid: s for rid, _, s in await installed.referrals()}
    assert states[referral_id] == state
    thread = f"{a.CHANNEL};messageid={post['id']}"
    if verb == "accept":
        (on_it,) = installed.connector.sent(thread)
        card = only_card(on_it)
        assert "is on it" in texts(card)
        assert card["msteams"]["entities"][0]["mentioned"]["id"] == expert
    else:
        assert installed.connector.sent(thread) == []
        others = [who for _, who, s in await installed.referrals() if s == "asked"]
        assert others and expert not in others  # the next expert was asked
    again = await installed.post(action)
    assert "Got it already" in texts(again.body["value"])


async def test_the_submit_fallback_updates_the_card_in_place(installed: Teams) -> None:
    _, referral_id, expert = await routed(installed)
    who = TESS if expert == "aad-tess" else a.account("Tom Terraform", "aad-tom")
    verb = ReferralAction(referral_id, "snooze").pack()
    submit = a.card_submit(
        installed.service_url, who, {"verb": verb, "summary": "Q"}, "1700000000002"
    )
    assert (await installed.post(submit)).status in (200, 201)
    await installed.settle()
    (update,) = installed.connector.updates()
    assert update.activity_id == "1700000000002"
    assert update.conversation == a.personal_conversation(who)["id"]
    assert "I'll ask someone else" in texts(only_card(update))
    assert {rid: s for rid, _, s in await installed.referrals()}[referral_id] == "snoozed"


async def test_a_reply_in_the_thread_is_recorded_as_an_answer(installed: Teams) -> None:
    post, _, _ = await routed(installed)
    reply = a.channel_message(
        installed.service_url, KIM, "terraform force-unlock with the lock id", thread=post["id"]
    )
    assert (await installed.post(reply)).status in (200, 201)
    await installed.settle()
    (question,) = await installed.questions()
    assert question.status == "answered"
    async with installed.services.uow() as uow:
        (answer,) = await uow.questions.answers(question.id or 0)
        assert answer.message_id == reply["id"]
    like = a.reaction(installed.service_url, ASKER, reply["id"], post["id"])
    assert (await installed.post(like)).status in (200, 201)
    await installed.settle()
    async with installed.services.uow() as uow:
        (answer,) = await uow.questions.answers(question.id or 0)
        assert answer.reactions == 1  # a reaction on an answer counts a little


async def test_a_redelivered_activity_is_processed_once(installed: Teams) -> None:
    post = a.channel_message(installed.service_url, ASKER, QUESTION)
    for _ in range(2):
        assert (await installed.post(post)).status in (200, 201)
    await installed.settle()
    assert len(await installed.questions()) == 1
    assert len([e for e in await installed.inbox() if e[1] == "message"]) == 1
    assert len([r for r in await installed.referrals() if r[2] == "asked"]) == 1


async def test_people_the_bot_cannot_reach_are_reported_not_dropped(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the app in the team, nobody has a conversation reference yet."""
    await ask_in_channel(teams)
    assert teams.connector.created() == []
    assert "cannot reach" in caplog.text
    assert all(state == "queued" for _, _, state in await teams.referrals())


async def test_send_direct_returns_who_it_could_not_reach(installed: Teams) -> None:
    async with installed.services.uow() as uow:
        ghost = await uow.people.add(Person(name="Ghost"))
        await uow.people.link(ghost, "teams", "aad-ghost")
        await uow.commit()
    sent = await installed.runtime.gateway.send_direct(
        a.TENANT, ["aad-kim", "aad-ghost"], Notice("Hello"), key="hello:1"
    )
    assert isinstance(sent, Delivered)
    assert sent.unreachable == ("aad-ghost",)
    again = await installed.runtime.gateway.send_direct(
        a.TENANT, ["aad-kim", "aad-ghost"], Notice("Hello"), key="hello:1"
    )
    assert again.message_id == sent.message_id
    assert len(installed.connector.sent()) == 1  # the same key is never sent twice
