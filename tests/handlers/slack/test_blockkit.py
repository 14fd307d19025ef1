"""Block Kit from neutral views: the right buttons, and always within Slack's limits."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rendering import blockkit
from bot.rendering.callbacks import PairAction, ReferralAction
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


def ask(**fields: Any) -> ExpertAsk:
    base: dict[str, Any] = {
        "referral_id": 42,
        "asker_name": "Ann Asker",
        "question_text": "How do I rotate the terraform state key?",
        "reason": "answered 3 terraform questions",
        "permalink": "https://t1.slack.com/archives/C1/p1700000100000100",
        "channel_name": "infra",
        "topics": ("terraform",),
    }
    return ExpertAsk(**{**base, **fields})


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                found.append(element["text"])
    return found


def test_an_ask_has_three_buttons_carrying_the_packed_callback_data() -> None:
    message = blockkit.render(ask())
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    buttons = actions["elements"]
    assert [b["text"]["text"] for b in buttons] == ["I can help", "Not me", "Not now"]
    assert [ReferralAction.unpack(b["action_id"]) for b in buttons] == [
        ReferralAction(42, "accept"),
        ReferralAction(42, "decline"),
        ReferralAction(42, "snooze"),
    ]
    assert [b.get("style") for b in buttons] == ["primary", None, None]
    assert "Ann Asker asked" in message.text
    assert any("View the question" in t and "p1700000100000100" in t for t in texts(message.blocks))
    assert any("answered 3 terraform questions" in t for t in texts(message.blocks))


def test_a_huge_question_is_cut_with_an_ellipsis_to_fit_a_section() -> None:
    message = blockkit.render(ask(question_text="why " * 5000, reason="x" * 5000))
    assert all(len(t) <= blockkit.MAX_SECTION_TEXT for t in texts(message.blocks))
    assert any(t.endswith(blockkit.ELLIPSIS) for t in texts(message.blocks))
    assert len(message.text) <= blockkit.MAX_FALLBACK_TEXT


def test_people_text_cannot_ping_a_channel_or_fake_a_link() -> None:
    message = blockkit.render(ask(question_text="<!channel> see <https://evil|docs> & more"))
    question = texts(message.blocks)[0]
    assert "<!channel>" not in question and "&lt;!channel&gt;" in question
    assert "<https://evil" not in question and "&amp; more" in question


def test_a_notice_with_many_lines_stays_under_fifty_blocks_and_says_how_many_more() -> None:
    lines = tuple(f"line {n}: " + "x" * 400 for n in range(1000))
    message = blockkit.render(Notice("Here is everything:", lines))
    assert len(message.blocks) == blockkit.MAX_BLOCKS
    last = message.blocks[-1]
    assert last["type"] == "context" and "more" in last["elements"][0]["text"]
    shown = sum(t.count("\n") + 1 for t in texts(message.blocks[1:-1]))
    hidden = int(last["elements"][0]["text"].split("and ")[1].split(" ")[0])
    assert shown + hidden == 1000


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(max_size=5000),
    lines=st.lists(st.text(max_size=4000), max_size=80),
    name=st.text(min_size=1, max_size=300),
)
def test_any_view_renders_within_limits(text: str, lines: list[str], name: str) -> None:
    for view in (Notice(text, tuple(lines)), ask(question_text=text, asker_name=name)):
        message = blockkit.render(view)  # to_dict() validates every block
        assert 1 <= len(message.blocks) <= blockkit.MAX_BLOCKS
        assert all(0 < len(t) <= blockkit.MAX_SECTION_TEXT for t in texts(message.blocks))


def test_expert_list_mentions_reachable_people_and_says_why() -> None:
    experts = (
        ExpertLine("Eve Expert", "UEXPERT", ("declared terraform", "answered 4")),
        ExpertLine("Teams Only", None, ()),
    )
    message = blockkit.render(ExpertList("terraform", experts))
    lines = texts(message.blocks)
    assert lines[1] == "<@UEXPERT> — declared terraform; answered 4"
    assert lines[2] == "*Teams Only*"
    assert "Nobody" not in message.text
    empty = blockkit.render(ExpertList("cobol", ()))
    assert "don't know anyone" in texts(empty.blocks)[0]


def home(n: int) -> Home:
    line = QuestionLine(1, "How do I deploy?", "routing", "https://t1.slack.com/x")
    return Home(
        name="Ann",
        knows=("python",),
        wants_to_learn=("terraform",),
        asked=(line,) * n,
        waiting_for_you=(line,) * n,
        helped=("Eve",) * n,
        helped_by=(),
        status="Taking part",
    )


def test_home_tab_is_a_valid_home_view_with_an_edit_button() -> None:
    tab = blockkit.home_tab(home(3))
    assert tab["type"] == "home"
    ids = [e["action_id"] for b in tab["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ids == [blockkit.EDIT_PROFILE_ACTION]
    assert any("Waiting for your help" in t for t in texts(tab["blocks"]))


def test_a_huge_home_tab_is_cut_to_a_hundred_blocks() -> None:
    tab = blockkit.home_tab(home(5000))
    assert len(tab["blocks"]) <= blockkit.MAX_VIEW_BLOCKS


def test_the_profile_modal_round_trips_through_a_submission() -> None:
    form = ProfileForm(
        "Ann", ("python", "sql"), ("go",), "Europe/Berlin", "08:30", "17:00", True, None
    )
    modal = blockkit.profile_modal(form)
    assert modal["type"] == "modal" and modal["callback_id"] == blockkit.PROFILE_CALLBACK
    # What Slack sends back when the form is submitted untouched:
    values: dict[str, Any] = {}
    for block in modal["blocks"]:
        element = block["element"]
        if element["type"] == "plain_text_input":
            state = {"type": "plain_text_input", "value": element.get("initial_value")}
        elif element["type"] == "timepicker":
            state = {"type": "timepicker", "selected_time": element.get("initial_time")}
        else:
            state = {"type": "checkboxes", "selected_options": element.get("initial_options", [])}
        values[block["block_id"]] = {element["action_id"]: state}
    assert blockkit.profile_values(values) == {
        "knows": "python, sql",
        "wants_to_learn": "go",
        "timezone": "Europe/Berlin",
        "working_hours_start": "08:30",
        "working_hours_end": "17:00",
        "opted_out": True,
    }


def test_a_pair_intro_names_everyone_with_local_times_and_asks_if_they_met() -> None:
    members = (
        Member("Ann", "UASKER", "Europe/London", "10:00"),
        Member("Kai", None, "Asia/Tokyo", "19:00"),
    )
    intro = PairIntro(
        9, "Learning pairs", members, "Ann teaches SQL, Kai teaches Go", ("sql", "go")
    )
    message = blockkit.render(intro)
    lines = texts(message.blocks)
    assert "<@UASKER> (10:00 in Europe/London)" in lines[0] and "*Kai* (19:00" in lines[0]
    assert "Ann teaches SQL" in lines[1] and "sql, go" in lines[2]
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [PairAction.unpack(b["action_id"]) for b in actions["elements"]] == [
        PairAction(9, "met"),
        PairAction(9, "not_met"),
    ]
    check = blockkit.render(CheckIn(9, "Learning pairs", ("Ann", "Kai")))
    assert "did you meet Ann, Kai?" in texts(check.blocks)[0]
    assert len([b for b in check.blocks if b["type"] == "actions"]) == 1
