"""Every neutral view as an Adaptive Card that the published 1.5 schema accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rendering import adaptive_cards
from bot.rendering.callbacks import ReferralAction
from bot.rendering.views import (
    CheckIn,
    ExpertAsk,
    ExpertLine,
    ExpertList,
    Home,
    Member,
    Notice,
    PairIntro,
    ProfileForm,
    QuestionLine,
)
from tests.handlers.teams.validation import card_errors

ASK = ExpertAsk(
    referral_id=42,
    asker_name="Ana Silva",
    question_text="How do I unlock a [stuck](https://evil.example) **terraform** state?",
    reason="answered 3 terraform questions",
    permalink="https://teams.microsoft.com/l/message/19%3Ax/1?tenantId=t",
    channel_name="platform",
    topics=("terraform",),
)
INTRO = PairIntro(
    pair_id=9,
    program="learning",
    members=(
        Member("Ana Silva", "aad-ana", "Europe/Berlin", "11:00"),
        Member("Kim Kube", "aad-kim", "Europe/London", "10:00"),
    ),
    reason="Ana knows python and wants go; Kim the other way round.",
    suggested_topics=("python", "go"),
)
PROFILE = ProfileForm(
    "Ana", ("python",), ("go",), "Europe/Berlin", "09:00", "17:00", True, "2026-04-01"
)
VIEWS: list[Any] = [
    ASK,
    INTRO,
    CheckIn(9, "learning", ("Ana Silva", "Kim Kube")),
    Notice("Here is what I can do:", lines=("`experts TOPIC` — who knows", "`help` — this")),
    Notice("<@aad-tess> knows about this and is on it."),
    Notice("Many", lines=tuple(f"line {n}" for n in range(60))),
    ExpertList("kubernetes", (ExpertLine("Kim Kube", "aad-kim", ("declared kubernetes",)),)),
    ExpertList("cobol", ()),
    PROFILE,
    ProfileForm("Bo", (), (), None, None, None, False, None),
    Home(
        name="Ana",
        knows=("python",),
        wants_to_learn=("go",),
        asked=(QuestionLine(1, "How do I?", "open", "https://teams.microsoft.com/l/x"),),
        waiting_for_you=(QuestionLine(2, "Why?", "routing"),),
        helped=("Bo",),
        helped_by=("Kim",),
        status="Active: colleagues may ask you about what you know.",
        pairing=("Paired with Kim this week",),
    ),
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: type(v).__name__)
def test_every_view_is_a_valid_adaptive_card(view: Any) -> None:
    card = adaptive_cards.render(view, {"aad-tess": "Tess Terraform"})
    assert card.content["version"] == "1.5"
    assert card_errors(card.content) == []
    assert card.summary
    assert card.attachment()["contentType"] == "application/vnd.microsoft.card.adaptive"


def test_the_schema_check_catches_a_bad_card() -> None:
    bad = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlok", "text": "x"}]}
    assert card_errors(bad) != []


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action.") and "title" in node:
                found.append(node)
            for key, value in node.items():
                if key != "fallback":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def test_ask_buttons_are_universal_actions_with_a_submit_fallback() -> None:
    card = adaptive_cards.render(ASK).content
    executes = [a for a in actions(card) if a["type"] == "Action.Execute"]
    assert [a["title"] for a in executes] == ["I can help", "Not me", "Not now"]
    assert [ReferralAction.unpack(a["verb"]).action for a in executes] == [
        "accept",
        "decline",
        "snooze",
    ]
    for action in executes:
        assert action["fallback"]["type"] == "Action.Submit"
        assert action["fallback"]["data"]["verb"] == action["verb"]
    assert executes[0]["style"] == "positive"
    assert any(a["type"] == "Action.OpenUrl" for a in actions(card))


def test_peoples_words_are_never_markdown() -> None:
    """The question's link and bold stay literal text: they are in TextRuns, not TextBlocks."""
    card = adaptive_cards.render(ASK).content
    blocks = json.dumps([b for b in card["body"] if b["type"] == "TextBlock"])
    assert "evil.example" not in blocks
    runs = [r["text"] for b in card["body"] if b["type"] == "RichTextBlock" for r in b["inlines"]]
    assert any("[stuck](https://evil.example)" in text for text in runs)


def test_mentions_become_teams_mentions() -> None:
    card = adaptive_cards.render(Notice("<@aad-tess> is on it."), {"aad-tess": "Tess"}).content
    assert card["body"][0]["text"] == "<at>Tess</at> is on it."
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Tess</at>",
            "mentioned": {"id": "aad-tess", "name": "Tess"},
        }
    ]


def test_long_lists_are_cut_with_a_count() -> None:
    card = adaptive_cards.render(Notice("Many", lines=tuple(str(n) for n in range(60)))).content
    assert card["body"][-1]["text"] == "… and 40 more"


def test_answered_card_keeps_the_question_and_drops_the_buttons() -> None:
    card = adaptive_cards.answered("Ana asked: how?", Notice("Thanks! `on it`")).content
    assert card_errors(card) == []
    assert actions(card) == []
    assert card["body"][1]["text"] == "Thanks! **on it**"


def test_profile_inputs_come_back_as_values() -> None:
    card = adaptive_cards.render(PROFILE).content
    ids = {b["id"] for b in card["body"] if "id" in b}
    assert ids == set(adaptive_cards.PROFILE_FIELDS)
    submitted = {"knows": "python, go ", "timezone": "", "opted_out": "true"}
    assert adaptive_cards.profile_values(submitted) == {
        "knows": "python, go",
        "wants_to_learn": "",
        "timezone": None,
        "working_hours_start": None,
        "working_hours_end": None,
        "opted_out": True,
    }


def test_an_intro_links_to_a_group_chat_with_everyone() -> None:
    emails = {"aad-ana": "ana@acme.test", "aad-kim": "kim@acme.test"}
    card = adaptive_cards.render(INTRO, emails=emails).content
    assert card_errors(card) == []
    (link,) = [a["url"] for a in actions(card) if a["type"] == "Action.OpenUrl"]
    assert link == (
        "https://teams.microsoft.com/l/chat/0/0"
        "?users=ana%40acme.test%2Ckim%40acme.test&topicName=learning"
    )
    executes = [a for a in actions(card) if a["type"] == "Action.Execute"]
    assert [a["title"] for a in executes] == ["We met", "Not this time"]
    without = adaptive_cards.render(INTRO, emails={"aad-ana": "ana@acme.test"}).content
    assert [a for a in actions(without) if a["type"] == "Action.OpenUrl"] == []
