"""Neutral views -> Slack Block Kit, built with slack-sdk's block models.

The models validate Slack's limits when serialised (`to_dict()` raises on a
section over 3000 characters, a button label over 75, ...), so a message that
would be rejected by Slack fails here, in a test, instead of in production
with `invalid_blocks`. Before that check, anything that comes from people
(question text, names, reasons) is escaped, so a question containing
`<!channel>` cannot ping a channel from a DM, and cut to fit with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    TimePickerElement,
)
from slack_sdk.models.views import View as SlackView

from bot.rendering.views import (
    Button,
    CheckIn,
    ExpertAsk,
    ExpertList,
    Home,
    Member,
    Notice,
    PairIntro,
    ProfileForm,
    QuestionLine,
)

MAX_BLOCKS = 50  # per message
MAX_VIEW_BLOCKS = 100  # per Home tab or modal
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000  # the notification text; Slack allows more but shows little
MAX_QUESTION_CHARS = 2500  # leaves room for the asker line in the same section
ELLIPSIS = "…"

View = ExpertAsk | Notice | ExpertList | ProfileForm | Home | PairIntro | CheckIn
PROFILE_CALLBACK = "profile"
EDIT_PROFILE_ACTION = "home:profile"


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage needs: a notification text and validated blocks."""

    text: str
    blocks: list[dict[str, Any]]


def render(view: View) -> SlackMessage:
    """Any view as a message (a Home or profile shown in a chat becomes its summary)."""
    if isinstance(view, ExpertAsk):
        text = f"{view.asker_name} asked: {view.question_text}"
        return _message(_fallback(text), expert_ask(view))
    if isinstance(view, ExpertList):
        return _message(_fallback(f"People who know about {view.topic}"), expert_list(view))
    if isinstance(view, Home):
        return _message(_fallback(f"{view.name}'s learning picture"), home_blocks(view, MAX_BLOCKS))
    if isinstance(view, ProfileForm):
        return _message(_fallback(f"{view.name}'s profile"), profile_summary(view))
    if isinstance(view, PairIntro):
        return _message(_fallback(f"Meet your {view.program} partners"), pair_intro(view))
    if isinstance(view, CheckIn):
        return _message(_fallback(f"Did you meet? ({view.program})"), check_in(view))
    return _message(_fallback(view.text), notice(view))


def expert_ask(view: ExpertAsk) -> list[Block]:
    where = f" in #{escape(view.channel_name)}" if view.channel_name else ""
    question = quote(escape(truncate(view.question_text, MAX_QUESTION_CHARS)))
    blocks: list[Block] = [section(f"*{escape(view.asker_name)}* asked{where}:\n{question}")]
    why = [f"Why you: {escape(view.reason)}"] if view.reason else []
    if view.topics:
        why.append("Topics: " + ", ".join(escape(t) for t in view.topics))
    if why:
        blocks.append(context(" · ".join(why)))
    if view.permalink:
        blocks.append(section(f"<{view.permalink}|View the question in Slack>"))
    blocks.append(actions(f"ask:{view.referral_id}", view.buttons))
    return blocks


def pair_intro(view: PairIntro) -> list[Block]:
    """The group DM of a new pair or trio: who, their local times, why, what about."""
    people = ", ".join(_member(m) for m in view.members)
    blocks: list[Block] = [section(f"*{escape(view.program)}*: meet {people}!")]
    if view.reason.strip():
        blocks.append(context(escape(view.reason)))
    if view.suggested_topics:
        topics = ", ".join(escape(t) for t in view.suggested_topics)
        blocks.append(section(f"Something to talk about: {topics}"))
    blocks.append(actions(f"pair:{view.pair_id}", view.buttons))
    return blocks


def check_in(view: CheckIn) -> list[Block]:
    names = ", ".join(escape(n) for n in view.names)
    return [
        section(f"Halfway through this *{escape(view.program)}* round: did you meet {names}?"),
        actions(f"checkin:{view.pair_id}", view.buttons),
    ]


