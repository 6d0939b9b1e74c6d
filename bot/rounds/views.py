"""Submissions of the deadline and recurring-round forms: validate (inline errors), save, ack,
then redraw the board and confirm privately."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.rounds.blocks import deadline_set_text, rounds_scheduled_text
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import input_value, selected_date, selected_time, selected_value
from bot.slack.who import team_id_of, user_id_of
from bot.workshop.board import refresh_board
from flows.events import claim_submission
from flows.rounds import (
    as_utc,
    next_opening,
    save_round_schedule,
    set_deadline,
    validate_deadline,
    validate_round_schedule,
)
from flows.workshops import PHASE_NAMES, get_workshop
from storage.db import Database
from storage.models import Phase, pk

ROUND_WHEN = {
    "quarterly": "on the first Monday of each quarter",
    "monthly": "on the first Monday of each month",
}


def _workshop_id(meta: WorkshopMetadata) -> int:
    return meta.workshop_id or 0  # forged metadata reads as no workshop: not found


def _where(context: BoltContext, meta: WorkshopMetadata) -> dict:
    return {"user": {"id": user_id_of(context)}, "channel": {"id": meta.channel_id}}


@answers_refusals(field=ids.DEADLINE_DATE)
def handle_deadline_submission(
    ack: Ack, view: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    state = view["state"]["values"]
    meta = WorkshopMetadata.read(view)
    spec = validate_deadline(
        selected_date(state, ids.DEADLINE_DATE),
        selected_time(state, ids.DEADLINE_TIME),
        selected_value(state, ids.DEADLINE_TIMEZONE),
    )
    workshop_id = _workshop_id(meta)
    with db.session() as session:
        workshop = get_workshop(session, team_id_of(context), workshop_id)
        repeated = not claim_submission(session, team_id_of(context), view.get("id"))
        if not repeated:
            deadline = set_deadline(
                session, team_id_of(context), pk(workshop), user_id_of(context), spec
            )
            title, phase, due_at = workshop.title, Phase(deadline.phase), as_utc(deadline.due_at)
    ack()
    if repeated:
        return
    refresh_board(client, db, team_id_of(context), workshop_id)
    tell_user(
        client,
        _where(context, meta),
        deadline_set_text(title, PHASE_NAMES[phase], due_at, phase is Phase.rating),
    )


@answers_refusals(field=ids.ROUND_CADENCE)
def handle_rounds_submission(
    ack: Ack, view: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    state = view["state"]["values"]
    meta = WorkshopMetadata.read(view)
    spec = validate_round_schedule(
        cadence=selected_value(state, ids.ROUND_CADENCE),
        open_time=selected_time(state, ids.ROUND_TIME),
        timezone=selected_value(state, ids.ROUND_TIMEZONE),
        open_days=input_value(state, ids.ROUND_OPEN_DAYS),
        close_time=selected_time(state, ids.ROUND_CLOSE_TIME),
        cron=input_value(state, ids.ROUND_CRON),
    )
    with db.session() as session:
        workshop = get_workshop(session, team_id_of(context), _workshop_id(meta))
        repeated = not claim_submission(session, team_id_of(context), view.get("id"))
        if not repeated:
            schedule = save_round_schedule(
                session, team_id_of(context), pk(workshop), user_id_of(context), spec
            )
            title, upcoming = workshop.title, next_opening(schedule)
    ack()
    if repeated:
        return
    cadence = selected_value(state, ids.ROUND_CADENCE) or ""
    when = f"{ROUND_WHEN.get(cadence, f'on `{spec.cron}`')} ({spec.timezone})"
    close_at = f"{spec.close_hour:02d}:{spec.close_minute:02d}"
    tell_user(
        client,
        _where(context, meta),
        rounds_scheduled_text(title, when, spec.open_days, close_at, upcoming),
    )


def register(app: App) -> None:
    app.view(ids.DEADLINE_MODAL)(handle_deadline_submission)
    app.view(ids.ROUNDS_MODAL)(handle_rounds_submission)
