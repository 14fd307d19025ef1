"""Question detection: quality on the labelled set, the hard rules, and robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.detection import Detection, MessageFacts, detect_question, strip_markup
from bot.matching.detection_eval import evaluate, format_report, read_labelled

LABELLED = Path(__file__).parent / "data" / "detection_labelled.csv"


def detect(text: str, **facts: object) -> Detection:
    return detect_question(MessageFacts(text=text, **facts))  # type: ignore[arg-type]


# --- quality on the labelled set -----------------------------------------------------


def test_labelled_set_is_large_varied_and_balanced() -> None:
    rows = list(read_labelled(LABELLED))
    share = sum(expected for _, expected in rows) / len(rows)
    assert len(rows) >= 320
    assert len({text for text, _ in rows}) == len(rows)
    assert 0.35 <= share <= 0.55


def test_precision_and_recall_on_labelled_set() -> None:
    result = evaluate(read_labelled(LABELLED))
    print()
    print(format_report(result))
    assert result["precision"] >= 0.9
    assert result["recall"] >= 0.8


def test_evaluate_counts_each_outcome() -> None:
    rows = [
        ("how do I rotate the vault token?", True),  # tp
        ("lunch anyone?", True),  # fn
        ("where can I find the leave policy?", False),  # fp
        ("deployed v2 to prod", False),  # tn
    ]
    result = evaluate(rows)
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (1, 1, 1, 1)
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(0.5)
    assert result["f1"] == pytest.approx(0.5)
    assert result["misclassified"] == ["lunch anyone?", "where can I find the leave policy?"]


def test_evaluate_on_nothing_scores_zero_instead_of_dividing_by_zero() -> None:
    result = evaluate([])
    assert (result["precision"], result["recall"], result["f1"], result["total"]) == (0, 0, 0, 0)


# --- question signals ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "how do I rotate the vault token for staging",
        "what's the retention on our cloudwatch logs",
        "where can I find the parental leave policy",
        "who knows the legacy billing system",
        "can someone explain how revenue recognition works",
        "is there a way to rerun one failed job",
        "does anyone know why CI is slow today",
        "any ideas",
        "anyone familiar with the feature flag service",
        "I'm stuck on the vendor onboarding form, any pointers",
        "the deploy failed with exit code 137 again. what am I missing?",
    ],
)
def test_questions_are_detected(text: str) -> None:
    assert detect(text).is_question


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("lunch anyone?", "social question"),
        ("coffee?", "social question"),
        ("who's coming to drinks friday?", "social question"),
        ("how was your weekend?", "social question"),
        ("guess what? we shipped!", "rhetorical question"),
        ("Want free pizza? Come to room 4", "rhetorical question"),
        ("Poll: tabs or spaces? React with :one: or :two:", "poll"),
        ("thanks <@U024BE7LH>, that fixed it!", "thanks"),
    ],
)
def test_social_rhetorical_polls_and_thanks_are_not_questions(text: str, reason: str) -> None:
    verdict = detect(text)
    assert not verdict.is_question
    assert verdict.reason == reason


def test_happy_friday_is_not_a_question() -> None:
    assert not detect("happy friday!").is_question


def test_a_mention_removed_mid_sentence_does_not_make_a_question() -> None:
    assert not detect("I'll be OOO tomorrow, <@U0G9QF9C6> is covering for me").is_question
    assert detect(
        "<@U024BE7LH> <@U0G9QF9C6> do you know if staging is refreshed weekly"
    ).is_question


def test_request_to_one_person_without_question_mark_is_not_routed() -> None:
    assert not detect("can you review my PR when you get a chance").is_question
    assert detect("can you review my PR when you get a chance?").is_question


# --- explicit asks and ignored origins -------------------------------------------------


@pytest.mark.parametrize(
    "text", ["deploy the docs site", "vault token rotation", "<@U024BE7LH> kubernetes"]
)
def test_explicit_asks_always_count(text: str) -> None:
    verdict = detect(text, explicit=True)
    assert verdict == Detection(True, "explicit ask", 1.0)


def test_explicit_ask_wins_over_bot_subtype_and_answered_thread() -> None:
    verdict = detect(
        "terraform state",
        explicit=True,
        is_bot=True,
        subtype="message_changed",
        in_thread=True,
        thread_has_answer=True,
    )
    assert verdict.is_question


@pytest.mark.parametrize("text", ["", "   ", ":tada: :+1:", "<@U024BE7LH>", "```x = 1```"])
def test_explicit_ask_with_nothing_left_after_markup_is_not_a_question(text: str) -> None:
    assert not detect(text, explicit=True).is_question


QUESTION = "how do I rotate the vault token?"


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"is_bot": True}, "bot message"),
        ({"subtype": "bot_message"}, "bot message"),
        ({"subtype": "message_changed"}, "ignored subtype message_changed"),
        ({"subtype": "channel_join"}, "ignored subtype channel_join"),
        ({"subtype": "message_deleted"}, "ignored subtype message_deleted"),
        ({"in_thread": True, "thread_has_answer": True}, "thread already answered"),
    ],
)
def test_bots_edits_joins_and_answered_threads_are_ignored(
    facts: dict[str, bool | str], reason: str
) -> None:
    verdict = detect(QUESTION, **facts)
    assert not verdict.is_question
    assert verdict.reason == reason


def test_same_question_counts_when_posted_normally_or_in_an_open_thread() -> None:
    assert detect(QUESTION).is_question
    assert detect(QUESTION, in_thread=True, thread_has_answer=False).is_question
    assert detect(QUESTION, subtype="thread_broadcast").is_question


# --- code and links --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "```SELECT * FROM users WHERE email LIKE '%?%';```",
        "`is_valid?`",
        "```\ndef f(x):\n    return x if x else None\n```",
        "<pre>SELECT 1 WHERE a = ?</pre>",
    ],
)
def test_code_only_messages_are_ignored(text: str) -> None:
    verdict = detect(text)
    assert not verdict.is_question
    assert verdict.reason == "code only"


@pytest.mark.parametrize(
    "text",
    [
        "Updated the query to use `WHERE id = ?` placeholders",
        "Logs: ```GET /api/users?page=2 200 OK```",
        "Merged the PR <https://github.com/acme/app/pull/123?w=1|#123>",
        "Dashboard is at https://grafana.example.com/d/xyz?orgId=1",
        "Planning doc: <https://docs.example.com/d/1abc?usp=sharing|which option?>",
    ],
)
def test_question_mark_inside_code_or_link_does_not_count(text: str) -> None:
    assert not detect(text).is_question


def test_question_mark_in_prose_next_to_code_still_counts() -> None:
    assert detect("What does this error mean?\n```KeyError: 'user_id'```").is_question


# --- strip_markup ----------------------------------------------------------------------


def test_strip_markup_removes_slack_and_teams_markup_and_keeps_prose() -> None:
    text = (
        "<@U024BE7LH> see <#C1|general> and <https://x.example.com/a?b=1|the docs> :tada:\n"
        "```code here```  then `inline` &amp; <p>teams <b>bold</b></p><at>Bot</at>"
    )
    assert strip_markup(text) == "see and the docs\nthen &\nteams bold"


def test_strip_markup_keeps_clock_times_and_plain_text() -> None:
    assert strip_markup("standup at 10:30:45 today") == "standup at 10:30:45 today"


def test_strip_markup_leaves_an_unclosed_fence_as_text_without_backticks() -> None:
    assert strip_markup("look ```not closed") == "look not closed"


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\t", "🎉🎉🎉", ":tada:", "?", "???", "🙏 :+1:"])
def test_empty_and_wordless_messages_are_not_questions(text: str) -> None:
    verdict = detect(text)
    assert not verdict.is_question
    assert verdict.reason in {"empty", "emoji only", "no words"}


@pytest.mark.parametrize(
    "text",
    [
        "Как настроить VPN на маке?",
        "请问报销流程在哪里可以找到？",
        "كيف أطلب إجازة سنوية؟",
        "¿Alguien sabe cómo cambiar la cuenta de costos?",
        "deploy 失败了, how do I roll back？",
    ],
)
def test_questions_in_other_scripts_use_their_question_marks(text: str) -> None:
    assert detect(text).is_question


@pytest.mark.parametrize(
    "text", ["Всем привет! Релиз сегодня в 17:00", "今日のデプロイは完了しました 🎉", "شكرا للجميع"]
)
def test_statements_in_other_scripts_are_not_questions(text: str) -> None:
    assert not detect(text).is_question


@pytest.mark.parametrize(
    "text",
    [
        "a" * 50_000,
        "how do I " * 5_555,
        "`" * 50_000,
        "```" + "x" * 49_990 + "?",
        "<" * 50_000,
        "<https://" + "a" * 49_990,
        "<code>" * 8_000,
        ":" + "a" * 49_998,
        "?" * 50_000,
        ("word, " * 8_000) + "anyone know?",
        "🎉" * 50_000,
    ],
)
def test_fifty_thousand_character_messages_are_handled(text: str) -> None:
    verdict = detect(text)
    assert isinstance(verdict.is_question, bool)
    assert 0.0 <= verdict.confidence <= 1.0
    assert verdict.reason


def test_long_message_with_a_question_at_the_end_is_still_seen() -> None:
    log = "INFO request handled in 12ms\n" * 1_700
    assert len(log) > 45_000
    assert detect(log + "why does the worker restart every hour?").is_question


# --- properties ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=400),
    is_bot=st.booleans(),
    subtype=st.none() | st.sampled_from(["message_changed", "channel_join", "file_share"]),
    in_thread=st.booleans(),
    answered=st.booleans(),
    explicit=st.booleans(),
)
def test_detect_question_never_raises(
    text: str, is_bot: bool, subtype: str | None, in_thread: bool, answered: bool, explicit: bool
) -> None:
    facts = MessageFacts(text, is_bot, subtype, in_thread, answered, explicit)
    verdict = detect_question(facts)
    assert isinstance(verdict, Detection)
    assert 0.0 <= verdict.confidence <= 1.0
    assert verdict.reason


MARKUP_ALPHABET = st.sampled_from([*"ab ?:<>|@#!\n`&;/.-_", "```", "http://", "<@U1>"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(MARKUP_ALPHABET, max_size=80).map("".join))
def test_detect_question_never_raises_on_markup_soup(text: str) -> None:
    assert isinstance(detect(text).is_question, bool)


PROSE = st.text(alphabet=st.characters(blacklist_characters="`"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(before=PROSE, body=PROSE, after=PROSE, inline=st.booleans())
def test_strip_markup_drops_closed_code_and_its_backticks(
    before: str, body: str, after: str, inline: bool
) -> None:
    fence = "`" if inline else "```"
    body = body.replace("\n", " ") if inline else body
    marker = "QQCODEMARKERQQ"
    stripped = strip_markup(f"{before}{fence}{marker}{body}{fence}{after}")
    assert "`" not in stripped
    assert marker not in stripped


def test_a_follow_up_question_mark_does_not_turn_chit_chat_into_a_question() -> None:
    assert not detect_question(MessageFacts("lunch anyone? the new ramen place?")).is_question
    mixed = "lunch anyone? also, how do I reset my vpn token?"
    assert detect_question(MessageFacts(mixed)).is_question