def actions(block_id: str, buttons: Sequence[Button]) -> ActionsBlock:
    """Buttons whose action_id is the packed callback data the click sends back."""
    elements = [
        ButtonElement(
            text=truncate(b.label, ButtonElement.text_max_length),
            action_id=b.action,
            value=b.value,
            style=b.style,
        )
        for b in buttons
    ]
    return ActionsBlock(block_id=block_id, elements=elements)


def _member(member: Member) -> str:
    who = f"<@{member.user_id}>" if member.user_id else f"*{escape(member.name)}*"
    return f"{who} ({escape(member.local_time)} in {escape(member.timezone)})"


def notice(view: Notice) -> list[Block]:
    """The text, then the lines packed into as few sections as fit, then "and N more".

    Notice text is written by Learnlink itself (it may carry mentions such as
    `<@U123>`), so it is not escaped; it is only cut to fit. Slack rejects an
    empty section, so blank text and blank lines are left out.
    """
    blocks: list[Block] = [section(view.text)] if view.text.strip() else []
    chunks = packed(view.lines, MAX_SECTION_TEXT)
    room = MAX_BLOCKS - len(blocks)
    if len(chunks) > room:
        hidden = sum(count for _, count in chunks[room - 1 :])
        blocks.extend(section(chunk) for chunk, _ in chunks[: room - 1])
        blocks.append(context(f"{ELLIPSIS} and {hidden} more"))
    else:
        blocks.extend(section(chunk) for chunk, _ in chunks)
    room = MAX_BLOCKS - len(blocks) - (1 if view.buttons else 0)
    blocks.extend(
        section(quote(escape(truncate(q, MAX_QUESTION_CHARS)))) for q in view.quotes[:room]
    )
    if view.buttons:
        blocks.append(actions("notice", view.buttons))
    return blocks or [section(ELLIPSIS)]


def expert_list(view: ExpertList) -> list[Block]:
    topic = escape(view.topic)
    if not view.experts:
        return [section(f"I don't know anyone who knows about *{topic}* yet.")]
    blocks: list[Block] = [section(f"People who know about *{topic}*:")]
    for expert in view.experts[: MAX_BLOCKS - 1]:
        who = f"<@{expert.user_id}>" if expert.user_id else f"*{escape(expert.name)}*"
        why = "; ".join(escape(r) for r in expert.reasons)
        blocks.append(section(f"{who}" + (f" — {why}" if why else "")))
    return blocks


def home_tab(view: Home) -> dict[str, Any]:
    """The App Home tab for views.publish, validated as a Slack view."""
    home = SlackView(type="home", blocks=home_blocks(view, MAX_VIEW_BLOCKS))
    return home.to_dict()


def home_blocks(view: Home, limit: int) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"{view.name}'s learning picture", HeaderBlock.text_max_length)),
        context(escape(view.status)),
        section(_knows_and_wants(view.knows, view.wants_to_learn)),
        ActionsBlock(
            block_id="home:actions",
            elements=[ButtonElement(text="Edit profile", action_id=EDIT_PROFILE_ACTION)],
        ),
    ]
    groups = (
        ("Waiting for your help", [_question_line(q) for q in view.waiting_for_you]),
        ("Questions you asked", [_question_line(q) for q in view.asked]),
        ("You helped", [escape(name) for name in view.helped]),
        ("Helped you", [escape(name) for name in view.helped_by]),
        ("Pairing", [escape(line) for line in view.pairing]),
    )
    for title, lines in groups:
        if lines:
            blocks += [
                DividerBlock(),
                section(f"*{title}*"),
                *map(section, pack(lines, MAX_SECTION_TEXT)),
            ]
    if len(blocks) > limit:
        blocks = [*blocks[: limit - 1], context(f"{ELLIPSIS} more in `/learnlink home`")]
    return blocks


