"""Submissions of the persona forms: saved before the ack (inline errors on a bad field); the
choice made from the rating button goes on to the rating form."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.gaps.blocks import build_rating_modal
from bot.personas.blocks import (
    PersonaChoiceMetadata,
    persona_added_text,
    persona_chosen_text,
)
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_privately
from bot.slack.values import BadValue, WorkshopMetadata, parse_id
from bot.slack.view_state import input_value, selected_value, state_values
from bot.slack.who import team_id_of, user_id_of
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
from storage.db import Database
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
def handle_add_submission(
    ack: Ack, view: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    meta = WorkshopMetadata.read(view)
    state = state_values(view)
    workshop_id = meta.workshop_id
    stakeholder = selected_value(state, PERSONA_STAKEHOLDER)
    if workshop_id is None:
        raise InvalidInput({PERSONA_NAME: GONE})
    with db.session() as session:
        persona = add_persona(
            session,
            team_id_of(context),
            workshop_id,
            user_id_of(context),
            input_value(state, PERSONA_NAME),
            input_value(state, PERSONA_DESCRIPTION),
            _id(stakeholder),
        )
        name = persona.name
        count = len(personas(session, persona_workshop(session, persona.workshop_id)))
    ack()
    tell_privately(client, user_id_of(context), meta.channel_id, persona_added_text(name, count))


def persona_workshop(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    assert workshop is not None
    return workshop


@answers_refusals(field=PERSONA_CHOICE)
def handle_choice_submission(
    ack: Ack, view: dict, client: WebClient, context: BoltContext, db: Database
) -> None:
    meta = PersonaChoiceMetadata.read(view)
    state = state_values(view)
    workshop_id = meta.workshop_id
    chosen = selected_value(state, PERSONA_CHOICE)
    following = None
    if workshop_id is None:
        raise InvalidInput({PERSONA_CHOICE: GONE})
    with db.session() as session:
        result = choose_persona(
            session, team_id_of(context), workshop_id, user_id_of(context), _id(chosen)
        )
        name = result.persona.name
        if meta.then_rate:
            following = build_rating_modal(
                rating_sheet(session, team_id_of(context), workshop_id, user_id_of(context))
            )
    if following is not None:
        ack(response_action="update", view=following)
    else:
        ack()
    text = persona_chosen_text(name, result.moved)
    tell_privately(client, user_id_of(context), meta.channel_id, text)


def register(app: App) -> None:
    app.view(ids.PERSONA_ADD_MODAL)(handle_add_submission)
    app.view(ids.PERSONA_CHOICE_MODAL)(handle_choice_submission)
