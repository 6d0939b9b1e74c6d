from datetime import timedelta

from sqlmodel import select

from flows.events import RECEIPT_RETENTION, claim_event, forget_old_events
from storage.models import EventReceipt, utcnow


def test_an_event_is_claimed_once(session):
    assert claim_event(session, "T1", "Ev1") is True
    assert claim_event(session, "T1", "Ev1") is False
    assert claim_event(session, "T1", "Ev2") is True


def test_old_receipts_are_forgotten(session):
    session.add(
        EventReceipt(
            event_id="old",
            team_id="T1",
            received_at=utcnow() - RECEIPT_RETENTION - timedelta(minutes=1),
        )
    )
    session.add(EventReceipt(event_id="new", team_id="T1"))
    session.flush()
    assert forget_old_events(session) == 1
    assert [r.event_id for r in session.exec(select(EventReceipt))] == ["new"]
