"""Showing a use case's answer where the person clicked or typed.

A command's reply goes back through its `response_url` (ephemeral, and it
works in any channel or DM, even where the bot is not a member); a button's
answer replaces the buttons in the message that carried them, so an expert
cannot click twice; a profile opens as a modal (views.open with the trigger);
a Home view is published to the person's App Home tab.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.handlers.gateway import View
from bot.handlers.slack.client import retry_handlers
from bot.rendering.blockkit import context, home_tab, profile_modal, render
from bot.rendering.views import Home, Notice, ProfileForm

Json = dict[str, Any]


async def respond(response_url: str, view: View) -> None:
    message = render(view)
    webhook = AsyncWebhookClient(response_url, retry_handlers=retry_handlers())
    await webhook.send(text=message.text, blocks=message.blocks, response_type="ephemeral")


async def replace_buttons(response_url: str, original: Json, answer: Notice) -> None:
    """The clicked message again, its buttons swapped for what the click did."""
    kept = [b for b in original.get("blocks") or [] if b.get("type") != "actions"]
    blocks = [*kept, context(answer.text).to_dict()]
    webhook = AsyncWebhookClient(response_url, retry_handlers=retry_handlers())
    await webhook.send(text=answer.text, blocks=blocks, replace_original=True)


async def show(client: AsyncWebClient, body: Json, user_id: str, view: View) -> None:
    """Put a command's or button's view where it belongs for that kind of view."""
    if isinstance(view, ProfileForm) and body.get("trigger_id"):
        await client.views_open(trigger_id=body["trigger_id"], view=profile_modal(view))
        return
    if isinstance(view, Home):
        await client.views_publish(user_id=user_id, view=home_tab(view))
        view = Notice("Your App Home tab is up to date: open Learnlink in the sidebar.")
    if body.get("response_url"):
        await respond(str(body["response_url"]), view)
