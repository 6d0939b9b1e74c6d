"""A workshop's settings form (a deadline, recurring rounds, a digest schedule) saved once.

The form names its workshop in its metadata (`WorkshopMetadata`); what it creates is saved in the
transaction that claims the submission (flows/events.claim_submission), so the same payload
delivered again saves nothing and is told nothing, while a refused one can be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from bot.slack.values import WorkshopMetadata
from flows.events import claim_submission
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop

T = TypeVar("T")


def save_workshop_form_once(
    db: Database, team_id: str, view: dict, save: Callable[[Session, Workshop], T]
) -> T | None:
    """`save(session, workshop)` for the form's workshop in this workspace, in one transaction
    with the submission's claim: what it returns, or None for a repeat of a submission already
    saved. Metadata naming no workshop reads as workshop 0: not found (a `NotFound`)."""
    workshop_id = WorkshopMetadata.read(view).workshop_id or 0
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        if not claim_submission(session, team_id, view.get("id")):
            return None
        return save(session, workshop)
