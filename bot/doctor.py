"""`learnlink doctor`: what is configured, what is missing, in plain words.

A Slack admin setting Learnlink up should not have to read a stack trace to
learn that a token is missing: every check ends in one sentence saying what
to set and where to find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.settings import Secrets, Settings


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    message: str


def slack_checks(secrets: Secrets) -> list[Check]:
    """How Slack is (or is not) connected, from the environment alone."""
    oauth = bool(secrets.slack_client_id or secrets.slack_client_secret)
    if not secrets.slack_bot_token and not oauth:
        return [
            Check(
                "slack",
                Status.WARN,
                "Slack is not connected: set SLACK_BOT_TOKEN to the Bot User OAuth Token "
                "(xoxb-...) from your Slack app's OAuth & Permissions page.",
            )
        ]
    checks = [_slack_transport(secrets)]
    if secrets.slack_bot_token and not secrets.slack_bot_token.startswith("xoxb-"):
        checks.append(
            Check(
                "slack token",
                Status.WARN,
                "SLACK_BOT_TOKEN does not start with xoxb-; "
                "use the Bot User OAuth Token, not a user or app token.",
            )
        )
    if oauth and not (secrets.slack_client_id and secrets.slack_client_secret):
        checks.append(
            Check(
                "slack oauth",
                Status.FAIL,
                "multi-workspace install needs both "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information page).",
            )
        )
    return checks


def _slack_transport(secrets: Secrets) -> Check:
    if secrets.slack_app_token:
        if not secrets.slack_app_token.startswith("xapp-"):
            return Check(
                "slack",
                Status.FAIL,
                "SLACK_APP_TOKEN must be an app-level token "
                "(xapp-...) with the connections:write scope.",
            )
        return Check("slack", Status.OK, "Slack connects over Socket Mode (no public URL needed).")
    if not secrets.slack_signing_secret:
        return Check(
            "slack",
            Status.FAIL,
            "Slack needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) to verify "
            "requests on /slack/events, or SLACK_APP_TOKEN (xapp-...) for Socket Mode.",
        )
    return Check("slack", Status.OK, "Slack events arrive over HTTP on /slack/events, signed.")


def teams_checks(secrets: Secrets) -> list[Check]:
    if not secrets.microsoft_app_id:
        return [
            Check(
                "teams",
                Status.WARN,
                "Teams runs in local mode (Bot Framework Emulator only, no token checks): set "
                "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD from your Azure Bot to connect Teams.",
            )
        ]
    managed = (secrets.microsoft_app_type or "").lower() == "userassignedmsi"
    if not secrets.microsoft_app_password and not managed:
        return [
            Check(
                "teams",
                Status.FAIL,
                "MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD "
                "is not: add the client secret of your Azure Bot's app registration.",
            )
        ]
    if (secrets.microsoft_app_type or "").lower() == "singletenant" and not (
        secrets.microsoft_app_tenant_id
    ):
        return [
            Check(
                "teams",
                Status.FAIL,
                "MICROSOFT_APP_TYPE is SingleTenant: set "
                "MICROSOFT_APP_TENANT_ID to your Azure AD tenant id.",
            )
        ]
    return [Check("teams", Status.OK, "Teams is connected; every request's token is validated.")]


def admin_checks(secrets: Secrets) -> list[Check]:
    if secrets.admin_token:
        return [Check("dashboard", Status.OK, "the admin dashboard is on at /admin.")]
    return [
        Check(
            "dashboard",
            Status.WARN,
            "the admin dashboard is off: set "
            "LEARNLINK_ADMIN_TOKEN to a long random string to turn it on.",
        )
    ]


def database_check(url: str, status: str, current: bool | None) -> Check:
    shown = url.split("@")[-1] if "@" in url else url
    if status != "ok":
        return Check("database", Status.FAIL, f"cannot reach the database at {shown}: {status}")
    if not current:
        return Check(
            "database",
            Status.WARN,
            f"{shown} is reachable but its schema is not "
            "current: run `learnlink db upgrade` (serve does it on start).",
        )
    return Check("database", Status.OK, f"{shown} is reachable and its schema is current.")


def platform_checks(settings: Settings) -> list[Check]:
    return [
        *slack_checks(settings.secrets),
        *teams_checks(settings.secrets),
        *admin_checks(settings.secrets),
    ]
