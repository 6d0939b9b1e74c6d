import logging
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import RedactSecrets

GOOD = {
    "slack_bot_token": "xoxb-1-2-abc",
    "slack_signing_secret": "0123456789abcdef0123456789abcdef",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in [
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "DATABASE_URL",
        "LOG_LEVEL",
        "DIGEST_CHART_PROCESSES",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_slack_itself_and_a_local_sqlite_file():
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///data/workshop-bot.db"
    assert settings.log_level == "INFO"


def test_digest_chart_processes_default_to_the_cores_and_can_be_turned_off(monkeypatch):
    assert load_settings().digest_chart_processes is None  # one per core but one
    monkeypatch.setenv("DIGEST_CHART_PROCESSES", "0")
    assert load_settings().digest_chart_processes == 0


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("SLACK_API_URL=http://127.0.0.1:8089/api\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@db/bot")
    settings = load_settings()
    assert settings.slack_api_url == "http://127.0.0.1:8089/api/"
    assert settings.log_level == "DEBUG"
    assert settings.database_url == "postgresql+psycopg://bot@db/bot"


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "must start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "must start with xapp-"),
        ("SLACK_SIGNING_SECRET", "not-hex!", "hexadecimal signing secret"),
        ("DATABASE_URL", "mysql://x", "sqlite:// or postgresql://"),
        ("LOG_LEVEL", "chatty", "DEBUG"),
        ("DIGEST_CHART_PROCESSES", "-1", "greater than or equal to 0"),
    ],
)
def test_a_malformed_setting_names_the_variable_and_hides_the_value(
    monkeypatch, name, value, reason
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"{name} is invalid")
    assert reason in message and "get it from" in message
    assert value not in message
    assert "\n" not in message


def test_a_missing_setting_says_where_to_get_it():
    settings = load_settings()
    with pytest.raises(
        ConfigError,
        match=r"^SLACK_SIGNING_SECRET is not set: get it from .*"
        r"Signing Secret",
    ):
        settings.require("SLACK_SIGNING_SECRET")


def test_secrets_never_show_in_reprs():
    settings = load_settings(**GOOD)
    assert "xoxb-1-2-abc" not in repr(settings)
    assert "0123456789abcdef" not in str(settings.model_dump())


def test_serve_without_a_token_stops_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[2])},
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Configuration error: SLACK_BOT_TOKEN is not set")


def test_log_records_never_carry_tokens_or_secrets():
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "calling with %s and %s",
        ("xoxb-123-456-abc", "supersecretvalue"),
        None,
    )
    RedactSecrets(["supersecretvalue"]).filter(record)
    assert record.getMessage() == "calling with xoxb-*** and ***"
