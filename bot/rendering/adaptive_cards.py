"""Neutral views -> Adaptive Cards (schema 1.5) for Microsoft Teams.

Same views as `blockkit.py`, so a Teams user sees what a Slack user sees.
Buttons are Universal Actions (`Action.Execute`, answered by an
`adaptiveCard/action` invoke whose reply replaces the card in place); each
carries an `Action.Submit` fallback for clients without Universal Actions,
which comes back as a message whose `value` holds the same verb.

Text people wrote (questions, names, reasons) goes into `TextRun`s, which
Adaptive Cards never read as markdown, so a question cannot smuggle a link or
formatting into an expert's card. Learnlink's own wording goes into
`TextBlock`s; its Slack-style `<@USER>` mentions become Teams mentions
(`<at>Name</at>` plus an entity in the card's `msteams` extension).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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

Json = dict[str, Any]
View = ExpertAsk | Notice | ExpertList | ProfileForm | Home | PairIntro | CheckIn
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_CARD_BYTES = 26_000  # Teams rejects messages over ~28 KB; leave room for the envelope
MAX_TEXT = 2000
MAX_LINES = 20
ELLIPSIS = "…"
EDIT_PROFILE_VERB = "home:profile"  # the same action id as the Slack Home tab's button
SAVE_PROFILE_VERB = "profile:save"
PROFILE_FIELDS = (
    "knows",
    "wants_to_learn",
    "timezone",
    "working_hours_start",
    "working_hours_end",
    "opted_out",
)
MENTION = re.compile(r"<@([^>|\s]+)(?:\|[^>]*)?>")
CODE = re.compile(r"`([^`\n]+)`")
STYLES = {"primary": "positive", "danger": "destructive"}
GROUP_CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"


@dataclass(frozen=True)
class Card:
    """A card ready for an activity: the attachment content and a notification summary."""

    content: Json
    summary: str

    def attachment(self) -> Json:
        return {"contentType": CONTENT_TYPE, "content": self.content}


def render(
    view: View, names: Mapping[str, str] | None = None, emails: Mapping[str, str] | None = None
) -> Card:
    """Any view as a card; `names` turns mentioned user ids into display names, and
    `emails` (user id -> sign-in name) lets an intro open a group chat in one click."""
    names = names or {}
    if isinstance(view, PairIntro):
        people = ", ".join(m.name for m in view.members)
        return _card(pair_intro(view, emails or {}), f"{view.program}: meet {people}")
    if isinstance(view, CheckIn):
        return _card(check_in(view), f"{view.program}: did you meet {', '.join(view.names)}?")
    if isinstance(view, ExpertAsk):
        return _card(expert_ask(view), f"{view.asker_name} asked: {view.question_text}")
    if isinstance(view, ExpertList):
        return _card(expert_list(view), f"People who know about {view.topic}")
    if isinstance(view, Home):
        return _card(home(view), f"{view.name}'s learning picture")
    if isinstance(view, ProfileForm):
        return _card(profile_form(view), f"{view.name}'s profile")
    body, entities = notice(view, names)
    return _card(body, _mentions_as_names(view.text, names), entities)


def expert_ask(view: ExpertAsk) -> list[Json]:
    where = f" in {view.channel_name}" if view.channel_name else ""
    facts = [("Why you", view.reason)] if view.reason else []
    if view.topics:
        facts.append(("Topics", ", ".join(view.topics)))
    summary = truncate(f"{view.asker_name} asked: {' '.join(view.question_text.split())}", 300)
    body: list[Json] = [
        plain([bold(view.asker_name), f" asked{where}:"]),
        plain([italic(truncate(view.question_text, MAX_TEXT))]),
        *[plain([bold(f"{title}: "), truncate(value, 500)], subtle=True) for title, value in facts],
    ]
    actions = [execute(button, {"summary": summary}) for button in view.buttons]
    if view.permalink:
        actions.append(
            {"type": "Action.OpenUrl", "title": "View the question", "url": view.permalink}
        )
    body.append({"type": "ActionSet", "actions": actions})
    return body


def answered(summary: str, answer: Notice) -> Card:
    """An ask after the expert's click: the question stays, the buttons give way to the answer."""
    body = [plain([truncate(summary, 500)], subtle=True), text_block(_markdown(answer.text))]
    return _card(body, answer.text)


def notice(view: Notice, names: Mapping[str, str]) -> tuple[list[Json], list[Json]]:
    """The text, then its lines (at most MAX_LINES, then "and N more"), with mentions."""
    entities: dict[str, Json] = {}
    body = [text_block(_with_mentions(view.text, names, entities))]
    lines = list(view.lines)
    shown, hidden = lines[:MAX_LINES], len(lines) - MAX_LINES
    body += [text_block(_with_mentions(line, names, entities), spacing="None") for line in shown]
    if hidden > 0:
        body.append(text_block(f"{ELLIPSIS} and {hidden} more", subtle=True))
    body += [plain([truncate(quote, MAX_TEXT)]) for quote in view.quotes[:MAX_LINES]]
    if view.buttons:
        body.append({"type": "ActionSet", "actions": [execute(b) for b in view.buttons]})
    return body, list(entities.values())


