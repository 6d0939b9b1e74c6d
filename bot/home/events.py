"""The Home tab: the user's workshops, their digests and what features add (bot/home/publish.py)."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.home.publish import publish_home
from storage.db import Database


def handle_app_home_opened(
    event: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    user = event.get("user")
    # Slack always names the workspace and the person; a forged event without them is ignored.
    if event.get("tab") != "home" or not context.team_id or not isinstance(user, str):
        return
    publish_home(client, db, context.team_id, user)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
