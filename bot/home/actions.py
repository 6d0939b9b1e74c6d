"""Home tab paging, and the URL buttons (open the board) whose clicks Slack still reports."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.home.publish import publish_home
from bot.slack import ids
from bot.slack.values import BadValue, PageNumber
from bot.slack.who import team_id_of, user_id_of
from storage.db import Database


def handle_page(
    ack: Ack, action: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    ack()
    try:
        page = PageNumber.of(action).page
    except BadValue:
        page = 0
    publish_home(client, db, team_id_of(context), user_id_of(context), page)


def acknowledge_link(ack: Ack) -> None:
    """A URL button opens its link in Slack's client; the click only needs an ack."""
    ack()


def register(app: App) -> None:
    app.action(ids.HOME_PAGE_PREV)(handle_page)
    app.action(ids.HOME_PAGE_NEXT)(handle_page)
    app.action(ids.HOME_OPEN_BOARD)(acknowledge_link)
    app.action(ids.DIGEST_OPEN_BOARD)(acknowledge_link)