def profile_modal(view: ProfileForm) -> dict[str, Any]:
    """The profile editor (`/learnlink profile`, the Home tab's Edit profile)."""
    modal = SlackView(
        type="modal",
        callback_id=PROFILE_CALLBACK,
        title=PlainTextObject(text="Your Learnlink profile"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            _text_input("knows", "What you know (comma-separated)", ", ".join(view.knows), True),
            _text_input(
                "wants_to_learn",
                "What you want to learn (comma-separated)",
                ", ".join(view.wants_to_learn),
                True,
            ),
            _text_input("timezone", "Timezone (e.g. Europe/Berlin)", view.timezone or "", False),
            _time_input("working_hours_start", "Working hours start", view.working_hours_start),
            _time_input("working_hours_end", "Working hours end", view.working_hours_end),
            InputBlock(
                block_id="opted_out",
                label="Taking part",
                optional=True,
                element=CheckboxesElement(
                    action_id="value",
                    options=[_OPT_OUT],
                    initial_options=[_OPT_OUT] if view.opted_out else None,
                ),
            ),
        ],
    )
    return modal.to_dict()


def profile_values(state: dict[str, Any]) -> dict[str, Any]:
    """The submitted modal's `view.state.values`, by field (None when left empty)."""

    def value(block: str) -> Any:
        return (state.get(block) or {}).get("value") or {}

    return {
        "knows": value("knows").get("value") or "",
        "wants_to_learn": value("wants_to_learn").get("value") or "",
        "timezone": value("timezone").get("value") or None,
        "working_hours_start": value("working_hours_start").get("selected_time"),
        "working_hours_end": value("working_hours_end").get("selected_time"),
        "opted_out": bool(value("opted_out").get("selected_options")),
    }


def profile_summary(view: ProfileForm) -> list[Block]:
    hours = f"{view.working_hours_start or '?'}–{view.working_hours_end or '?'}"
    return [
        section(_knows_and_wants(view.knows, view.wants_to_learn)),
        context(f"Timezone {escape(view.timezone or 'not set')} · working hours {hours}"),
    ]


_OPT_OUT = Option(value="opted_out", text="Pause all asks and pairing (opt out)")


def _text_input(block_id: str, label: str, initial: str, multiline: bool) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=PlainTextInputElement(
            action_id="value", initial_value=initial or None, multiline=multiline
        ),
    )


def _time_input(block_id: str, label: str, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=TimePickerElement(action_id="value", initial_time=initial),
    )


def _knows_and_wants(knows: Sequence[str], wants: Sequence[str]) -> str:
    return f"*You know:* {_topics(knows)}\n*You want to learn:* {_topics(wants)}"


def _topics(topics: Sequence[str]) -> str:
    return ", ".join(escape(t) for t in topics) if topics else "_nothing yet_"


def _question_line(line: QuestionLine) -> str:
    text = escape(truncate(" ".join(line.text.split()), 200))
    link = f" <{line.permalink}|open>" if line.permalink else ""
    return f"• {text} _({escape(line.status)})_{link}"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, MAX_SECTION_TEXT)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, MAX_CONTEXT_TEXT))])


def pack(lines: Sequence[str], limit: int) -> list[str]:
    """Join lines into chunks of at most `limit` characters (a too-long line is cut)."""
    return [chunk for chunk, _ in packed(lines, limit)]


def packed(lines: Sequence[str], limit: int) -> list[tuple[str, int]]:
    """Chunks of non-blank lines, each with how many lines it holds."""
    chunks: list[tuple[str, int]] = []
    current, count = "", 0
    for raw in lines:
        if not raw.strip():
            continue
        line = truncate(raw, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append((current, count))
            current, count = line, 1
        else:
            current, count = (f"{current}\n{line}" if current else line), count + 1
    if current:
        chunks.append((current, count))
    return chunks


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn, so user text stays plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


def _fallback(text: str) -> str:
    return truncate(" ".join(text.split()), MAX_FALLBACK_TEXT)


def _message(text: str, blocks: Sequence[Block]) -> SlackMessage:
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks is more than Slack's {MAX_BLOCKS} per message")
    return SlackMessage(text, [block.to_dict() for block in blocks])
