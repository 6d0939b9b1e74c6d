"""Multi-workspace install: Slack's OAuth flow with slack_sdk's SQLAlchemy stores.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, `serve --http` serves
`GET /slack/install` (the "Add to Slack" page) and `GET /slack/oauth_redirect`, keeps every
workspace's bot token in the project's database, and authorises each request with the token of
the workspace it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.config import Settings
from bot.departures import WorkspaceInstallationStore
from storage.db import Database
from storage.models.slack_oauth import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

# The bot scopes the code uses; manifest.yml asks for the same (a test keeps them in step).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "users:read",
    "files:write",
    "files:read",  # the file input of /workshop customers (bot/slack/files.py)
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRY_S = 600


def installation_store(settings: Settings, db: Database) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id,  # type: ignore[arg-type]
        engine=db.engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def oauth_settings(
    settings: Settings, db: Database, on_resumed: Callable[[], None] | None = None
) -> OAuthSettings:
    """`on_resumed`: called when an install resumed schedules (bot/departures.py)."""
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),  # type: ignore[union-attr]
        scopes=list(BOT_SCOPES),
        installation_store=WorkspaceInstallationStore(
            client_id=settings.slack_client_id,
            engine=db.engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
            db=db,
            on_resumed=on_resumed,
        ),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRY_S, engine=db.engine, table_name=OAUTH_STATES_TABLE
        ),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install goes straight to Slack's page
    )
