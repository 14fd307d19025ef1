"""Personal-chat commands over HTTP: the same commands as /learnlink, answered as cards."""

from __future__ import annotations

import pytest

from tests.fakes.bot_connector import cards
from tests.handlers.teams import activities as a
from tests.handlers.teams.conftest import ASKER, KIM, Teams
from tests.handlers.teams.test_flows import texts
from tests.handlers.teams.validation import card_errors

CHAT = a.personal_conversation(KIM)["id"]


async def command(teams: Teams, text: str, who: dict[str, str] = KIM) -> str:
    """Send `text` in a 1:1 chat; the text of the one card the bot answered with there."""
    teams.connector.calls.clear()
    reply = await teams.post(a.personal_message(teams.service_url, who, text))
    assert reply.status in (200, 201)
    await teams.settle()
    (answer,) = teams.connector.sent(a.personal_conversation(who)["id"])
    (card,) = cards(answer)
    assert card_errors(card) == []
    return texts(card)


async def test_experts_lists_who_knows(teams: Teams) -> None:
    answer = await command(teams, "experts terraform")
    assert "People who know about" in answer
    assert "Tess Terraform" in answer
    assert "Tom Terraform" in answer
    assert "Kim Kube" not in answer


async def test_skills_add_changes_the_profile(teams: Teams) -> None:
    answer = await command(teams, "skills add docker, terraform")
    assert "Added docker, terraform" in answer
    async with teams.services.uow() as uow:
        kim = await uow.people.by_identity("teams", "aad-kim")
        assert kim is not None
        names = {t.name for _, t in await uow.topics.person_topics(kim.id or 0)}
    assert {"docker", "terraform", "kubernetes"} <= names


async def test_a_personal_chat_is_remembered_for_later(teams: Teams) -> None:
    await command(teams, "help")
    async with teams.services.uow() as uow:
        kim = await uow.people.by_identity("teams", "aad-kim")
    assert (CHAT, "personal", kim.id if kim else None) in await teams.references()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate now", "I don't know **frobnicate**"),
        ("", "Here is what I can do"),
        ("experts", "Name a topic. Usage: **experts TOPIC**"),
        ("skills juggle", "Usage: **skills add|remove|list [TOPICS]**"),
        ("learn", "Usage: **learn add|remove|list [TOPICS]**"),
        ("pause forever", "Usage: **pause 2w**"),
        ("pause 99w", "at most 26 weeks"),
        ("forget-me please", "Usage: **forget-me** then **forget-me confirm**"),
        ("ask hi", "Usage: **ask QUESTION**"),
        ("ask how do I deploy?", "Ask from a channel"),
        ("channel capture maybe", "is for Learnlink admins only"),
        ("stats", "is for Learnlink admins only"),
    ],
)
async def test_bad_arguments_answer_with_the_usage(teams: Teams, text: str, expected: str) -> None:
    assert expected in await command(teams, text)


async def test_help_is_the_usage_card(teams: Teams) -> None:
    answer = await command(teams, "help")
    assert "**experts TOPIC** — who knows about a topic" in answer


async def test_home_and_profile_are_cards(teams: Teams) -> None:
    assert "learning picture" in await command(teams, "home")
    assert "Your Learnlink profile" in await command(teams, "profile")


async def test_a_command_mentioned_in_a_channel_is_answered_in_its_thread(installed: Teams) -> None:
    post = a.channel_message(installed.service_url, ASKER, "experts kubernetes", mention=True)
    assert (await installed.post(post)).status in (200, 201)
    await installed.settle()
    (answer,) = installed.connector.sent(f"{a.CHANNEL};messageid={post['id']}")
    assert "Kim Kube" in texts(cards(answer)[0])
    assert await installed.questions() == []


async def test_a_personal_install_stores_the_chat(teams: Teams) -> None:
    teams.connector.rosters[CHAT] = [a.member("Kim Kube", "aad-kim", "kim@acme.test")]
    assert (await teams.post(a.personal_install(teams.service_url, KIM))).status in (200, 201)
    await teams.settle()
    scopes = {key: scope for key, scope, _ in await teams.references()}
    assert scopes[CHAT] == "personal"
    assert scopes["member:aad-kim"] == "member"  # from the 1:1 chat's roster


async def test_a_newcomer_is_known_by_name_and_timezone(teams: Teams) -> None:
    newcomer = a.account("Nia New", "aad-nia")
    assert "Here is what I can do" in await command(teams, "hello", newcomer)
    async with teams.services.uow() as uow:
        nia = await uow.people.by_identity("teams", "aad-nia")
        assert nia is not None
        assert (nia.name, nia.timezone) == ("Nia New", "Europe/London")
