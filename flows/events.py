"""Claiming deliveries: the first claim of an Events API event id, or of a modal submission,
wins; retries and repeats lose."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from flows.inserts import added
from storage.models import EventReceipt, utcnow

# How long a claim is remembered (the scheduler's daily housekeeping job forgets older ones).
# Slack retries an event three times, the last about five minutes after the first delivery, and
# Bolt refuses any signed request more than five minutes old, so no retry or replay of an event
# or of a modal submission can arrive more than a few minutes after its first delivery; a
# submission claim has no use after that either (its view closed when it was handled). A day is
# ample; claims are then kept between one and two days.
RECEIPT_RETENTION = timedelta(days=1)


def claim_event(session: Session, team_id: str, event_id: str) -> bool:
    """True the first time `event_id` is seen (the event should be handled), False after."""
    return added(session, EventReceipt(event_id=event_id, team_id=team_id))


def claim_submission(session: Session, team_id: str, view_id: object) -> bool:
    """True the first time a modal submission is handled, False for a repeat of it (the same
    payload delivered again). Claim it in the transaction that saves what it creates, so a
    refused or failed submission can be sent again.

    A submitted view keeps its id, and each submission of a create-once form closes it, so its
    id names one submission. Without a usable id nothing is claimed (True)."""
    if not isinstance(view_id, str) or not view_id:
        return True
    digest = hashlib.sha256(f"{team_id}:{view_id}".encode()).hexdigest()[:40]
    return claim_event(session, team_id, f"view:{digest}")


def forget_old_events(session: Session) -> int:
    """Delete the claims older than RECEIPT_RETENTION, in every workspace; how many went."""
    cutoff = utcnow() - RECEIPT_RETENTION
    return session.exec(delete(EventReceipt).where(col(EventReceipt.received_at) < cutoff)).rowcount
