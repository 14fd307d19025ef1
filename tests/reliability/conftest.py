"""The in-process fixtures of the Slack and Teams suites, for the fault tests that need no
subprocess: our real server on a loopback port, the fake platforms on others."""

from __future__ import annotations

from tests.fakes.slack_api import slack_api
from tests.handlers.slack.conftest import migrated_database, slack, start_slack
from tests.handlers.teams.conftest import installed, organisation, teams

__all__ = [
    "installed",
    "migrated_database",
    "organisation",
    "slack",
    "slack_api",
    "start_slack",
    "teams",
]
