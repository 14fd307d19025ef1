"""Card buttons -> use cases -> the card that replaces the clicked one.

A button comes back either as an `adaptiveCard/action` invoke (Universal
Actions) or, from clients without them, as a message carrying the fallback's
`Action.Submit` data; both give a verb (the packed callback data) and the
button's data, and both get the same card back.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.handlers.context import Context
from bot.handlers.feedback import resolve_from_button, respond_to_ask
from bot.handlers.profile import ProfileUpdate, profile_form, save_profile
from bot.handlers.rounds import record_meeting
from bot.handlers.teams.translate import TEAMS
from bot.rendering import adaptive_cards
from bot.rendering.adaptive_cards import EDIT_PROFILE_VERB, SAVE_PROFILE_VERB, Card
from bot.rendering.callbacks import CallbackError, PairAction, QuestionAction, ReferralAction
from bot.rendering.views import Notice

log = logging.getLogger("learnlink.teams.actions")


async def run_action(ctx: Context, user_id: str, verb: str, data: dict[str, Any]) -> Card:
    if verb == EDIT_PROFILE_VERB:
        return adaptive_cards.render(await profile_form(ctx, TEAMS, user_id))
    if verb == SAVE_PROFILE_VERB:
        values = adaptive_cards.profile_values(data)
        return adaptive_cards.render(
            await save_profile(ctx, TEAMS, user_id, ProfileUpdate(**values))
        )
    summary = str(data.get("summary") or "")
    try:
        if verb.startswith(f"{PairAction.PREFIX}:"):
            meeting = PairAction.unpack(verb)
            notice = await record_meeting(ctx, TEAMS, user_id, meeting)
            return adaptive_cards.answered(summary or "Your learning pair", notice)
        if verb.startswith(f"{QuestionAction.PREFIX}:"):
            resolved = QuestionAction.unpack(verb)
            notice = await resolve_from_button(ctx, TEAMS, user_id, resolved)
            return adaptive_cards.answered(summary or "Your question", notice)
        action = ReferralAction.unpack(verb)
    except CallbackError:
        log.warning("ignoring a click on an unknown action %r", verb[:60])
        return adaptive_cards.render(Notice("This button is no longer in use."))
    notice = await respond_to_ask(ctx, TEAMS, user_id, action)
    return adaptive_cards.answered(summary or "A question for you", notice)
