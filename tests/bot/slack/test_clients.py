"""The scheduler's Web API client per workspace: the bot token, or each installation's own."""

from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.slack.clients import team_clients
from bot.slack.oauth import installation_store

SECRET = "0123456789abcdef0123456789abcdef"


def test_one_workspace_uses_the_configured_token(db):
    settings = Settings(
        slack_bot_token="xoxb-configured", slack_signing_secret=SECRET, database_url=db.url
    )
    client_for = team_clients(settings, db)
    assert client_for("T0ANY").token == "xoxb-configured"


def test_each_installed_workspace_uses_its_own_token(db):
    settings = Settings(
        slack_signing_secret=SECRET,
        slack_client_id="1234.5678",
        slack_client_secret="client-secret-value",
        database_url=db.url,
    )
    installation_store(settings, db).save(
        Installation(
            app_id="A0APP",
            enterprise_id=None,
            team_id="T0ACME",
            user_id="U0ANA",
            bot_token="xoxb-acme",
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            bot_scopes=["chat:write"],
        )
    )
    client_for = team_clients(settings, db)
    assert client_for("T0ACME").token == "xoxb-acme"
    assert client_for("T0GONE") is None  # not installed: the job skips, nothing is posted
