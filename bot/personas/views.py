"""Submissions of the persona forms: saved before the ack (inline errors on a bad field); the
choice made from the rating button goes on to the rating form."""

from __future__ import annotations

from slack_bolt import App
from sqlmodel import Session

from bot.gaps.blocks import build_rating_modal
from bot.personas.blocks import (
    PersonaChoiceMetadata,
    persona_added_text,
    persona_chosen_text,
)
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.requests import SubmissionRequest
from bot.slack.values import BadValue, WorkshopMetadata, parse_id
from bot.slack.view_state import input_value, selected_value
from flows.errors import InvalidInput
from flows.gaps.form import rating_sheet
from flows.personas import (
    PERSONA_CHOICE,
    PERSONA_DESCRIPTION,
    PERSONA_NAME,
    PERSONA_STAKEHOLDER,
    add_persona,
    choose_persona,
    personas,
)
from storage.models import Workshop

GONE = "This workshop no longer exists in this workspace."


def _id(raw: str | None) -> int | None:
    """An id from a chosen option; 0 (found nowhere) for one no form of ours offered."""
    if raw is None:
        return None
    try:
        return parse_id(raw)
    except BadValue:
        return 0


@answers_refusals(field=PERSONA_NAME)
def handle_add_submission(request: SubmissionRequest) -> None:
    meta = request.metadata(WorkshopMetadata)
    state = request.state
    workshop_id = meta.workshop_id
    stakeholder = selected_value(state, PERSONA_STAKEHOLDER)
    if workshop_id is None:
        raise InvalidInput({PERSONA_NAME: GONE})
    with request.db.session() as session:
        persona = add_persona(
            session,
            request.team_id,
            workshop_id,
            request.user_id,
            input_value(state, PERSONA_NAME),
            input_value(state, PERSONA_DESCRIPTION),
            _id(stakeholder),
        )
        name = persona.name
        count = len(personas(session, persona_workshop(session, persona.workshop_id)))
    request.ack()
    request.tell_in(meta.channel_id, persona_added_text(name, count))


def persona_workshop(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    assert workshop is not None
    return workshop


@answers_refusals(field=PERSONA_CHOICE)
def handle_choice_submission(request: SubmissionRequest) -> None:
    meta = request.metadata(PersonaChoiceMetadata)
    state = request.state
    workshop_id = meta.workshop_id
    chosen = selected_value(state, PERSONA_CHOICE)
    following = None
    if workshop_id is None:
        raise InvalidInput({PERSONA_CHOICE: GONE})
    with request.db.session() as session:
        result = choose_persona(session, request.team_id, workshop_id, request.user_id, _id(chosen))
        name = result.persona.name
        if meta.then_rate:
            following = build_rating_modal(
                rating_sheet(session, request.team_id, workshop_id, request.user_id)
            )
    request.show_or_close(following)
    text = persona_chosen_text(name, result.moved)
    request.tell_in(meta.channel_id, text)


def register(app: App) -> None:
    app.view(ids.PERSONA_ADD_MODAL)(handle_add_submission)
    app.view(ids.PERSONA_CHOICE_MODAL)(handle_choice_submission)
