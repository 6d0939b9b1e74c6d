from datetime import timedelta

from sqlmodel import select

from flows.events import RECEIPT_RETENTION, claim_event, claim_submission, forget_old_events
from storage.models import EventReceipt, utcnow


def test_an_event_is_claimed_once(session):
    assert claim_event(session, "T1", "Ev1") is True
    assert claim_event(session, "T1", "Ev1") is False
    assert claim_event(session, "T1", "Ev2") is True


def test_a_submission_is_claimed_once_per_workspace_and_view(session):
    assert claim_submission(session, "T1", "V0SETUP") is True
    assert claim_submission(session, "T1", "V0SETUP") is False
    assert claim_submission(session, "T2", "V0SETUP") is True  # another workspace's own
    assert claim_submission(session, "T1", "V0OTHER") is True
    # a forged id of any size is claimed under a key that fits its column
    assert claim_submission(session, "T1", "V" * 5000) is True
    assert claim_submission(session, "T1", "V" * 5000) is False


def test_a_submission_without_a_view_id_is_never_taken_for_a_repeat(session):
    assert claim_submission(session, "T1", None) is True
    assert claim_submission(session, "T1", None) is True
    assert claim_submission(session, "T1", 12) is True


def test_a_claim_rolled_back_with_its_transaction_can_be_made_again(db):
    try:
        with db.session() as session:
            assert claim_submission(session, "T1", "V0FAILS") is True
            raise RuntimeError("the save failed")
    except RuntimeError:
        pass
    with db.session() as session:
        assert claim_submission(session, "T1", "V0FAILS") is True


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
