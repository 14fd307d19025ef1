"""Teams offers what Slack offers: every command, every view. Fails when one is missing."""

from __future__ import annotations

import json
import re
import typing
from typing import Any

from bot.handlers.commands import ROUTES, USAGE
from bot.handlers.gateway import View
from bot.handlers.teams.package import MANIFEST
from bot.handlers.teams.router import COMMANDS
from bot.rendering import adaptive_cards
from tests.handlers.teams.test_cards import VIEWS
from tests.handlers.teams.validation import card_errors


def manifest_commands() -> list[tuple[str, str]]:
    """(title, description) of every command in every command list."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [
        (command["title"], command["description"])
        for commands in manifest["bots"][0]["commandLists"]
        for command in commands["commands"]
    ]


def test_every_command_is_offered_in_the_teams_app() -> None:
    missing = set(ROUTES) - {title for title, _ in manifest_commands()}
    assert missing == set(), f"add {sorted(missing)} to config/teams/manifest.json commandLists"


def test_every_command_is_understood_in_teams() -> None:
    assert set(ROUTES) <= set(COMMANDS)


def test_command_descriptions_mirror_the_usage() -> None:
    """Where `help` describes a command, Teams' command menu says the same."""
    usage: dict[str, set[str]] = {}
    for line in USAGE:
        for word in re.findall(r"`([^`]+)`", line):
            usage.setdefault(word.split()[0], set()).add(line.replace("`", ""))
    for title, description in manifest_commands():
        if title in usage:
            assert description in usage[title], title


def test_every_view_has_a_teams_card() -> None:
    kinds = set(typing.get_args(View))
    covered = {type(view) for view in VIEWS}
    assert kinds - covered == set(), "add a sample of the new view to test_cards.VIEWS"
    for view in VIEWS:
        card: dict[str, Any] = adaptive_cards.render(view).content
        assert card_errors(card) == [], type(view).__name__