def pair_intro(view: PairIntro, emails: Mapping[str, str]) -> list[Json]:
    """The intro each member gets in their 1:1 chat: who, their local times, why, a chat link.

    Teams bots cannot open group chats, so the card carries a deep link that
    opens one with everyone in the group (it needs their sign-in names).
    """
    people = ", ".join(m.name for m in view.members)
    summary = truncate(f"{view.program}: meet {people}", 300)
    body: list[Json] = [
        plain([bold(view.program), ": meet ", *_members(view.members), "!"]),
    ]
    if view.reason.strip():
        body.append(plain([truncate(view.reason, 500)], subtle=True))
    if view.suggested_topics:
        body.append(plain(["Something to talk about: ", ", ".join(view.suggested_topics)]))
    actions = [execute(button, {"summary": summary}) for button in view.buttons]
    link = group_chat_link(view, emails)
    if link:
        actions.insert(0, {"type": "Action.OpenUrl", "title": "Open a group chat", "url": link})
    body.append({"type": "ActionSet", "actions": actions})
    return body


def group_chat_link(view: PairIntro, emails: Mapping[str, str]) -> str | None:
    """A deep link that opens a group chat with every member, when all their emails are known."""
    found = [emails.get(m.user_id or "") for m in view.members]
    if len(found) < 2 or not all(found):
        return None
    query = urlencode({"users": ",".join(e for e in found if e), "topicName": view.program[:60]})
    return f"{GROUP_CHAT_LINK}?{query}"


def check_in(view: CheckIn) -> list[Json]:
    summary = truncate(f"{view.program}: did you meet {', '.join(view.names)}?", 300)
    names = ", ".join(view.names)
    return [
        plain(["Halfway through this ", bold(view.program), f" round: did you meet {names}?"]),
        {
            "type": "ActionSet",
            "actions": [execute(button, {"summary": summary}) for button in view.buttons],
        },
    ]


def expert_list(view: ExpertList) -> list[Json]:
    if not view.experts:
        return [plain(["I don't know anyone who knows about ", bold(view.topic), " yet."])]
    body = [plain(["People who know about ", bold(view.topic), ":"])]
    for expert in view.experts[:MAX_LINES]:
        why = "; ".join(expert.reasons)
        body.append(plain([bold(expert.name), *([f" — {truncate(why, 500)}"] if why else [])]))
    return body


def home(view: Home) -> list[Json]:
    body: list[Json] = [
        {
            "type": "TextBlock",
            "text": truncate(f"{view.name}'s learning picture", 200),
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        },
        plain([view.status], subtle=True),
        *_knows_and_wants(view.knows, view.wants_to_learn),
        {"type": "ActionSet", "actions": [execute(Button("Edit profile", EDIT_PROFILE_VERB, ""))]},
    ]
    groups: Sequence[tuple[str, Sequence[str | QuestionLine]]] = (
        ("Waiting for your help", view.waiting_for_you),
        ("Questions you asked", view.asked),
        ("You helped", view.helped),
        ("Helped you", view.helped_by),
        ("Pairing", view.pairing),
    )
    for title, items in groups:
        if items:
            body.append(text_block(f"**{title}**", separator=True))
            body += [_item(item) for item in items[:MAX_LINES]]
    return body


def profile_form(view: ProfileForm) -> list[Json]:
    """The profile editor; its inputs come back by id with the Save action."""
    return [
        text_block("**Your Learnlink profile**"),
        _input("knows", "What you know (comma-separated)", ", ".join(view.knows), True),
        _input(
            "wants_to_learn",
            "What you want to learn (comma-separated)",
            ", ".join(view.wants_to_learn),
            True,
        ),
        _input("timezone", "Timezone (e.g. Europe/Berlin)", view.timezone or "", False),
        _time("working_hours_start", "Working hours start", view.working_hours_start),
        _time("working_hours_end", "Working hours end", view.working_hours_end),
        {
            "type": "Input.Toggle",
            "id": "opted_out",
            "title": "Pause all asks and pairing (opt out)",
            "value": "true" if view.opted_out else "false",
            "wrap": True,
        },
        *([plain([f"Paused until {view.paused_until}"], subtle=True)] if view.paused_until else []),
        {"type": "ActionSet", "actions": [execute(Button("Save", SAVE_PROFILE_VERB, ""))]},
    ]


def profile_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted profile inputs, by field (None when left empty), as blockkit's."""

    def text(name: str) -> str | None:
        value = data.get(name)
        return str(value).strip() or None if value is not None else None

    return {
        "knows": text("knows") or "",
        "wants_to_learn": text("wants_to_learn") or "",
        "timezone": text("timezone"),
        "working_hours_start": text("working_hours_start"),
        "working_hours_end": text("working_hours_end"),
        "opted_out": str(data.get("opted_out", "false")).lower() == "true",
    }


