"""Typed settings: config/default.yaml, then LEARNLINK_CONFIG, then the environment.

Settings are plain data validated once at start-up, so a typo in a YAML file
or an environment variable stops the process with one line that names the key,
instead of surfacing hours later as a strange routing decision. Secrets are a
separate model read only from the environment, so they can never be committed
by accident in a YAML file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import croniter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"
ENV_PREFIX = "LEARNLINK_"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SECRET_ENV = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "slack_api_base_url": "SLACK_API_BASE_URL",
    "microsoft_app_id": "MICROSOFT_APP_ID",
    "microsoft_app_password": "MICROSOFT_APP_PASSWORD",
    "microsoft_app_tenant_id": "MICROSOFT_APP_TENANT_ID",
    "microsoft_app_type": "MICROSOFT_APP_TYPE",
    "admin_token": "LEARNLINK_ADMIN_TOKEN",
}
# Plain environment variables documented in design.md, mapped onto settings.
ENV_ALIASES = {"DATABASE_URL": ("database", "url"), "PORT": ("server", "port")}


class SettingsError(Exception):
    """A setting is invalid; the message is one line naming the key."""


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("expected an IANA timezone such as Europe/London") from exc
    return value


def _clock(value: str) -> str:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)
    if not match:
        raise ValueError("expected a time of day as HH:MM, e.g. 09:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _cron(value: str) -> str:
    if not croniter.is_valid(value):
        raise ValueError("expected a 5-field cron expression such as '0 9 * * mon'")
    return value


def _weekday(value: str) -> str:
    if value.lower()[:3] not in WEEKDAYS:
        raise ValueError("expected a weekday: mon, tue, wed, thu, fri, sat or sun")
    return value.lower()[:3]


Timezone = Annotated[str, AfterValidator(_timezone)]
Clock = Annotated[str, AfterValidator(_clock)]
Cron = Annotated[str, AfterValidator(_cron)]
Weekday = Annotated[str, AfterValidator(_weekday)]
Strict = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(BaseModel):
    model_config = Strict
    host: str = "0.0.0.0"
    port: int = Field(3000, ge=1, le=65535)


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    url: str = "sqlite+aiosqlite:///./learnlink.db"
    schema_name: str = Field("", alias="schema", pattern=r"^[a-z_][a-z0-9_]{0,62}$|^$")
    echo: bool = False


class OrganisationSettings(BaseModel):
    model_config = Strict
    default_timezone: Timezone = "UTC"
    working_hours_start: Clock = "09:00"
    working_hours_end: Clock = "17:30"
    working_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    allow_guests: bool = False
    link_identities_by_email: bool = False


class RoutingSettings(BaseModel):
    model_config = Strict
    max_candidates: int = Field(8, ge=1, le=50)
    asks_at_once: int = Field(2, ge=1, le=10)
    max_asks_per_day: int = Field(3, ge=1)
    min_gap_minutes: int = Field(120, ge=0)
    accept_timeout_minutes: int = Field(60, ge=1)
    load_spread: float = Field(0.35, ge=0)
    min_relative_score: float = Field(0.15, ge=0, le=1)
    fallback_channel: str = ""
    suggest_in_thread: bool = False
    default_channel_mode: Literal["capture", "off", "suggest-only"] = "capture"


class ExpertiseSettings(BaseModel):
    model_config = Strict
    half_life_days: float = Field(180, gt=0)
    weight_declared: float = Field(3.0, ge=0)
    weight_answer: float = Field(1.0, ge=0)
    weight_resolved_answer: float = Field(2.5, ge=0)
    weight_reaction: float = Field(0.3, ge=0)
    weight_not_me: float = Field(1.5, ge=0)
    topics_file: str = "topics.yaml"

    def topics_path(self) -> Path:
        """Relative topic files are looked up in config/, where the default lives."""
        path = Path(self.topics_file)
        return path if path.is_absolute() else CONFIG_DIR / path


class QuietHoursSettings(BaseModel):
    model_config = Strict
    start: Clock = "20:00"
    end: Clock = "08:00"


class PairingSettings(BaseModel):
    model_config = Strict
    cadence: Literal["weekly", "biweekly", "every-4-weeks"] = "weekly"
    day: Weekday = "mon"
    time: Clock = "10:00"
    timezone: Timezone = "UTC"
    group_size: int = Field(2, ge=2, le=6)
    mode: Literal["learning", "cross-team", "random"] = "learning"
    repeat_window_rounds: int = Field(6, ge=0)
    top_k_partners: int = Field(25, ge=1)
    checkin_at: float = Field(0.5, gt=0, lt=1)
    ghost_limit: int = Field(3, ge=1)
    grace_hours: float = Field(12, ge=0)


class SchedulerSettings(BaseModel):
    model_config = Strict
    digest_cron: Cron = "0 9 * * mon"
    inbox_retry_seconds: int = Field(60, ge=1)
    inbox_claim_seconds: int = Field(300, ge=1)
    timezone: Timezone = "UTC"


class RetentionSettings(BaseModel):
    model_config = Strict
    message_text_days: int = Field(365, ge=1)
    inbox_days: int = Field(14, ge=1)


class LoggingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_lines: bool = Field(False, alias="json")


class AdminSettings(BaseModel):
    model_config = Strict
    user_ids: list[str] = Field(default_factory=list)


class Secrets(BaseModel):
    """Credentials, only ever read from the environment."""

    model_config = ConfigDict(frozen=True)
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_base_url: str | None = None
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    microsoft_app_type: str | None = None
    admin_token: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Secrets:
        return cls(**{field: env.get(name) or None for field, name in SECRET_ENV.items()})


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    organisation: OrganisationSettings = Field(default_factory=OrganisationSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    expertise: ExpertiseSettings = Field(default_factory=ExpertiseSettings)
    quiet_hours: QuietHoursSettings = Field(default_factory=QuietHoursSettings)
    pairing: PairingSettings = Field(default_factory=PairingSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)
    secrets: Secrets = Field(default_factory=Secrets)

    @property
    def database_url(self) -> str:
        return normalise_database_url(self.database.url)


def normalise_database_url(url: str) -> str:
    """Accept the postgres:// URLs hosting providers hand out and use asyncpg."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def load_settings(
    env: Mapping[str, str] | None = None, config_file: str | Path | None = None
) -> Settings:
    """Merge the layers and validate them; raise SettingsError with one line."""
    env = os.environ if env is None else env
    data = _read_yaml(DEFAULT_CONFIG)
    override = config_file or env.get("LEARNLINK_CONFIG")
    if override:
        _deep_merge(data, _read_yaml(Path(override)))
    _reject_secrets_in_files(data)
    _deep_merge(data, _env_overrides(env))
    try:
        return Settings.model_validate({**data, "secrets": Secrets.from_env(env)})
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SettingsError(f"config file {path} is not valid YAML{where}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise SettingsError(f"config file {path} must be a mapping of sections")
    return loaded


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _reject_secrets_in_files(data: Mapping[str, Any]) -> None:
    for section, values in data.items():
        keys = values.keys() if isinstance(values, Mapping) else []
        for key in [section, *keys]:
            if re.search(r"token|secret|password", str(key)):
                raise SettingsError(
                    f"{section}: secrets are read only from the environment, "
                    "not from config files (see README, Settings)"
                )


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, (section, key) in ENV_ALIASES.items():
        if env.get(name):
            overrides.setdefault(section, {})[key] = env[name]
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        overrides.setdefault(section, {})[key] = _env_value(raw)
    return overrides


def _env_value(raw: str) -> Any:
    """Lists and mappings are read as YAML; scalars stay strings for pydantic to type.

    (YAML would read 21:00 as the number 1260, and a time of day is a string.)
    """
    if raw.strip().startswith(("[", "{")):
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError:
            return raw
    return raw


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"]) or "settings"
    if error["type"] == "extra_forbidden":
        return f"unknown setting {key} (see config/default.yaml for the valid keys)"
    message = error["msg"].removeprefix("Value error, ")
    return f"invalid setting {key}: {message} (got {error.get('input')!r})"
