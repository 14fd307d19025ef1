"""Neutral view models: what Learnlink shows, before it becomes Block Kit or a card.

Use cases build these; `blockkit.py` and `adaptive_cards.py` render them, so
both platforms show the same thing and a use-case test can assert on a view
without parsing JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.rendering.callbacks import PairAction, QuestionAction, ReferralAction


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str
    style: str | None = None  # "primary" or "danger"


@dataclass(frozen=True)
class ExpertAsk:
    """The DM asking an expert for help with one question."""

    referral_id: int
    asker_name: str
    question_text: str
    reason: str
    permalink: str | None = None
    channel_name: str | None = None
    topics: tuple[str, ...] = ()

    @property
    def buttons(self) -> tuple[Button, ...]:
        value = str(self.referral_id)
        return (
            Button(
                "I can help", ReferralAction(self.referral_id, "accept").pack(), value, "primary"
            ),
            Button("Not me", ReferralAction(self.referral_id, "decline").pack(), value),
            Button("Not now", ReferralAction(self.referral_id, "snooze").pack(), value),
        )


@dataclass(frozen=True)
class Notice:
    """A short message: a threaded note, an ephemeral reply, a fallback post.

    `text` and `lines` are Learnlink's own words (they may carry mentions);
    `quotes` are what people wrote, which renderers escape so that a question
    can never ping a channel; `buttons` are optional actions.
    """

    text: str
    lines: tuple[str, ...] = field(default_factory=tuple)
    quotes: tuple[str, ...] = field(default_factory=tuple)
    buttons: tuple[Button, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ExpertLine:
    name: str
    user_id: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ExpertList:
    """Who knows about a topic (`/learnlink experts TOPIC`), with why."""

    topic: str
    experts: tuple[ExpertLine, ...]


@dataclass(frozen=True)
class ProfileForm:
    """A person's profile, to edit: skills, interests, timezone, hours, opt-ins."""

    name: str
    knows: tuple[str, ...]
    wants_to_learn: tuple[str, ...]
    timezone: str | None
    working_hours_start: str | None
    working_hours_end: str | None
    opted_out: bool
    paused_until: str | None


@dataclass(frozen=True)
class QuestionLine:
    question_id: int
    text: str
    status: str
    permalink: str | None = None


@dataclass(frozen=True)
class Home:
    """A person's own learning picture (Slack App Home, Teams personal tab)."""

    name: str
    knows: tuple[str, ...]
    wants_to_learn: tuple[str, ...]
    asked: tuple[QuestionLine, ...]
    waiting_for_you: tuple[QuestionLine, ...]
    helped: tuple[str, ...]
    helped_by: tuple[str, ...]
    status: str
    pairing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Member:
    name: str
    user_id: str | None
    timezone: str
    local_time: str  # e.g. "14:05"


def resolve_button(question_id: int) -> Button:
    """For the asker, in the question's thread: mark the latest answer as the one."""
    return Button("Resolved", QuestionAction(question_id, "resolve").pack(), str(question_id))


def meeting_buttons(pair_id: int) -> tuple[Button, ...]:
    value = str(pair_id)
    return (
        Button("We met", PairAction(pair_id, "met").pack(), value, "primary"),
        Button("Not this time", PairAction(pair_id, "not_met").pack(), value),
    )


@dataclass(frozen=True)
class PairIntro:
    """The group DM introducing a pair or trio: why them, what to talk about."""

    pair_id: int
    program: str
    members: tuple[Member, ...]
    reason: str
    suggested_topics: tuple[str, ...]
    channel_id: str | None = None  # the programme's channel (Teams posts the intro there too)

    @property
    def buttons(self) -> tuple[Button, ...]:
        return meeting_buttons(self.pair_id)


@dataclass(frozen=True)
class CheckIn:
    """Halfway through the cycle: did you meet?"""

    pair_id: int
    program: str
    names: tuple[str, ...]

    @property
    def buttons(self) -> tuple[Button, ...]:
        return meeting_buttons(self.pair_id)
