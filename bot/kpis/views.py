"""Submissions of the KPI modals: record a value, define a custom KPI.

Both validate and write inside the ack window (a few milliseconds of database work), so a bad
field is shown inline on the form and nothing is saved; the confirmation and the board refresh
happen after the ack.
"""

from __future__ import annotations

from slack_bolt import App

from bot.kpis.blocks import define_confirmation, record_confirmation
from bot.slack import ids
from bot.slack.answers import takes_request
from bot.slack.requests import SubmissionRequest
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import input_value, selected_date, selected_value
from bot.workshop.board import refresh_board
from flows.errors import InvalidInput, NotFound
from flows.kpi_catalogue import define_custom_kpi, validate_custom_kpi
from flows.kpis import kpi_choices, record_kpi_value, validate_entry
from flows.workshops import get_workshop, join_workshop
from storage.models import Phase, pk

GONE = "This workshop no longer exists in this workspace."


def _stage(state: dict) -> int | str | None:
    """The selected stage id; a value that is not one is passed on as text and refused."""
    value = selected_value(state, ids.KPI_FIELD_STAGE)
    return int(value) if value and value.isdecimal() else value


@takes_request
def handle_record_submission(request: SubmissionRequest) -> None:
    state = request.state
    workshop_id = request.metadata(WorkshopMetadata).workshop_id
    try:
        if workshop_id is None:
            raise NotFound(GONE)
        with request.db.session() as session:
            choices = kpi_choices(session, request.team_id, workshop_id)
            entry = validate_entry(
                choices,
                kpi=selected_value(state, ids.KPI_FIELD_KPI),
                stage=_stage(state),
                period_end=selected_date(state, ids.KPI_FIELD_PERIOD_END),
                value=input_value(state, ids.KPI_FIELD_VALUE),
                raw=input_value(state, ids.KPI_FIELD_RAW),
                target=input_value(state, ids.KPI_FIELD_TARGET),
                benchmark=input_value(state, ids.KPI_FIELD_BENCHMARK),
                benchmark_source=input_value(state, ids.KPI_FIELD_BENCHMARK_SOURCE),
            )
            result = record_kpi_value(session, choices.workshop, request.user_id, entry)
    except InvalidInput as error:
        request.show_errors(error.errors)
        return
    except NotFound:
        request.show_errors({ids.KPI_FIELD_KPI: GONE})
        return
    request.ack()
    if result.workshop.board_ts:  # the board counts KPIs on target
        client, db = request.client, request.db
        team_id, workshop_id = request.team_id, pk(result.workshop)
        request.after_ack.run(None, lambda: refresh_board(client, db, team_id, workshop_id))
    _confirm(request, record_confirmation(result))


@takes_request
def handle_define_submission(request: SubmissionRequest) -> None:
    state = request.state
    workshop_id = request.metadata(WorkshopMetadata).workshop_id
    direction = selected_value(state, ids.KPI_DEFINE_DIRECTION)
    try:
        if workshop_id is None:
            raise NotFound(GONE)
        with request.db.session() as session:
            workshop = get_workshop(session, request.team_id, workshop_id)
            spec = validate_custom_kpi(
                name=input_value(state, ids.KPI_DEFINE_NAME),
                unit=input_value(state, ids.KPI_DEFINE_UNIT),
                higher_is_better={
                    ids.KPI_HIGHER_IS_BETTER: True,
                    ids.KPI_LOWER_IS_BETTER: False,
                }.get(direction or ""),
                minimum=input_value(state, ids.KPI_DEFINE_MIN),
                maximum=input_value(state, ids.KPI_DEFINE_MAX),
            )
            kpi = define_custom_kpi(session, workshop, request.user_id, spec)
            if workshop.phase != Phase.closed:
                join_workshop(session, workshop, request.user_id)
    except InvalidInput as error:
        request.show_errors(error.errors)
        return
    except NotFound:
        request.show_errors({ids.KPI_DEFINE_NAME: GONE})
        return
    request.ack()
    _confirm(request, define_confirmation(kpi))


def _confirm(request: SubmissionRequest, text: str) -> None:
    """Privately, in the channel the modal was opened from (as a DM without one)."""
    request.tell_in(request.metadata(WorkshopMetadata).channel_id, text)


def register(app: App) -> None:
    app.view(ids.KPI_RECORD_MODAL)(handle_record_submission)
    app.view(ids.KPI_DEFINE_MODAL)(handle_define_submission)
