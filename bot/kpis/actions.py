"""The "Record a value" button under a posted KPI table: opens the record modal."""

from __future__ import annotations

from datetime import date

from slack_bolt import App
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.kpis.blocks import build_record_modal
from bot.slack import ids
from bot.slack.openers import modal_opener
from bot.slack.requests import ActionRequest
from bot.slack.values import WorkshopValue
from flows.errors import NotFound
from flows.kpis import kpi_choices

NO_WORKSHOP = "That workshop no longer exists in this workspace."


def _record_form(session: Session, click: ActionRequest) -> View:
    try:
        choices = kpi_choices(session, click.team_id, click.value(WorkshopValue).workshop_id)
    except NotFound as gone:
        raise NotFound(NO_WORKSHOP) from gone
    channel_id = (click.body.get("channel") or {}).get("id") or choices.workshop.channel_id
    return build_record_modal(choices, channel_id, date.today())


handle_open_record = modal_opener(_record_form, NO_WORKSHOP)


def register(app: App) -> None:
    app.action(ids.KPI_OPEN_RECORD)(handle_open_record)
