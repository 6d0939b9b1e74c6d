"""Home tab paging, and the URL buttons (open the board) whose clicks Slack still reports."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.home.publish import publish_home
from bot.slack import ids
from bot.slack.answers import takes_request
from bot.slack.requests import ActionRequest
from bot.slack.values import BadValue, PageNumber


@takes_request
def handle_page(request: ActionRequest) -> None:
    request.ack()
    try:
        page = request.value(PageNumber).page
    except BadValue:
        page = 0
    publish_home(request.client, request.db, request.team_id, request.user_id, page)


def acknowledge_link(ack: Ack) -> None:
    """A URL button opens its link in Slack's client; the click only needs an ack."""
    ack()


def register(app: App) -> None:
    app.action(ids.HOME_PAGE_PREV)(handle_page)
    app.action(ids.HOME_PAGE_NEXT)(handle_page)
    app.action(ids.HOME_OPEN_BOARD)(acknowledge_link)
    app.action(ids.DIGEST_OPEN_BOARD)(acknowledge_link)
