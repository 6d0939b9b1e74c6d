"""Posting the results per persona in the board's thread, after the gap results. Nothing is
posted for a workshop without personas, or before anyone rated for one."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.personas.blocks import (
    build_persona_choice_modal,
    build_persona_results,
    persona_results_text,
    persona_round_text,
)
from bot.workshop.board import post_in_thread, refresh_board
from flows.personas import (
    PersonaResults,
    PersonaRound,
    chosen_persona,
    personas,
    rate_round_for_persona,
    rater_persona_id,
)
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop, pk


def choice_modal(
    session: Session, workshop: Workshop, user_id: str, channel_id: str, then_rate: bool = False
) -> View | None:
    """The persona picker for this rater, or None when the workshop has no personas."""
    defined = personas(session, workshop)
    if not defined:
        return None
    return build_persona_choice_modal(
        pk(workshop),
        workshop.title,
        channel_id,
        [(p.id, p.name, p.description) for p in defined],  # type: ignore[misc]
        chosen.id if (chosen := chosen_persona(session, workshop, user_id)) else None,
        then_rate=then_rate,
    )


def persona_picker(session: Session, workshop_id: int, team_id: str, user_id: str) -> View | None:
    """Before a rater's first rating in a workshop with personas: the picker, which goes on to
    the rating form. None when there is nothing to pick (no personas, or already picked)."""
    workshop = get_workshop(session, team_id, workshop_id)
    if rater_persona_id(session, workshop, user_id) is not None:
        return None
    return choice_modal(session, workshop, user_id, workshop.channel_id, then_rate=True)


def post_persona_results(
    client: WebClient, workshop: Workshop, results: PersonaResults | None
) -> None:
    if results is None or not results.has_ratings:
        return
    post_in_thread(
        client, workshop, persona_results_text(results), blocks=build_persona_results(results)
    )


def open_persona_round(
    client: WebClient,
    db: Database,
    team_id: str,
    user_id: str,
    workshop_id: int,
    persona_name: str,
    expected_round: int | None = None,
) -> PersonaRound:
    """Run a round for one persona (saved before the caller answers), then say so on the board
    and in its thread; a round that already was this persona's is announced once only."""
    with db.session() as session:
        given = rate_round_for_persona(
            session, team_id, workshop_id, user_id, persona_name, expected_round
        )
    if given.changed:
        refresh_board(client, db, team_id, workshop_id)
        post_in_thread(
            client,
            given.workshop,
            persona_round_text(given.number, given.persona.name, user_id, given.opened),
        )
    return given
