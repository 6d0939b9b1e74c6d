"""The import form's submission: read the shared file (or the pasted answers), check and save
them inside the ack window (a bad row comes back as an inline error on the field and nothing is
saved), then confirm privately and post the comparison in the board's thread after the ack."""

from __future__ import annotations

import logging
from datetime import date

from slack_bolt import App

from bot.customers.blocks import import_confirmation
from bot.customers.posts import post_customer_report
from bot.slack import ids
from bot.slack.answers import takes_request
from bot.slack.blocks import truncate
from bot.slack.files import read_shared_text, shared_file_ids
from bot.slack.requests import SubmissionRequest
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import input_value, selected_date, selected_value
from flows.customers.importing import DEFAULT_SCALE, import_customer_answers
from flows.customers.reports import customer_report
from flows.errors import FlowError
from flows.kpi_import import ImportRefused
from flows.workshops import get_workshop, require_facilitator

logger = logging.getLogger(__name__)
GONE = "This workshop no longer exists in this workspace."
MAX_FIELD_ERROR = 1500


def refusal_text(refusal: ImportRefused, limit: int = MAX_FIELD_ERROR) -> str:
    """The refusal and every bad row, as one inline field error."""
    lines = [str(refusal), *(str(problem) for problem in refusal.problems)]
    return truncate("\n".join(lines), limit)


@takes_request
def handle_import_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(WorkshopMetadata)
    workshop_id = meta.workshop_id
    db = request.db
    field = ids.CUSTOMERS_FIELD_ANSWERS
    chosen_date = selected_date(state, ids.CUSTOMERS_FIELD_DATE)
    file_ids = shared_file_ids(state, ids.CUSTOMERS_FIELD_FILE)
    pasted = input_value(state, field) or ""
    if not file_ids and not pasted.strip():
        request.show_errors({field: "Choose a CSV file or paste the answers."})
        return
    if file_ids and pasted.strip():
        request.show_errors({field: "A file or pasted answers, not both: clear one of them."})
        return
    if file_ids:
        field = ids.CUSTOMERS_FIELD_FILE
    try:
        if not workshop_id:
            raise FlowError(GONE)
        survey_date = date.fromisoformat(chosen_date) if chosen_date else None
        text = read_shared_text(request.client, file_ids[0])[1] if file_ids else pasted
        with db.session() as session:
            workshop = get_workshop(session, request.team_id, workshop_id)
            require_facilitator(session, workshop, request.user_id, "import customers' answers")
            result = import_customer_answers(
                session,
                workshop,
                text,
                imported_by=request.user_id,
                today=date.today(),
                scale=selected_value(state, ids.CUSTOMERS_FIELD_SCALE) or DEFAULT_SCALE,
                survey_date=survey_date,
                source="slack file" if file_ids else "form",
            )
    except ImportRefused as refusal:
        errors = {field: refusal_text(refusal)}
        if "survey date" in str(refusal):
            errors = {ids.CUSTOMERS_FIELD_DATE: str(refusal)}
        request.show_errors(errors)
        return
    except ValueError:
        request.show_errors({ids.CUSTOMERS_FIELD_DATE: "That is not a date."})
        return
    except FlowError as error:
        request.show_errors({field: str(error)})
        return
    request.ack()
    with db.read_session() as session:
        report = customer_report(session, request.team_id, result.workshop_id)
    request.tell_in(
        meta.channel_id,
        import_confirmation(result, report),
    )
    if not result.already_imported:
        post_customer_report(request.client, db, request.team_id, result.workshop_id)


def register(app: App) -> None:
    app.view(ids.CUSTOMERS_IMPORT_MODAL)(handle_import_submission)
