"""The "Record a value" button under a posted KPI table: opens the record modal."""

from __future__ import annotations

from datetime import date

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.kpis.blocks import build_record_modal
from bot.slack import ids
from bot.slack.replies import tell_user
from bot.slack.values import BadValue, WorkshopValue
from bot.slack.who import team_id_of
from flows.errors import NotFound
from flows.kpis import kpi_choices
from storage.db import Database


def handle_open_record(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    ack()
    try:
        workshop_id = WorkshopValue.of(action).workshop_id
        with db.session() as session:
            choices = kpi_choices(session, team_id_of(context), workshop_id)
    except (BadValue, NotFound):
        tell_user(client, body, "That workshop no longer exists in this workspace.", respond)
        return
    channel_id = (body.get("channel") or {}).get("id") or choices.workshop.channel_id
    client.views_open(
        trigger_id=body["trigger_id"], view=build_record_modal(choices, channel_id, date.today())
    )


def register(app: App) -> None:
    app.action(ids.KPI_OPEN_RECORD)(handle_open_record)
