"""The Home tab: the user's workshops."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.workshops import build_home
from flows.workshops import user_workshops
from storage.db import Database


def publish_home(client: WebClient, db: Database, team_id: str, user_id: str) -> None:
    with db.session() as session:
        workshops = user_workshops(session, team_id, user_id)
    client.views_publish(user_id=user_id, view=build_home(workshops))


def handle_app_home_opened(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    publish_home(client, context["db"], context.team_id, event["user"])


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
