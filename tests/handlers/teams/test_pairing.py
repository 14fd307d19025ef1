"""A pairing round in Teams: each member gets the intro in their 1:1 chat, with a chat link,
and the programme's channel gets one post per group mentioning its members."""

from __future__ import annotations

from bot.domain.model import Program
from bot.handlers.rounds import run_round
from bot.rendering.callbacks import PairAction
from bot.rendering.views import Member, PairIntro
from tests.fakes.bot_connector import cards
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import PEOPLE, Teams
from tests.handlers.teams.test_flows import texts
from tests.handlers.teams.validation import card_errors

EMAILS = {aad: email for _, aad, email, *_ in PEOPLE}


async def start_programme(teams: Teams) -> int:
    """A programme for the team's General channel (whose id is the team's)."""
    async with teams.services.uow() as uow:
        workspace = await uow.workspaces.get_or_create("teams", a.TENANT)
        program = await uow.programs.add(
            Program(workspace.id or 0, "learning", a.TEAM, day="wed", created_at=teams.clock.now())
        )
        await uow.commit()
    return program.id or 0


async def test_a_round_delivers_an_intro_to_every_member(installed: Teams) -> None:
    program_id = await start_programme(installed)
    outcome = await run_round(installed.services.context, program_id)
    assert outcome.created and outcome.groups
    paired = {name for group in outcome.groups for name in group}
    direct = [c for c in installed.connector.sent() if c.conversation != a.TEAM]
    intros = [c for c in direct if "meet" in texts(cards(c)[0])]
    assert len(intros) == len(paired)
    opened = {c.body["members"][0]["id"] for c in installed.connector.created()}
    assert len(opened) == len(paired)  # a 1:1 chat with each member, none as a group
    card = cards(intros[0])[0]
    assert card_errors(card) == []
    verbs = [
        x["verb"]
        for b in card["body"]
        if b["type"] == "ActionSet"
        for x in b["actions"]
        if x["type"] == "Action.Execute"
    ]
    assert [PairAction.unpack(v).action for v in verbs] == ["met", "not_met"]
    (link,) = [
        x["url"]
        for b in card["body"]
        if b["type"] == "ActionSet"
        for x in b["actions"]
        if x["type"] == "Action.OpenUrl"
    ]
    assert link.startswith("https://teams.microsoft.com/l/chat/0/0?users=")
    assert sum(email.replace("@", "%40") in link for email in EMAILS.values()) >= 2

    member = next(aad for aad in EMAILS if f"29:1{aad}" in opened)
    name = next(n for n, aad, *_ in PEOPLE if aad == member)
    click = a.card_action(
        installed.service_url, a.account(name, member), verbs[0], {"summary": "learning"}
    )
    reply = await installed.post(click)
    assert reply.status == 200
    assert "Great, thanks for telling me" in texts(reply.body["value"])


async def test_a_round_posts_one_intro_per_group_in_the_programme_channel(
    installed: Teams,
) -> None:
    program_id = await start_programme(installed)
    outcome = await run_round(installed.services.context, program_id)
    posts = installed.connector.sent(a.TEAM)
    assert len(posts) == len(outcome.groups) >= 1
    names = {name: aad for name, aad, *_ in PEOPLE}
    for post, group in zip(posts, outcome.groups, strict=True):
        (card,) = cards(post)
        assert card_errors(card) == []
        assert "you're meeting this round" in texts(card)
        mentioned = {e["mentioned"]["id"] for e in card["msteams"]["entities"]}
        assert mentioned == {names[name] for name in group}
        assert all(f"<at>{name}</at>" in texts(card) for name in group)


async def test_the_channel_intro_is_keyed_once(installed: Teams) -> None:
    view = PairIntro(1, "learning", _members(), "Both into infra", (), channel_id=a.TEAM)
    gateway = installed.runtime.gateway
    first = await gateway.send_direct(a.TENANT, ["aad-kim", "aad-tom"], view, key="intro:x")
    again = await gateway.send_direct(a.TENANT, ["aad-kim", "aad-tom"], view, key="intro:x")
    assert again.message_id == first.message_id
    assert len(installed.connector.sent(a.TEAM)) == 1
    assert len(installed.connector.sent()) == 3  # two 1:1 cards and the channel post, once


async def test_no_channel_post_where_the_bot_is_not_in_the_channel(installed: Teams) -> None:
    view = PairIntro(1, "learning", _members(), "", (), channel_id="19:elsewhere@thread.tacv2")
    sent = await installed.runtime.gateway.send_direct(
        a.TENANT, ["aad-kim", "aad-tom"], view, key="intro:y"
    )
    assert sent.message_id
    assert installed.connector.sent("19:elsewhere@thread.tacv2") == []
    assert len(installed.connector.sent()) == 2  # the two 1:1 cards still went


def _members() -> tuple[Member, ...]:
    return (
        Member("Kim Kube", "aad-kim", "Europe/London", "10:00"),
        Member("Tom Terraform", "aad-tom", "Europe/London", "10:00"),
    )
