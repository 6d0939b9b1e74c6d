"""A Web API client per workspace, for work that no Slack request carries a token for (the
digest scheduler): the one configured bot token, or, with multi-workspace install, the token the
workspace's installation stored."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.app import create_web_client
from bot.config import Settings
from bot.slack.oauth import installation_store
from storage.db import Database

logger = logging.getLogger(__name__)

ClientForTeam = Callable[[str], WebClient | None]


def team_clients(settings: Settings, db: Database) -> ClientForTeam:
    if not settings.oauth_enabled:
        client = create_web_client(settings)
        return lambda team_id: client
    store = installation_store(settings, db)

    def client_for(team_id: str) -> WebClient | None:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            logger.warning("workspace %s has no installation (uninstalled?)", team_id)
            return None
        return create_web_client(settings, token=bot.bot_token)

    return client_for