# -- building blocks ----------------------------------------------------------


def execute(button: Button, data: Json | None = None) -> Json:
    """A Universal Action whose verb is the packed callback, with a Submit fallback."""
    action: Json = {
        "type": "Action.Execute",
        "title": truncate(button.label, 40),
        "verb": button.action,
        "data": dict(data or {}),
        "fallback": {
            "type": "Action.Submit",
            "title": truncate(button.label, 40),
            "data": {**(data or {}), "verb": button.action},
        },
    }
    if button.style in STYLES:
        action["style"] = STYLES[button.style]
    return action


def text_block(text: str, *, subtle: bool = False, **extra: Any) -> Json:
    block: Json = {"type": "TextBlock", "text": truncate(text, MAX_TEXT), "wrap": True, **extra}
    if subtle:
        block["isSubtle"] = True
    return block


def plain(inlines: Iterable[str | Json], *, subtle: bool = False) -> Json:
    """Text that is never read as markdown (people's words go here)."""
    runs: list[Json] = [
        {"type": "TextRun", "text": inline} if isinstance(inline, str) else inline
        for inline in inlines
    ]
    if subtle:
        runs = [{**run, "isSubtle": True} for run in runs]
    return {"type": "RichTextBlock", "inlines": runs}


def bold(text: str) -> Json:
    return {"type": "TextRun", "text": truncate(text, 200), "weight": "Bolder"}


def italic(text: str) -> Json:
    return {"type": "TextRun", "text": text, "italic": True}


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def _card(body: list[Json], summary: str, entities: Sequence[Json] = ()) -> Card:
    content: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    msteams: Json = {"width": "Full"}
    if entities:
        msteams["entities"] = list(entities)
    content["msteams"] = msteams
    size = len(json.dumps(content, ensure_ascii=False).encode())
    if size > MAX_CARD_BYTES:
        raise ValueError(f"card is {size} bytes, more than Teams takes ({MAX_CARD_BYTES})")
    return Card(content, truncate(" ".join(summary.split()), 250))


def _item(item: str | QuestionLine) -> Json:
    if isinstance(item, str):
        return plain([f"• {truncate(item, 200)}"])
    text = truncate(" ".join(item.text.split()), 200)
    inlines: list[str | Json] = [
        f"• {text} ",
        {"type": "TextRun", "text": f"({item.status})", "isSubtle": True},
    ]
    if item.permalink:
        inlines.append({"type": "TextRun", "text": " open", "selectAction": _open(item.permalink)})
    return plain(inlines)


def _members(members: Sequence[Member]) -> list[str | Json]:
    """'Ana (14:05 in Europe/Berlin), Bo (13:05 in Europe/London)', names in bold."""
    inlines: list[str | Json] = []
    for index, member in enumerate(members):
        if index:
            inlines.append(", ")
        inlines += [bold(member.name), f" ({member.local_time} in {member.timezone})"]
    return inlines


def _open(url: str) -> Json:
    return {"type": "Action.OpenUrl", "url": url}


def _knows_and_wants(knows: Sequence[str], wants: Sequence[str]) -> list[Json]:
    def topics(items: Sequence[str]) -> str:
        return ", ".join(items) if items else "nothing yet"

    return [
        plain([bold("You know: "), truncate(topics(knows), 1000)]),
        plain([bold("You want to learn: "), truncate(topics(wants), 1000)]),
    ]


def _input(name: str, label: str, value: str, multiline: bool) -> Json:
    return {
        "type": "Input.Text",
        "id": name,
        "label": label,
        "value": truncate(value, 1000),
        "isMultiline": multiline,
        "maxLength": 1000,
    }


def _time(name: str, label: str, value: str | None) -> Json:
    field: Json = {"type": "Input.Time", "id": name, "label": label}
    if value:
        field["value"] = value
    return field


def _markdown(text: str) -> str:
    """Learnlink's Slack-flavoured wording in Teams markdown: `code` reads as bold."""
    return CODE.sub(lambda m: f"**{m.group(1)}**", text)


def _with_mentions(text: str, names: Mapping[str, str], entities: dict[str, Json]) -> str:
    def mention(match: re.Match[str]) -> str:
        user_id = match.group(1)
        name = names.get(user_id) or "a colleague"
        tag = f"<at>{name}</at>"
        entities[user_id] = {
            "type": "mention",
            "text": tag,
            "mentioned": {"id": user_id, "name": name},
        }
        return tag

    return MENTION.sub(mention, _markdown(text))


def _mentions_as_names(text: str, names: Mapping[str, str]) -> str:
    return MENTION.sub(lambda m: names.get(m.group(1)) or "a colleague", text)
