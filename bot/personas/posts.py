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
)
from bot.workshop.board import post_in_thread
from flows.personas import PersonaResults, personas, rater_persona_id
from flows.workshops import get_workshop
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
        rater_persona_id(session, workshop, user_id),
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
