"""Submissions of the deadline and recurring-round forms: validate (inline errors), save, ack,
then redraw the board and confirm privately."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import App
from sqlmodel import Session

from bot.rounds.blocks import deadline_set_text, rounds_scheduled_text
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.requests import SubmissionRequest
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import input_value, selected_date, selected_time, selected_value
from bot.workshop.board import refresh_board
from flows.rounds import (
    as_utc,
    next_opening,
    save_round_schedule,
    set_deadline,
    validate_deadline,
    validate_round_schedule,
)
from flows.workshops import PHASE_NAMES
from storage.models import Phase, Workshop, pk

ROUND_WHEN = {
    "quarterly": "on the first Monday of each quarter",
    "monthly": "on the first Monday of each month",
}


@answers_refusals(field=ids.DEADLINE_DATE)
def handle_deadline_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(WorkshopMetadata)
    spec = validate_deadline(
        selected_date(state, ids.DEADLINE_DATE),
        selected_time(state, ids.DEADLINE_TIME),
        selected_value(state, ids.DEADLINE_TIMEZONE),
    )

    def save(session: Session, workshop: Workshop) -> tuple[str, Phase, datetime]:
        deadline = set_deadline(session, request.team_id, pk(workshop), request.user_id, spec)
        return workshop.title, Phase(deadline.phase), as_utc(deadline.due_at)

    saved = request.save_once(save)
    request.ack()
    if saved is None:  # the same submission again: it is saved and its sender was told
        return
    title, phase, due_at = saved
    refresh_board(request.client, request.db, request.team_id, meta.workshop_id or 0)
    request.tell_in(
        meta.channel_id,
        deadline_set_text(title, PHASE_NAMES[phase], due_at, phase is Phase.rating),
    )


@answers_refusals(field=ids.ROUND_CADENCE)
def handle_rounds_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(WorkshopMetadata)
    spec = validate_round_schedule(
        cadence=selected_value(state, ids.ROUND_CADENCE),
        open_time=selected_time(state, ids.ROUND_TIME),
        timezone=selected_value(state, ids.ROUND_TIMEZONE),
        open_days=input_value(state, ids.ROUND_OPEN_DAYS),
        close_time=selected_time(state, ids.ROUND_CLOSE_TIME),
        cron=input_value(state, ids.ROUND_CRON),
    )

    def save(session: Session, workshop: Workshop) -> tuple[str, datetime | None]:
        schedule = save_round_schedule(
            session, request.team_id, pk(workshop), request.user_id, spec
        )
        return workshop.title, next_opening(schedule)

    saved = request.save_once(save)
    request.ack()
    if saved is None:
        return
    title, upcoming = saved
    cadence = selected_value(state, ids.ROUND_CADENCE) or ""
    when = f"{ROUND_WHEN.get(cadence, f'on `{spec.cron}`')} ({spec.timezone})"
    close_at = f"{spec.close_hour:02d}:{spec.close_minute:02d}"
    request.tell_in(
        meta.channel_id,
        rounds_scheduled_text(title, when, spec.open_days, close_at, upcoming),
    )


def register(app: App) -> None:
    app.view(ids.DEADLINE_MODAL)(handle_deadline_submission)
    app.view(ids.ROUNDS_MODAL)(handle_rounds_submission)
