"""Requests signed like Slack's (the helpers live in bot.localslack.signing)."""

from bot.localslack.signing import *  # noqa: F403
from bot.localslack.signing import __all__ as __all__
