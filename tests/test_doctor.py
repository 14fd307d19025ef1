"""`learnlink doctor` says what is configured and what is missing, in plain words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main


def doctor(tmp_path: Path, **env: str) -> tuple[int, str]:
    base = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'doctor.db'}"}
    result = CliRunner().invoke(main, ["doctor"], env={**base, **env})
    return result.exit_code, result.output


def line(output: str, name: str) -> str:
    return next(text for text in output.splitlines() if f"] {name}:" in text)


def test_without_platform_credentials(tmp_path: Path) -> None:
    code, output = doctor(tmp_path)
    assert code == 0
    slack = line(output, "slack")
    assert slack.startswith("[warn]")
    assert "Slack is not connected: set SLACK_BOT_TOKEN" in slack
    assert slack.count(". ") == 0 and slack.endswith("page.")  # one sentence
    assert "Teams runs in local mode" in line(output, "teams")
    assert "LEARNLINK_ADMIN_TOKEN" in line(output, "dashboard")
    assert "schema is not current" in line(output, "database")


def test_with_platform_credentials(tmp_path: Path) -> None:
    code, output = doctor(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="s3cret",
        MICROSOFT_APP_ID="11111111-2222-3333-4444-555555555555",
        MICROSOFT_APP_PASSWORD="pw",
        LEARNLINK_ADMIN_TOKEN="t" * 32,
    )
    assert code == 0
    assert line(output, "slack").startswith("[ok]")
    assert "/slack/events" in line(output, "slack")
    assert line(output, "teams").startswith("[ok]")
    assert line(output, "dashboard").startswith("[ok]")
    assert "s3cret" not in output and "xoxb-test" not in output


def test_half_configured_platforms_fail(tmp_path: Path) -> None:
    code, output = doctor(tmp_path, SLACK_BOT_TOKEN="xoxb-test", MICROSOFT_APP_ID="abc")
    assert code == 1
    assert "SLACK_SIGNING_SECRET" in line(output, "slack")
    assert "MICROSOFT_APP_PASSWORD" in line(output, "teams")


def test_socket_mode_and_unreachable_database(tmp_path: Path) -> None:
    code, output = doctor(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-1",
        DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none",
    )
    assert "Socket Mode" in line(output, "slack")
    assert line(output, "database").startswith("[fail] database: cannot reach")
    assert code == 1


def test_invalid_settings_are_reported_not_raised(tmp_path: Path) -> None:
    code, output = doctor(tmp_path, LEARNLINK_ROUTING__MAX_ASKS_PER_DAY="many")
    assert code == 1
    assert "[fail] settings: invalid setting routing.max_asks_per_day" in output


def test_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    """The real console script: one line on stderr and exit code 2."""
    env = {**os.environ, "LEARNLINK_PAIRING__TIMEZONE": "Nowhere/Town"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "learnlink: invalid setting pairing.timezone: expected an IANA timezone such as "
        "Europe/London (got 'Nowhere/Town')"
    ]
