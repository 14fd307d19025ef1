"""manifest.yaml agrees with the code: the events, commands, shortcut and scopes the
app handles and asks for are exactly those the manifest subscribes to and grants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from bot.handlers.slack import oauth, router
from bot.storage import tables

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yaml"
# What each subscribed event needs (api.slack.com/events).
EVENT_SCOPES = {
    "app_home_opened": set(),
    "app_mention": {"app_mentions:read"},
    "member_joined_channel": {"channels:read", "groups:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "reaction_added": {"reactions:read"},
    "team_join": {"users:read"},
    "user_change": {"users:read"},
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_events_are_the_ones_the_router_handles(manifest: dict[str, Any]) -> None:
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    as_received = {event.split(".")[0] for event in subscribed}  # message.channels -> message
    assert as_received == set(router.EVENTS)
    assert set(subscribed) == set(EVENT_SCOPES)


def test_commands_and_shortcut_are_the_ones_the_router_handles(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == set(router.COMMANDS)
    assert all(c["usage_hint"] and c["description"] for c in commands)
    learnlink = next(c for c in commands if c["command"] == "/learnlink")
    for sub in ("experts", "ask", "skills", "learn", "profile", "pause", "forget-me", "help"):
        assert sub in learnlink["usage_hint"]
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"]) for s in shortcuts] == [("message", "find_expert")]
    assert {s["callback_id"] for s in shortcuts} == set(router.SHORTCUTS)


def test_scopes_match_the_oauth_request_and_cover_every_event(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == sorted(oauth.BOT_SCOPES)
    needed = set().union(*EVENT_SCOPES.values()) | {"chat:write", "commands", "im:write"}
    assert needed <= set(scopes)


def test_every_scope_is_justified_by_a_comment() -> None:
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    start = lines.index("    bot:")
    for number, line in enumerate(lines[start + 1 :], start=start + 1):
        if not line.startswith("      "):
            break
        if line.strip().startswith("- "):
            assert lines[number - 1].strip().startswith("#"), f"no reason given for {line.strip()}"


def test_app_home_interactivity_and_socket_mode(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Learnlink"


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (tables.slack_installations, SQLAlchemyInstallationStore.build_installations_table),
        (tables.slack_bots, SQLAlchemyInstallationStore.build_bots_table),
        (tables.slack_oauth_states, SQLAlchemyOAuthStateStore.build_oauth_states_table),
    ],
)
def test_our_oauth_tables_match_slack_sdks_stores(ours: Table, theirs: Any) -> None:
    """slack-sdk writes these tables; a column it adds in an upgrade must be migrated."""
    sdk = theirs(MetaData(), ours.name)

    def shape(table: Table) -> dict[str, tuple[str, bool]]:
        return {c.name: (type(c.type).__name__, bool(c.nullable)) for c in table.columns}

    assert shape(ours) == shape(sdk)
