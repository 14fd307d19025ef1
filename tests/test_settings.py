from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "override.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_default_yaml() -> None:
    settings = load_settings(env={})
    assert settings.routing.max_asks_per_day == 3
    assert settings.expertise.half_life_days == 180
    assert settings.database.url == "sqlite+aiosqlite:///./learnlink.db"
    assert settings.server.port == 3000


def test_config_file_overrides_defaults_and_env_overrides_the_file(tmp_path: Path) -> None:
    override = write(tmp_path, "routing:\n  max_asks_per_day: 5\n  asks_at_once: 3\n")
    env = {"LEARNLINK_CONFIG": str(override), "LEARNLINK_ROUTING__MAX_ASKS_PER_DAY": "7"}
    settings = load_settings(env=env)
    assert settings.routing.max_asks_per_day == 7  # environment wins
    assert settings.routing.asks_at_once == 3  # file wins over default
    assert settings.routing.min_gap_minutes == 120  # default kept


def test_documented_environment_variables_map_onto_settings() -> None:
    settings = load_settings(env={"DATABASE_URL": "postgres://u@h/db", "PORT": "8080"})
    assert settings.server.port == 8080
    assert settings.database_url == "postgresql+asyncpg://u@h/db"


def test_environment_values_are_typed_like_yaml() -> None:
    env = {
        "LEARNLINK_ORGANISATION__WORKING_DAYS": "[mon, tue]",
        "LEARNLINK_LOGGING__JSON": "true",
        "LEARNLINK_QUIET_HOURS__START": "21:00",
    }
    settings = load_settings(env=env)
    assert settings.quiet_hours.start == "21:00"
    assert settings.organisation.working_days == ["mon", "tue"]
    assert settings.logging.json_lines is True


def test_secrets_only_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(env={"SLACK_BOT_TOKEN": "xoxb-1", "MICROSOFT_APP_ID": "abc"})
    assert settings.secrets.slack_bot_token == "xoxb-1"
    assert settings.secrets.microsoft_app_id == "abc"
    leaked = write(tmp_path, "slack:\n  bot_token: xoxb-from-file\n")
    with pytest.raises(SettingsError, match="secrets are read only from the environment"):
        load_settings(env={}, config_file=leaked)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LEARNLINK_ROUTING__NOT_A_KEY": "1"}, "unknown setting routing.not_a_key"),
        ({"LEARNLINK_NOSECTION__KEY": "1"}, "unknown setting nosection"),
        ({"LEARNLINK_ROUTING__MAX_ASKS_PER_DAY": "lots"}, "routing.max_asks_per_day"),
        ({"LEARNLINK_ROUTING__MAX_ASKS_PER_DAY": "0"}, "greater than or equal to 1"),
        ({"LEARNLINK_SCHEDULER__DIGEST_CRON": "every monday"}, "5-field cron"),
        ({"LEARNLINK_PAIRING__TIMEZONE": "Mars/Olympus"}, "IANA timezone"),
        ({"LEARNLINK_QUIET_HOURS__START": "25:00"}, "HH:MM"),
        ({"LEARNLINK_ROUTING__LOAD_SPREAD": "a lot"}, "routing.load_spread"),
        ({"LEARNLINK_PAIRING__DAY": "someday"}, "weekday"),
        ({"LEARNLINK_LOGGING__JSON": "maybe"}, "logging.json"),
        ({"PORT": "http"}, "server.port"),
    ],
)
def test_invalid_settings_name_the_key_in_one_line(env: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env=env)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_unknown_key_in_config_file(tmp_path: Path) -> None:
    override = write(tmp_path, "pairing:\n  group_sise: 3\n")
    with pytest.raises(SettingsError, match=r"unknown setting pairing\.group_sise"):
        load_settings(env={"LEARNLINK_CONFIG": str(override)})


def test_missing_and_broken_config_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(env={"LEARNLINK_CONFIG": str(tmp_path / "nope.yaml")})
    broken = write(tmp_path, "routing: [unclosed\n")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(env={"LEARNLINK_CONFIG": str(broken)})


def test_every_setting_in_default_yaml_is_commented() -> None:
    """Each key line in default.yaml has a comment above it (the file is the reference)."""
    from bot.settings import DEFAULT_CONFIG

    lines = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("  ") and not line.strip().startswith("#"):
            above = lines[number - 1].strip()
            assert above.startswith("#") or lines[number - 1].startswith("  "), line
