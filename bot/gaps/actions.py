"""Gap rating buttons: Rate touchpoints (board and nudge DM), Nudge non-raters (board), Open
rating round N (results message), and the rating form's done view (Rate the rest, Add importance
& comments, Change a page), which turn that view into the page asked for."""

from __future__ import annotations

from slack_bolt import App

from bot.gaps.blocks import (
    DETAILS_PAGE_SIZE,
    RatingDoneMetadata,
    RoundValue,
    build_details_modal,
    build_how_to_read_modal,
    build_rating_modal,
)
from bot.gaps.posts import open_next_round, open_rating_form, send_nudges
from bot.slack import ids
from bot.slack.answers import answers_refusals, takes_request
from bot.slack.requests import ActionRequest
from bot.slack.values import BadValue, PageNumber, WorkshopValue
from flows.gaps.form import details_sheet, rating_sheet

STALE_BUTTON = "That button is out of date; use the latest board."


@answers_refusals(STALE_BUTTON)
def handle_rate(request: ActionRequest) -> None:
    request.ack()
    workshop_id = request.value(WorkshopValue).workshop_id
    open_rating_form(
        request.client,
        request.db,
        request.team_id,
        request.user_id,
        workshop_id,
        request.body.get("trigger_id", ""),
    )


@answers_refusals(STALE_BUTTON)
def handle_nudge(request: ActionRequest) -> None:
    request.ack()
    workshop_id = request.value(WorkshopValue).workshop_id
    request.tell(
        send_nudges(request.client, request.db, request.team_id, request.user_id, workshop_id)
    )


@answers_refusals(STALE_BUTTON)
def handle_new_round(request: ActionRequest) -> None:
    request.ack()
    value = request.value(RoundValue)
    open_next_round(
        request.client, request.db, request.team_id, request.user_id, value.workshop_id, value.round
    )


@answers_refusals(STALE_BUTTON)
def handle_done_view_action(request: ActionRequest) -> None:
    """Rate the rest / Change a page open that rating page; Add importance & comments opens the
    details. Nothing is saved here: the pages save when submitted."""
    request.ack()
    view = request.view
    workshop_id = RatingDoneMetadata.read(view).w
    page = request.value(PageNumber).page
    if workshop_id is None or not view.get("id"):
        raise BadValue("the rating form's done view without its workshop")
    team_id, user_id = request.team_id, request.user_id
    with request.db.read_session() as session:
        if request.action.get("action_id") == ids.RATE_DETAILS_OPEN:
            details = details_sheet(session, team_id, workshop_id, user_id, page, DETAILS_PAGE_SIZE)
            following = build_details_modal(details)
        else:
            following = build_rating_modal(
                rating_sheet(session, team_id, workshop_id, user_id, page)
            )
    request.client.views_update(view_id=view["id"], view=following)


@takes_request
def handle_how_to_read(request: ActionRequest) -> None:
    """The statistics note behind the results' "How to read this": a modal, opened at once
    (trigger ids expire in 3 s; nothing to read or save)."""
    request.ack()
    try:
        results_round = RoundValue.of(request.action).round
    except ValueError:  # BadValue: not a value our button sent
        results_round = 1
    request.open_modal(build_how_to_read_modal(results_round))


def register(app: App) -> None:
    app.action(ids.GAPS_HOW_TO_READ)(handle_how_to_read)
    for action_id in (ids.RATE_RESUME, ids.RATE_DETAILS_OPEN, ids.RATE_PAGE_PICK):
        app.action(action_id)(handle_done_view_action)
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
