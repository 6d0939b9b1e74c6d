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
    build_how_to_read_modal,
    build_rating_modal,
)
from bot.gaps.posts import open_next_round, open_rating_form, send_nudges
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.values import BadValue, PageNumber, WorkshopValue
from bot.slack.who import team_id_of, user_id_of
from flows.gaps.form import details_sheet, rating_sheet
from storage.db import Database

STALE_BUTTON = "That button is out of date; use the latest board."


@answers_refusals(STALE_BUTTON)
def handle_rate(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
) -> None:
    ack()
    workshop_id = WorkshopValue.of(action).workshop_id
    open_rating_form(
        client,
        db,
        team_id_of(context),
        user_id_of(context),
        workshop_id,
        body.get("trigger_id", ""),
    )


@answers_refusals(STALE_BUTTON)
def handle_nudge(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    ack()
    workshop_id = WorkshopValue.of(action).workshop_id
    summary = send_nudges(client, db, team_id_of(context), user_id_of(context), workshop_id)
    tell_user(client, body, summary, respond)


@answers_refusals(STALE_BUTTON)
def handle_new_round(
    ack: Ack,
    action: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
) -> None:
    ack()
    value = RoundValue.of(action)
    open_next_round(
        client, db, team_id_of(context), user_id_of(context), value.workshop_id, value.round
    )


@answers_refusals(STALE_BUTTON)
def handle_done_view_action(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
) -> None:
    """Rate the rest / Change a page open that rating page; Add importance & comments opens the
    details. Nothing is saved here: the pages save when submitted."""
    ack()
    view = body.get("view") or {}
    workshop_id = RatingDoneMetadata.read(view).w
    page = PageNumber.of(action).page
    if workshop_id is None or not view.get("id"):
        raise BadValue("the rating form's done view without its workshop")
    team_id, user_id = team_id_of(context), user_id_of(context)
    with db.read_session() as session:
        if action.get("action_id") == ids.RATE_DETAILS_OPEN:
            details = details_sheet(session, team_id, workshop_id, user_id, page, DETAILS_PAGE_SIZE)
            following = build_details_modal(details)
        else:
            following = build_rating_modal(
                rating_sheet(session, team_id, workshop_id, user_id, page)
            )
    client.views_update(view_id=view["id"], view=following)


def handle_how_to_read(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
    """The statistics note behind the results' "How to read this": a modal, opened at once
    (trigger ids expire in 3 s; nothing to read or save)."""
    ack()
    try:
        results_round = RoundValue.of(action).round
    except ValueError:  # BadValue: not a value our button sent
        results_round = 1
    client.views_open(trigger_id=body["trigger_id"], view=build_how_to_read_modal(results_round))


def register(app: App) -> None:
    app.action(ids.GAPS_HOW_TO_READ)(handle_how_to_read)
    for action_id in (ids.RATE_RESUME, ids.RATE_DETAILS_OPEN, ids.RATE_PAGE_PICK):
        app.action(action_id)(handle_done_view_action)
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
