"""Typed callback data for buttons, packed into the short strings platforms carry.

Slack's action_id/value and Teams' card data come back as strings; packing
and unpacking them in one place means a handler receives a typed object and a
malformed or forged value is rejected in one place too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class CallbackError(ValueError):
    """The callback data is not ours or is malformed."""


@dataclass(frozen=True)
class ReferralAction:
    """An expert's answer to an ask: accept, decline (not me) or snooze (not now)."""

    referral_id: int
    action: str
    PREFIX: ClassVar[str] = "ref"
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"accept", "decline", "snooze"})

    def pack(self) -> str:
        return f"{self.PREFIX}:{self.action}:{self.referral_id}"

    @classmethod
    def unpack(cls, data: str) -> ReferralAction:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or parts[1] not in cls.ACTIONS:
            raise CallbackError(f"not a referral action: {data[:60]!r}")
        if not parts[2].isdigit():
            raise CallbackError(f"referral id is not a number: {data[:60]!r}")
        return cls(int(parts[2]), parts[1])


@dataclass(frozen=True)
class PairAction:
    """A group member's answer to an intro or check-in: we met, or not this time."""

    pair_id: int
    action: str
    PREFIX: ClassVar[str] = "pair"
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"met", "not_met"})

    def pack(self) -> str:
        return f"{self.PREFIX}:{self.action}:{self.pair_id}"

    @classmethod
    def unpack(cls, data: str) -> PairAction:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or parts[1] not in cls.ACTIONS:
            raise CallbackError(f"not a pairing action: {data[:60]!r}")
        if not parts[2].isdigit():
            raise CallbackError(f"pair id is not a number: {data[:60]!r}")
        return cls(int(parts[2]), parts[1])


@dataclass(frozen=True)
class QuestionAction:
    """The asker's "Resolved" button in a question's thread."""

    question_id: int
    action: str
    PREFIX: ClassVar[str] = "q"
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"resolve"})

    def pack(self) -> str:
        return f"{self.PREFIX}:{self.action}:{self.question_id}"

    @classmethod
    def unpack(cls, data: str) -> QuestionAction:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or parts[1] not in cls.ACTIONS:
            raise CallbackError(f"not a question action: {data[:60]!r}")
        if not parts[2].isdigit():
            raise CallbackError(f"question id is not a number: {data[:60]!r}")
        return cls(int(parts[2]), parts[1])
