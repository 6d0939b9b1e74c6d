"""Gap rating buttons: Rate touchpoints (board and nudge DM), Nudge non-raters (board), and
Open rating round N (results message)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.gaps.blocks import RoundValue, build_how_to_read_modal
from bot.gaps.posts import open_next_round, open_rating_form, send_nudges
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.values import WorkshopValue
from bot.slack.who import team_id_of, user_id_of
from storage.db import Database

STALE_BUTTON = "That button is out of date; use the latest board."


@answers_refusals(STALE_BUTTON)
def handle_rate(
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
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    ack()
    value = RoundValue.of(action)
    open_next_round(
        client, db, team_id_of(context), user_id_of(context), value.workshop_id, value.round
    )


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
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
