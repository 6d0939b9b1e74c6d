"""Gap rating buttons: Rate touchpoints (board and nudge DM), Nudge non-raters (board), and
Open rating round N (results message)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.gaps.blocks import RoundValue
from bot.gaps.posts import open_next_round, open_rating_form, send_nudges
from bot.slack import ids
from bot.slack.replies import tell_user
from bot.slack.values import BadValue, WorkshopValue
from flows.errors import FlowError

STALE_BUTTON = "That button is out of date; use the latest board."


def _workshop_id(action: dict) -> int | None:
    try:
        return WorkshopValue.of(action).workshop_id
    except BadValue:
        return None


def handle_rate(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    workshop_id = _workshop_id(action)
    if workshop_id is None:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    try:
        open_rating_form(
            client,
            context["db"],
            context.team_id,
            context.user_id,
            workshop_id,
            body.get("trigger_id", ""),
        )
    except FlowError as error:
        tell_user(client, body, str(error), respond)


def handle_nudge(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    workshop_id = _workshop_id(action)
    if workshop_id is None:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    try:
        summary = send_nudges(client, context["db"], context.team_id, context.user_id, workshop_id)
    except FlowError as error:
        summary = str(error)
    tell_user(client, body, summary, respond)


def handle_new_round(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    try:
        value = RoundValue.of(action)
    except BadValue:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    try:
        open_next_round(
            client, context["db"], context.team_id, context.user_id, value.workshop_id, value.round
        )
    except FlowError as error:
        tell_user(client, body, str(error), respond)


def register(app: App) -> None:
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
