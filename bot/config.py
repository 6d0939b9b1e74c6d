"""Configuration from the environment or a `.env` file (pydantic-settings).

A missing or malformed setting stops start-up with one line that names the variable and says
where its value comes from. Secrets are `SecretStr`, so they never show up in reprs or logs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'workshop-bot.db'}"
SLACK_API_URL = "https://slack.com/api/"
# How each kind of token starts: a bot token, and the app-level token of Socket Mode.
TOKEN_PREFIXES = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}

# Where each value comes from, for the one-line start-up error.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "your app's page at api.slack.com/apps → OAuth & Permissions → "
    "Bot User OAuth Token (starts with xoxb-)",
    "SLACK_APP_TOKEN": "api.slack.com/apps → Basic Information → App-Level Tokens, "
    "with the connections:write scope (starts with xapp-); or run `serve --http`",
    "SLACK_SIGNING_SECRET": "api.slack.com/apps → Basic Information → App Credentials → "
    "Signing Secret",
    "SLACK_API_URL": "leave unset for Slack itself, or point it at a Slack stand-in "
    "such as http://127.0.0.1:8089/api/",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///data/workshop-bot.db or "
    "postgresql+psycopg://user@host/db",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "DIGEST_CHART_PROCESSES": "a whole number: 0 draws digest charts in the scheduler's threads; "
    "leave unset for one process per core but one",
    "SLACK_CLIENT_ID": "api.slack.com/apps → Basic Information → App Credentials → Client ID",
    "SLACK_CLIENT_SECRET": "api.slack.com/apps → Basic Information → App Credentials → "
    "Client Secret",
}


class ConfigError(SystemExit):
    """Raised when the configuration cannot start the bot; its message is one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    scheduler_timezone: str = Field(default="UTC")
    # Worker processes drawing digest charts (bot/charts/pool.py); None: one per core but one.
    digest_chart_processes: int | None = Field(default=None, ge=0, le=32)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        prefix = TOKEN_PREFIXES[str(info.field_name)]
        if value is not None and not value.get_secret_value().startswith(prefix):
            raise ValueError(f"must start with {prefix}")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[0-9a-fA-F]{16,128}", value.get_secret_value()):
            raise ValueError("must be the hexadecimal signing secret")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not re.match(r"https?://", value):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not re.match(r"(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        if value.startswith("postgresql://"):  # use psycopg 3, the driver we ship
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def oauth_enabled(self) -> bool:
        """Multi-workspace mode: install through Slack's OAuth flow instead of one bot token."""
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = (
                "SLACK_CLIENT_SECRET" if self.slack_client_secret is None else "SLACK_CLIENT_ID"
            )
            raise ConfigError(
                f"{missing} is not set (multi-workspace install needs both SLACK_CLIENT_ID and "
                f"SLACK_CLIENT_SECRET): get it from {WHERE_TO_GET[missing]}."
            )
        return self.slack_client_id is not None

    def secret_values(self) -> list[str]:
        """The secrets in force, for the log filter that masks them."""
        secrets = (
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.slack_client_secret,
        )
        return [secret.get_secret_value() for secret in secrets if secret is not None]

    def require(self, *names: str) -> None:
        """Stop with one clear line if any of the named settings is unset."""
        for name in names:
            if getattr(self, name.lower()) is None:
                raise ConfigError(f"{name} is not set: get it from {WHERE_TO_GET[name]}.")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning a validation error into one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        reason = first["msg"].removeprefix("Value error, ")
        where = WHERE_TO_GET.get(name, "the README's configuration table")
        # The input value is deliberately left out: it may be a secret.
        raise ConfigError(f"{name} is invalid ({reason}): get it from {where}.") from None
