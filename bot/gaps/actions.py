"""Gap rating buttons: Rate touchpoints (board and nudge DM), Nudge non-raters (board), and
Open rating round N (results message)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.gaps.blocks import build_how_to_read_modal
from bot.gaps.posts import open_next_round, open_rating_form, parse_id, send_nudges
from bot.slack import ids
from bot.slack.replies import tell_user
from flows.errors import FlowError

STALE_BUTTON = "That button is out of date; use the latest board."


def _workshop_id(action: dict) -> int | None:
    return parse_id(action.get("value"))


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


def parse_round_value(value: object) -> tuple[int, int]:
    """Round buttons carry "12|1": the workshop and the round the results were drawn for."""
    workshop_id, _, round_number = value.partition("|") if isinstance(value, str) else ("", "", "")
    parsed = parse_id(workshop_id), parse_id(round_number)
    if parsed[0] is None or parsed[1] is None:
        raise ValueError(f"not a round button value: {value!r}")
    return parsed[0], parsed[1]


def handle_new_round(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    try:
        workshop_id, drawn_for = parse_round_value(action.get("value"))
    except ValueError:
        tell_user(client, body, STALE_BUTTON, respond)
        return
    try:
        open_next_round(
            client, context["db"], context.team_id, context.user_id, workshop_id, drawn_for
        )
    except FlowError as error:
        tell_user(client, body, str(error), respond)


def handle_how_to_read(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
    """The statistics note behind the results' "How to read this": a modal, opened at once
    (trigger ids expire in 3 s; nothing to read or save)."""
    ack()
    try:
        _, results_round = parse_round_value(action.get("value"))
    except ValueError:
        results_round = 1
    client.views_open(trigger_id=body["trigger_id"], view=build_how_to_read_modal(results_round))


def register(app: App) -> None:
    app.action(ids.GAPS_HOW_TO_READ)(handle_how_to_read)
    app.action(ids.RATE_OPEN)(handle_rate)
    app.action(ids.RATE_NUDGE)(handle_nudge)
    app.action(ids.RATE_NEW_ROUND)(handle_new_round)
