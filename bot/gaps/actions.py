"""Gap rating buttons: Rate touchpoints (board and nudge DM), Nudge non-raters (board), Open
rating round N (results message), and the rating form's done view (Rate the rest, Add importance
& comments, Change a page), which turn that view into the page asked for."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.gaps.blocks import (
    DETAILS_PAGE_SIZE,
    RatingDoneMetadata,
    RoundValue,
    build_details_modal,
    build_rating_modal,
)
from bot.gaps.posts import open_next_round, open_rating_form, send_nudges
from bot.slack import ids
from bot.slack.replies import tell_user
from bot.slack.values import BadValue, PageNumber, WorkshopValue
from flows.errors import FlowError
from flows.gaps.form import details_sheet, rating_sheet

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


def _done_view_target(body: dict, action: dict) -> tuple[int, int, str] | None:
    """The workshop (the done view's metadata), the page asked for, and the view to replace."""
    view = body.get("view") or {}
    workshop_id = RatingDoneMetadata.read(view).w
    try:
        page = PageNumber.of(action).page
    except BadValue:
        return None
    if workshop_id is None or not view.get("id"):
        return None
    return workshop_id, page, view["id"]


def handle_done_view_action(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    """Rate the rest / Change a page open that rating page; Add importance & comments opens the
    details. Nothing is saved here: the pages save when submitted."""
    ack()
    target = _done_view_target(body, action)
    if target is None:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    workshop_id, page, view_id = target
    team_id, user_id = context.team_id, context.user_id
    try:
        with context["db"].read_session() as session:
            if action.get("action_id") == ids.RATE_DETAILS_OPEN:
                details = details_sheet(
                    session, team_id, workshop_id, user_id, page, DETAILS_PAGE_SIZE
                )
                view = build_details_modal(details)
            else:
                view = build_rating_modal(
                    rating_sheet(session, team_id, workshop_id, user_id, page)
                )
    except FlowError as error:
        tell_user(client, body, str(error), respond)
        return
    client.views_update(view_id=view_id, view=view)


def register(app: App) -> None:
    for action_id in (ids.RATE_RESUME, ids.RATE_DETAILS_OPEN, ids.RATE_PAGE_PICK):
        app.action(action_id)(handle_done_view_action)
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
