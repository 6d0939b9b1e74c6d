"""Claiming Events API deliveries: the first claim of an event id wins, retries lose."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from storage.models import EventReceipt, utcnow

# Slack retries a delivery three times within about five minutes; a day is ample.
RECEIPT_RETENTION = timedelta(days=1)


def claim_event(session: Session, team_id: str, event_id: str) -> bool:
    """True the first time `event_id` is seen (the event should be handled), False after."""
    try:
        with session.begin_nested():
            session.add(EventReceipt(event_id=event_id, team_id=team_id))
    except IntegrityError:
        return False
    return True


def forget_old_events(session: Session) -> int:
    cutoff = utcnow() - RECEIPT_RETENTION
    return session.execute(
        delete(EventReceipt).where(col(EventReceipt.received_at) < cutoff)
    ).rowcount
